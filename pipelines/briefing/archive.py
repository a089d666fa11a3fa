"""The archive of generated briefings (table ``briefings``) and their recipients (``briefing_recipients``).

A briefing is stored once per (week, scope, language); generating it again replaces the files but keeps who it was
mailed to, so the schedule never mails a week twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ioc.errors import IocError


class RecipientError(IocError, ValueError):
    """A recipient is an e-mail address, a scope ('*', a province or a ward code) and a language (vi, en)."""


@dataclass(frozen=True)
class Recipient:
    email: str
    scope: str
    lang: str


def save(conn: psycopg.Connection, week: str, scope: str, lang: str, html: str, pdf: bytes,
         generated_at: datetime) -> int:
    found = conn.execute("""
        INSERT INTO briefings (week, scope, lang, html, pdf, pdf_sha256, generated_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (week, scope, lang) DO UPDATE
            SET html = excluded.html, pdf = excluded.pdf, pdf_sha256 = excluded.pdf_sha256,
                generated_at = excluded.generated_at
        RETURNING id""", [week, scope, lang, html, pdf, hashlib.sha256(pdf).hexdigest(), generated_at]).fetchone()
    assert found is not None
    return int(found[0])


def mark_mailed(conn: psycopg.Connection, briefing_id: int, to: list[str], at: datetime) -> None:
    conn.execute("UPDATE briefings SET mailed_at = %s, mailed_to = %s WHERE id = %s", [at, to, briefing_id])


def mailed(conn: psycopg.Connection, week: str, scope: str, lang: str) -> bool:
    row = conn.execute("SELECT mailed_at IS NOT NULL FROM briefings WHERE week = %s AND scope = %s AND lang = %s",
                       [week, scope, lang]).fetchone()
    return bool(row and row[0])


def listing(conn: psycopg.Connection, limit: int = 200) -> list[dict[str, Any]]:
    """Newest week first: id, week, scope, lang, pdf_sha256, generated_at, mailed_at, mailed_to, html_bytes; once the
    retention has replaced the addresses, mailed_to is empty and ``purged_count`` says how many there were."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""SELECT id, week, scope, lang, pdf_sha256, generated_at, mailed_at, mailed_to,
                                     octet_length(html) AS html_bytes, octet_length(pdf) AS pdf_bytes,
                                     n.mailed_count AS purged_count
                              FROM briefings b LEFT JOIN briefing_recipient_counts n ON n.briefing_id = b.id
                              ORDER BY week DESC, scope, lang LIMIT %s""", [limit]).fetchall()


def one(conn: psycopg.Connection, briefing_id: int) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM briefings WHERE id = %s", [briefing_id]).fetchone()


def add_recipient(conn: psycopg.Connection, r: Recipient) -> bool:
    """True when added, False when already there."""
    if "@" not in r.email or r.lang not in ("vi", "en") or not r.scope.strip():
        raise RecipientError(f"recipient {r.email!r} scope {r.scope!r} lang {r.lang!r}: {RecipientError.__doc__}")
    known = r.scope == "*" or conn.execute(
        "SELECT 1 FROM wards WHERE valid_to IS NULL AND (code = %(s)s OR province = %(s)s) LIMIT 1",
        {"s": r.scope.strip()}).fetchone()
    if not known:
        raise RecipientError(f"recipient {r.email!r}: scope {r.scope!r} is no current ward code or province name")
    try:
        cur = conn.execute("INSERT INTO briefing_recipients (email, scope, lang) VALUES (%s, %s, %s) "
                           "ON CONFLICT DO NOTHING", [r.email.strip(), r.scope.strip(), r.lang])
    except psycopg.errors.CheckViolation:
        raise RecipientError(f"recipient {r.email!r}: not an e-mail address") from None
    return cur.rowcount == 1


def remove_recipient(conn: psycopg.Connection, r: Recipient) -> bool:
    cur = conn.execute("DELETE FROM briefing_recipients WHERE email = %s AND scope = %s AND lang = %s",
                       [r.email, r.scope, r.lang])
    return cur.rowcount == 1


def recipients(conn: psycopg.Connection) -> list[Recipient]:
    return [Recipient(e, s, lang) for e, s, lang in
            conn.execute("SELECT email, scope, lang FROM briefing_recipients ORDER BY scope, lang, email")]
