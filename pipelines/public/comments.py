"""Residents' comments on a disclosure document: cleaned, accepted only inside the comment period, moderated.

Anonymous by design (Law 91/2025/QH15: what we do not need, we do not keep): the body is all that is stored; no
name, no contact, no address. The text is reduced to plain text (tags and control characters removed) and phone
numbers, e-mails and ID numbers in it are redacted before it is stored, so a published comment cannot publish a
person. A document takes at most :data:`PER_DOCUMENT_PER_HOUR` comments an hour, so one flood cannot bury the
others; the per-address limit is the web layer's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any, Final, Literal

import psycopg

from ioc.query import rows
from ioc.security import audit
from ioc.security.personal import redact

MAX_CHARS: Final = 2000
PER_DOCUMENT_PER_HOUR: Final = 60
STATES: Final = ("pending", "published", "hidden")
Outcome = Literal["accepted", "empty", "too_long", "not_found", "not_open", "closed", "too_many"]

_TAG = re.compile(r"<[^>]{0,200}>")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean(text: str) -> str:
    """Plain text: NFC, no tags, no control or direction characters, at most two blank lines in a row."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def period_state(opens: datetime | None, closes: datetime | None, now: datetime) -> str:
    """``none`` (no period), ``not_open``, ``open`` or ``closed``."""
    if opens is None or closes is None:
        return "none"
    return "not_open" if now < opens else "open" if now < closes else "closed"


def submit(conn: psycopg.Connection, document: int, body: str, now: datetime) -> Outcome:
    """Store one comment on ``document`` if its period is open; the outcome either way."""
    text = clean(body)
    if not text:
        return "empty"
    if len(text) > MAX_CHARS:
        return "too_long"
    with conn.transaction():
        found = conn.execute("""SELECT comments_open, comments_close FROM disclosures
                                WHERE id = %s AND withdrawn_at IS NULL FOR UPDATE""", [document]).fetchone()
        if found is None:
            return "not_found"
        state = period_state(found[0], found[1], now)
        if state != "open":
            return "closed" if state in ("closed", "none") else "not_open"
        recent = conn.execute("""SELECT count(*) FROM disclosure_comments
                                 WHERE disclosure_id = %s AND received_at > %s""",
                              [document, now - timedelta(hours=1)]).fetchone()
        if recent is not None and recent[0] >= PER_DOCUMENT_PER_HOUR:
            return "too_many"
        conn.execute("INSERT INTO disclosure_comments (disclosure_id, received_at, body) VALUES (%s, %s, %s)",
                     [document, now, redact(text)[:MAX_CHARS]])
    return "accepted"


def moderate(conn: psycopg.Connection, comment: int, state: str, actor: str, ip: str | None = None) -> bool:
    """Set a comment's state (audited); False when there is no such comment."""
    if state not in STATES:
        raise ValueError(f"state {state!r}: expected one of {', '.join(STATES)}")
    with conn.transaction():
        done = conn.execute("""UPDATE disclosure_comments SET state = %s, moderated_by = %s, moderated_at = now()
                               WHERE id = %s""", [state, actor, comment]).rowcount
        if done:
            audit.record(conn, "disclosure_comment_" + state, actor, f"comment:{comment}", ip)
    return bool(done)


def for_staff(pool: Any, document: int) -> list[dict[str, Any]]:
    return rows(pool, """SELECT id, received_at, body, state, moderated_by, moderated_at FROM disclosure_comments
                         WHERE disclosure_id = %s ORDER BY received_at DESC""", [document])
