"""The footage register's hash chain: appending rows and verifying them.

Each row of ``footage_register`` stores ``row_hash = sha256(prev_hash || canonical row)``, hex, where ``prev_hash``
is the previous row's ``row_hash`` (64 zeros for the first row) and the canonical row is the JSON of its fields
(:func:`canonical`: keys sorted, no spaces, UTF-8, times in UTC with microseconds). Appends are serialised by a table
lock, and the database refuses any UPDATE or DELETE (migration 0180); an edit made around that (a superuser
disabling the trigger, a restored dump edited by hand) changes a row's canonical form and :func:`verify` names it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

GENESIS: Final = "0" * 64
FIELDS: Final = ("id", "extraction_id", "event", "at", "actor", "ward_code", "purpose", "outcome", "details")


@dataclass(frozen=True)
class Entry:
    """One event to append; ``id`` and the hashes are given by :func:`append`."""
    event: str
    actor: str
    at: datetime
    details: Mapping[str, Any]
    extraction_id: int | None = None      # None for a request: its own id
    ward_code: str | None = None
    purpose: str | None = None
    outcome: str | None = None
    contact: str | None = None            # kept beside the chain (footage_contacts), not in it


def canonical(row: Mapping[str, Any]) -> str:
    """The text a row's hash covers: its fields as JSON, sorted, compact, times in UTC."""
    at = row["at"]
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise ValueError("a register row's time must be timezone-aware")
    values = {k: row[k] for k in FIELDS} | {"at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(row)).encode()).hexdigest()


def lock(conn: psycopg.Connection) -> tuple[int, str]:
    """Take the register's append lock (held to the end of the transaction); the last id and hash."""
    conn.execute("LOCK TABLE footage_register IN SHARE ROW EXCLUSIVE MODE")
    last = conn.execute("SELECT id, row_hash FROM footage_register ORDER BY id DESC LIMIT 1").fetchone()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def append(conn: psycopg.Connection, entries: list[Entry]) -> list[int]:
    """Append ``entries`` in order, chained; the caller's transaction must hold :func:`lock`. Returns their ids."""
    last_id, prev = lock(conn)
    rows, contacts, ids = [], [], []
    for number, entry in enumerate(entries, start=last_id + 1):
        at = entry.at.astimezone(UTC)
        row = {"id": number, "extraction_id": entry.extraction_id or number, "event": entry.event, "at": at,
               "actor": entry.actor, "ward_code": entry.ward_code, "purpose": entry.purpose,
               "outcome": entry.outcome, "details": json.loads(json.dumps(dict(entry.details)))}
        digest = row_hash(prev, row)
        rows.append({**row, "details": Jsonb(row["details"]), "prev_hash": prev, "row_hash": digest})
        if entry.contact:
            contacts.append((number, entry.contact))
        prev = digest
        ids.append(number)
    with conn.cursor() as cur:
        names = (*FIELDS, "prev_hash", "row_hash")
        cur.executemany(sql.SQL("INSERT INTO footage_register ({}) VALUES ({})").format(
            sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(map(sql.Placeholder, names))), rows)
        if contacts:
            cur.executemany("INSERT INTO footage_contacts (register_id, contact) VALUES (%s, %s)", contacts)
    return ids


@dataclass(frozen=True)
class Verdict:
    rows: int
    broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def _rows(conn: psycopg.Connection) -> Iterator[dict[str, Any]]:
    with conn.cursor(name="footage_verify", row_factory=dict_row) as cur:
        cur.itersize = 2000
        cur.execute(sql.SQL("SELECT {} FROM footage_register ORDER BY id").format(
            sql.SQL(", ").join(map(sql.Identifier, (*FIELDS, "prev_hash", "row_hash")))))
        yield from cur


def verify(conn: psycopg.Connection) -> Verdict:
    """Walk the chain from the first row; the first row whose link or hash does not hold, and why."""
    prev, expected_id, count = GENESIS, 1, 0
    with conn.transaction():
        for row in _rows(conn):
            count += 1
            if row["id"] != expected_id:
                return Verdict(count, expected_id, f"row {expected_id} is missing (next row is {row['id']})")
            if row["prev_hash"] != prev:
                return Verdict(count, row["id"], "its prev_hash is not the previous row's hash")
            if row_hash(prev, row) != row["row_hash"]:
                return Verdict(count, row["id"], "its content does not match its hash (the row was changed)")
            prev, expected_id = row["row_hash"], expected_id + 1
    return Verdict(count)
