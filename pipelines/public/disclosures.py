"""Disclosure documents ("công khai") of a ward: checked, stored with their SHA-256, listed, withdrawn, served.

A document is added by ward staff (the staff page or ``ioc disclosures add``) and every write is a row of the
security audit log (``security_events``: ``disclosure_add``, ``disclosure_withdraw``). Withdrawing keeps the row and
the file and hides them from residents; nothing here deletes. What residents get (:func:`public_list`) holds no
uploader and no comment but the published ones, without any name (none is stored).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ioc.query import rows
from ioc.security import audit
from pipelines.public import files
from pipelines.public.reason import Reason

CATEGORIES: Final = ("plan", "budget", "contribution", "land")
CATEGORY_NAMES: Final = {"ke hoach": "plan", "ngan sach": "budget", "dong gop": "contribution",
                         "dat dai": "land", "dat dai xay dung": "land"}


class DisclosureRefused(ValueError):
    """A document that cannot be added: ``field`` and the reason, for the form and the command line."""

    def __init__(self, field: str, reason: Reason) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class NewDisclosure:
    ward_code: str
    category: str
    title_vi: str
    document_date: date
    filename: str
    data: bytes
    title_en: str | None = None
    comments_open: datetime | None = None
    comments_close: datetime | None = None


def check(item: NewDisclosure, current_wards: set[str]) -> files.Kind:
    """The file's real type, or :class:`DisclosureRefused` naming the first bad field."""
    if item.ward_code not in current_wards:
        raise DisclosureRefused("ward_code", Reason(f"no current ward {item.ward_code!r}", "no_ward",
                                                    value=item.ward_code))
    if item.category not in CATEGORIES:
        raise DisclosureRefused("category", Reason(f"{item.category!r} is not one of {', '.join(CATEGORIES)}",
                                                   "bad_choice", value=item.category))
    if not item.title_vi.strip() or len(item.title_vi) > 300:
        raise DisclosureRefused("title_vi", Reason("give a Vietnamese title of 1 to 300 characters", "title"))
    if item.title_en is not None and len(item.title_en) > 300:
        raise DisclosureRefused("title_en", Reason("longer than 300 characters", "too_long", most=300))
    if (item.comments_open is None) != (item.comments_close is None):
        raise DisclosureRefused("comments_close", Reason("give both the opening and the closing time, or neither",
                                                         "period_both"))
    if item.comments_open and item.comments_close and item.comments_open >= item.comments_close:
        raise DisclosureRefused("comments_close", Reason("the comment period closes before it opens",
                                                         "period_order"))
    try:
        return files.sniff(item.data)
    except files.FileRefused as exc:
        raise DisclosureRefused("file", exc.reason) from exc


def add(conn: psycopg.Connection, item: NewDisclosure, actor: str, user_id: int | None = None,
        ip: str | None = None) -> int:
    """Store ``item`` (checked first) and audit it; the new document's id."""
    current = {c for (c,) in conn.execute("SELECT code FROM wards WHERE valid_to IS NULL")}
    kind = check(item, current)
    digest = hashlib.sha256(item.data).hexdigest()
    with conn.transaction():
        row = conn.execute("""
            INSERT INTO disclosures (ward_code, category, title_vi, title_en, document_date, filename, content_type,
                                     size_bytes, sha256, content, uploaded_by, uploaded_by_id, comments_open,
                                     comments_close)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
                           [item.ward_code, item.category, item.title_vi.strip(), (item.title_en or "").strip() or None,
                            item.document_date, files.safe_filename(item.filename, kind), kind.content_type,
                            len(item.data), digest, item.data, actor, user_id, item.comments_open,
                            item.comments_close]).fetchone()
        assert row is not None
        audit.record(conn, "disclosure_add", actor, f"disclosure:{row[0]}", ip, ward=item.ward_code,
                     category=item.category, sha256=digest, size=len(item.data))
    return int(row[0])


def withdraw(conn: psycopg.Connection, document: int, actor: str, reason: str, ip: str | None = None) -> bool:
    """Hide ``document`` from residents, keeping it; False when there is no such document still shown."""
    with conn.transaction():
        done = conn.execute("""UPDATE disclosures SET withdrawn_at = now(), withdrawn_by = %s, withdrawn_reason = %s
                               WHERE id = %s AND withdrawn_at IS NULL""",
                            [actor, reason.strip()[:500] or None, document]).rowcount
        if done:
            audit.record(conn, "disclosure_withdraw", actor, f"disclosure:{document}", ip, reason=reason[:500])
    return bool(done)


_PUBLIC = """
    SELECT d.id, d.category, d.title_vi, d.title_en, d.document_date, d.published_at, d.filename, d.content_type,
           d.size_bytes, d.sha256, d.comments_open, d.comments_close, d.synthetic,
           (SELECT count(*) FROM disclosure_comments c WHERE c.disclosure_id = d.id AND c.state <> 'hidden')
               AS comments,
           coalesce((SELECT array_agg(c.body ORDER BY c.received_at) FROM disclosure_comments c
                     WHERE c.disclosure_id = d.id AND c.state = 'published'), '{}') AS published_comments
    FROM disclosures d
    WHERE d.ward_code = %s AND d.withdrawn_at IS NULL AND d.published_at <= %s
    ORDER BY array_position(%s::text[], d.category), d.document_date DESC, d.id DESC"""


def public_list(pool: ConnectionPool, ward: str, now: datetime) -> list[dict[str, Any]]:
    """The ward's documents shown to residents, by category and newest first, with their comment counts."""
    return rows(pool, _PUBLIC, [ward, now, list(CATEGORIES)])


def staff_list(pool: ConnectionPool, ward: str | None = None, document: int | None = None) -> list[dict[str, Any]]:
    """Every document (withdrawn ones too) of ``ward`` (or one ``document``), newest first, with the count of
    comments in each state."""
    return rows(pool, """
        SELECT d.id, d.ward_code, d.category, d.title_vi, d.title_en, d.document_date, d.published_at, d.filename,
               d.content_type, d.size_bytes, d.sha256, d.uploaded_by, d.comments_open, d.comments_close,
               d.withdrawn_at, d.withdrawn_by, d.withdrawn_reason,
               count(c.id) FILTER (WHERE c.state = 'pending') AS pending,
               count(c.id) FILTER (WHERE c.state = 'published') AS published,
               count(c.id) FILTER (WHERE c.state = 'hidden') AS hidden
        FROM disclosures d LEFT JOIN disclosure_comments c ON c.disclosure_id = d.id
        WHERE (%(ward)s::text IS NULL OR d.ward_code = %(ward)s) AND (%(id)s::bigint IS NULL OR d.id = %(id)s)
        GROUP BY d.id ORDER BY d.published_at DESC, d.id DESC""", {"ward": ward, "id": document})


def document(pool: ConnectionPool, document_id: int) -> dict[str, Any] | None:
    """A document residents may download (not withdrawn): ward, filename, content type, bytes, SHA-256."""
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT id, ward_code, filename, content_type, content, sha256, comments_open, comments_close
                       FROM disclosures WHERE id = %s AND withdrawn_at IS NULL AND published_at <= now()""",
                    [document_id])
        return cur.fetchone()
