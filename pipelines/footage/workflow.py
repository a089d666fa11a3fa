"""The extraction workflow: request → approve | refuse → export → deliver → destroy, plus the outcome.

Every step is a new row of the register (:mod:`pipelines.footage.chain`), written by a footage officer (the role
holding ``footage:register``); the approver is never the officer who registered the request. The state of an
extraction is read from its rows (:func:`state_of`), under the register's lock, so two officers acting on the same
extraction at once cannot both succeed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import psycopg

from ioc.errors import IocError
from ioc.security import roles
from pipelines.footage.chain import Entry, append, lock

PURPOSES: Final = ("antt", "ttatgt", "other")          # public order, traffic safety, other (a reason is required)
OUTCOMES: Final = ("traffic_accident", "criminal_case", "administrative_violation", "none")
DEFAULT_KEEP_DAYS: Final = 30                          # destroy the exported copy by approval + 30 days
MAX_RANGE: Final = timedelta(days=31)
# what may follow each state (the outcome may be recorded once exported, and corrected by a later outcome row)
NEXT: Final = {"requested": ("approve", "refuse"), "approved": ("export",), "exported": ("deliver", "destroy"),
               "delivered": ("destroy",), "refused": (), "destroyed": ()}
STATE_AFTER: Final = {"request": "requested", "approve": "approved", "refuse": "refused", "export": "exported",
                      "deliver": "delivered", "destroy": "destroyed"}


class FootageError(IocError):
    """The footage register refused the step."""


@dataclass(frozen=True)
class Request:
    requester: str           # the person asking (often from the police), name as on their letter
    unit: str                # their unit (Công an phường …)
    purpose: str
    legal_basis: str         # the letter / article the request relies on
    cameras: tuple[str, ...]
    start: datetime
    end: datetime
    reason: str | None = None
    ward_code: str | None = None   # default: the cameras' ward


def _text(value: str | None, name: str, limit: int = 500) -> str:
    text = (value or "").strip()
    if not text:
        raise FootageError(f"{name} is required")
    if len(text) > limit:
        raise FootageError(f"{name}: at most {limit} characters")
    return text


def check_officer(conn: psycopg.Connection, actor: str) -> str:
    row = conn.execute("SELECT role FROM users WHERE username = %s AND disabled_at IS NULL", [actor]).fetchone()
    if row is None:
        raise FootageError(f"{actor!r} is not an active user (see ioc users list)")
    if roles.FOOTAGE not in roles.permissions_of(row[0]):
        raise FootageError(f"{actor!r} is a {row[0]}: only a footage officer (footage_officer) may register "
                           "or approve extractions")
    return actor


def rows_of(conn: psycopg.Connection, extraction_id: int) -> list[dict[str, Any]]:
    cur = conn.execute("""SELECT id, event, at, actor, ward_code, purpose, outcome, details FROM footage_register
                          WHERE extraction_id = %s ORDER BY id""", [extraction_id])
    names = [c.name for c in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def state_of(rows: Sequence[dict[str, Any]]) -> str:
    state = "none"
    for row in rows:
        state = STATE_AFTER.get(row["event"], state)
    return state


def _step(conn: psycopg.Connection, extraction_id: int, event: str, actor: str) -> list[dict[str, Any]]:
    check_officer(conn, actor)
    lock(conn)
    rows = rows_of(conn, extraction_id)
    if not rows or rows[0]["event"] != "request":
        raise FootageError(f"extraction {extraction_id} does not exist")
    state = state_of(rows)
    allowed = NEXT[state] + (("outcome",) if state in ("exported", "delivered", "destroyed") else ())
    if event not in allowed:
        raise FootageError(f"extraction {extraction_id} is {state}: {event} is not possible now"
                           + (f" (next: {', '.join(allowed)})" if allowed else ""))
    return rows


def request(conn: psycopg.Connection, actor: str, req: Request, now: datetime | None = None) -> int:
    """Register a request; its id is the extraction's number."""
    if req.purpose not in PURPOSES:
        raise FootageError(f"purpose {req.purpose!r}: expected one of {', '.join(PURPOSES)}")
    reason = (req.reason or "").strip() or None
    if req.purpose == "other" and not reason:
        raise FootageError("purpose 'other' needs a reason (lý do)")
    if not req.cameras:
        raise FootageError("at least one camera is required")
    if req.start.tzinfo is None or req.end.tzinfo is None or req.start >= req.end:
        raise FootageError("the time range needs a start before its end (with a time zone)")
    if req.end - req.start > MAX_RANGE:
        raise FootageError(f"the time range is longer than {MAX_RANGE.days} days: split the request")
    with conn.transaction():
        check_officer(conn, actor)
        found: dict[str, str | None] = dict(conn.execute(
            "SELECT device_id, ward_code FROM devices WHERE kind = 'camera' AND device_id = ANY(%s)",
            [list(req.cameras)]).fetchall())
        unknown = [c for c in req.cameras if c not in found]
        if unknown:
            raise FootageError(f"not a registered camera: {', '.join(unknown)}")
        wards = [w for w in (found[c] for c in req.cameras) if w]
        ward = req.ward_code or (max(set(wards), key=wards.count) if wards else None)
        details = {"requester": _text(req.requester, "requester", 200), "unit": _text(req.unit, "unit", 200),
                   "legal_basis": _text(req.legal_basis, "legal basis"), "reason": reason,
                   "cameras": list(dict.fromkeys(req.cameras)), "from": req.start.astimezone(UTC).isoformat(),
                   "to": req.end.astimezone(UTC).isoformat()}
        [rid] = append(conn, [Entry("request", actor, now or datetime.now(UTC), details, ward_code=ward,
                                    purpose=req.purpose)])
    return rid


