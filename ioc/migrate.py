"""Numbered ``.sql`` migrations applied in order, each once, recorded in ``schema_migrations``.

Each file runs in its own transaction under an advisory lock, so concurrent ``ioc migrate`` calls are safe.
A file whose content changed after it was applied is refused: migrations are append-only.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psycopg

from ioc.errors import MigrationError

log = logging.getLogger(__name__)
LOCK_ID = 0x10C_0001
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available(directory: Path | None = None) -> list[Migration]:
    root = directory or Path(str(resources.files("ioc") / "migrations"))
    found = []
    for path in sorted(root.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise MigrationError(f"{path.name}: migration files are named NNNN_lowercase_name.sql")
        found.append(Migration(int(m.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a number")
    return found


def apply(conn: psycopg.Connection, directory: Path | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when up to date)."""
    conn.autocommit = True
    conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())""")
    conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
    try:
        done = {v: (n, c) for v, n, c in conn.execute("SELECT version, name, checksum FROM schema_migrations")}
        applied = []
        for mig in available(directory):
            if mig.version in done:
                if done[mig.version][1] != mig.checksum:
                    raise MigrationError(f"{mig.name} changed after it was applied: add a new migration instead")
                continue
            _apply_one(conn, mig)
            applied.append(mig.name)
        return applied
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])


def _apply_one(conn: psycopg.Connection, mig: Migration) -> None:
    log.info("applying migration %s", mig.name)
    try:
        with conn.transaction():
            conn.execute(mig.sql.encode())
            conn.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                         [mig.version, mig.name, mig.checksum])
    except psycopg.Error as exc:
        raise MigrationError(f"{mig.name}: {str(exc).strip().splitlines()[0]}") from exc
