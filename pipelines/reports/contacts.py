"""The only reader of ``report_contacts``: every view is logged (who, role, when, which report, masked or not) in
the one access log for personal data, ``personal_data_access`` (``report_contact_views`` is a view of it).

Nothing else in the code base selects from that table, and a test holds it to that. Screens for staff get the
masked contact; the whole contact goes to admins only (``ioc reports contact``), and the log says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from ioc.security import personal
from pipelines.reports.model import AccessDenied, Contact, ReportNotFound
from pipelines.reports.privacy import ROLES, mask_contact, sees_full_contact


@dataclass(frozen=True)
class ContactView:
    viewer: str
    role: str
    masked: bool
    purpose: str | None
    viewed_at: datetime


def contact_view(conn: psycopg.Connection, report_id: int, viewer: str, role: str,
                 purpose: str | None = None) -> Contact | None:
    """The reporter's contact as ``role`` may see it, the view logged in the same transaction."""
    if role not in ROLES:
        raise AccessDenied(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if not viewer.strip():
        raise AccessDenied("a contact view needs the viewer's name for the access log")
    with conn.transaction():
        if conn.execute("SELECT 1 FROM reports WHERE id = %s", [report_id]).fetchone() is None:
            raise ReportNotFound(f"report {report_id} does not exist")
        row = conn.execute("SELECT name, phone, email FROM report_contacts WHERE report_id = %s",
                           [report_id]).fetchone()
        personal.log_access(conn, viewer, role, personal.REPORT_CONTACT, str(report_id), purpose=purpose,
                            masked=not sees_full_contact(role))
    return mask_contact(Contact(*row) if row else None, role)


def full_contact(conn: psycopg.Connection, report_id: int, viewer: str, role: str, purpose: str) -> Contact | None:
    """The admin path: the whole contact, refused (and not logged as a view) for any other role."""
    if not sees_full_contact(role):
        raise AccessDenied(f"role {role!r} may not see a reporter's whole contact; admins only")
    if not purpose.strip():
        raise AccessDenied("say why you need the reporter's contact (--purpose); it is kept in the access log")
    return contact_view(conn, report_id, viewer, role, purpose)


def views(conn: psycopg.Connection, report_id: int) -> list[ContactView]:
    rows = conn.execute("""SELECT viewer, role, masked, purpose, viewed_at FROM report_contact_views
                           WHERE report_id = %s ORDER BY viewed_at, id""", [report_id]).fetchall()
    return [ContactView(*r) for r in rows]