def approve(conn: psycopg.Connection, extraction_id: int, actor: str, destroy_by: date | None = None,
            note: str | None = None, now: datetime | None = None) -> date:
    """Approve (never by the officer who registered it); returns the date the copy must be destroyed by."""
    at = now or datetime.now(UTC)
    with conn.transaction():
        rows = _step(conn, extraction_id, "approve", actor)
        if actor in (rows[0]["actor"], rows[0]["details"].get("requester")):
            raise FootageError(f"{actor!r} registered extraction {extraction_id}: another footage officer "
                               "must approve it")
        by = destroy_by or (at + timedelta(days=DEFAULT_KEEP_DAYS)).date()
        if by < at.date():
            raise FootageError(f"destruction date {by} is in the past")
        append(conn, [Entry("approve", actor, at, {"destroy_by": by.isoformat(), "note": note},
                            extraction_id=extraction_id)])
    return by


def refuse(conn: psycopg.Connection, extraction_id: int, actor: str, reason: str, now: datetime | None = None) -> None:
    with conn.transaction():
        rows = _step(conn, extraction_id, "refuse", actor)
        if actor == rows[0]["actor"]:
            raise FootageError(f"{actor!r} registered extraction {extraction_id}: another footage officer decides")
        append(conn, [Entry("refuse", actor, now or datetime.now(UTC), {"reason": _text(reason, "reason")},
                            extraction_id=extraction_id)])


def file_digest(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
    except OSError as exc:
        raise FootageError(f"{path}: {exc.strerror or exc}") from None
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": h.hexdigest()}


def export(conn: psycopg.Connection, extraction_id: int, actor: str, files: Sequence[Path],
           now: datetime | None = None) -> list[dict[str, Any]]:
    """Record the exported files with their SHA-256, computed here from the files themselves."""
    if not files:
        raise FootageError("at least one exported file is required")
    digests = [file_digest(p) for p in files]      # before the lock: a large file takes a while
    with conn.transaction():
        _step(conn, extraction_id, "export", actor)
        append(conn, [Entry("export", actor, now or datetime.now(UTC), {"files": digests},
                            extraction_id=extraction_id)])
    return digests


def deliver(conn: psycopg.Connection, extraction_id: int, actor: str, to: str, unit: str, contact: str | None = None,
            method: str | None = None, now: datetime | None = None) -> None:
    """Record the hand-over; the recipient's contact is kept beside the chain with its own retention."""
    with conn.transaction():
        _step(conn, extraction_id, "deliver", actor)
        details = {"to": _text(to, "recipient", 200), "unit": _text(unit, "recipient unit", 200),
                   "method": (method or "").strip() or None}
        append(conn, [Entry("deliver", actor, now or datetime.now(UTC), details, extraction_id=extraction_id,
                            contact=(contact or "").strip()[:200] or None)])


def destroy(conn: psycopg.Connection, extraction_id: int, actor: str, record: str, now: datetime | None = None) -> None:
    """Record the destruction of the exported copy, with its record (biên bản hủy)."""
    with conn.transaction():
        _step(conn, extraction_id, "destroy", actor)
        append(conn, [Entry("destroy", actor, now or datetime.now(UTC), {"record": _text(record, "record")},
                            extraction_id=extraction_id)])


def outcome(conn: psycopg.Connection, extraction_id: int, actor: str, result: str, note: str | None = None,
            now: datetime | None = None) -> None:
    """What the footage helped clarify; a later outcome row corrects an earlier one."""
    if result not in OUTCOMES:
        raise FootageError(f"outcome {result!r}: expected one of {', '.join(OUTCOMES)}")
    with conn.transaction():
        _step(conn, extraction_id, "outcome", actor)
        append(conn, [Entry("outcome", actor, now or datetime.now(UTC), {"note": note}, extraction_id=extraction_id,
                            outcome=result)])
