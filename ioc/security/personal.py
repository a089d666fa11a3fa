"""Personal data (Law 91/2025/QH15 on personal data protection, in force since 2026-01-01): who may see a reporter's
contact or a camera snapshot, the access log, and the redaction of personal details from free text.

The reports and camera code call :func:`view` right before showing such data: it refuses a role without the
permission and logs the view (who, role, what, why, from where) in ``personal_data_access`` in the caller's
transaction, so a view that is shown is a view that is logged. Wifi and crowd figures are aggregates and are not
personal data; no MAC address is stored anywhere (``tests/security/test_no_mac_addresses.py``).
Each access-log row names the law it was made under (``legal_basis``) and the caller's purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import psycopg

from ioc.security import roles
from ioc.security.errors import Forbidden
from ioc.security.principal import Principal

LAW: Final = "Law 91/2025/QH15"           # Luật Bảo vệ dữ liệu cá nhân, replaces Decree 13/2023/NĐ-CP
# The purpose the access log records for a contact shown to staff handling a report (Law 91/2025/QH15 asks for it).
HANDLING_PURPOSE: Final = "xử lý phản ánh / handling the report"
REPORT_CONTACT: Final = "report_contact"
CAMERA_SNAPSHOT: Final = "camera_snapshot"
PERMISSION: Final = {REPORT_CONTACT: roles.REPORTS_CONTACT, CAMERA_SNAPSHOT: roles.SNAPSHOTS}

# pipelines.reports.privacy knows admin (whole contact), staff (masked) and viewer (masked).
_REPORTS_ROLE: Final = {"admin": "admin", "operator": "staff"}


def may_see(who: Principal | None, data_class: str) -> bool:
    return who is not None and who.may(PERMISSION[data_class])


def require(who: Principal | None, data_class: str) -> Principal:
    if who is None or not may_see(who, data_class):
        role = who.role if who else "anonymous"
        raise Forbidden(f"role {role!r} may not see {data_class.replace('_', ' ')}s")
    return who


def log_access(conn: psycopg.Connection, viewer: str, role: str, data_class: str, subject: str, *,
               purpose: str | None = None, ip: str | None = None, masked: bool = False) -> None:
    """The one writer of the access log, for every data class (a masked view is logged too: it was asked for)."""
    conn.execute("""INSERT INTO personal_data_access (viewer, role, data_class, subject, purpose, ip, masked,
                                                      legal_basis)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                 [viewer, role, data_class, subject, (purpose or None) and purpose[:500], ip, masked, LAW])


def log_view(conn: psycopg.Connection, who: Principal, data_class: str, subject: str, purpose: str | None = None,
             ip: str | None = None) -> None:
    log_access(conn, who.actor, who.role, data_class, subject, purpose=purpose, ip=ip)


def view(conn: psycopg.Connection, who: Principal | None, data_class: str, subject: str, purpose: str | None = None,
         ip: str | None = None) -> Principal:
    """Check, then log one view of ``data_class`` about ``subject`` (a report id, a camera event)."""
    allowed = require(who, data_class)
    log_view(conn, allowed, data_class, subject, purpose, ip)
    return allowed


def view_many(conn: psycopg.Connection, who: Principal | None, data_class: str, subjects: Iterable[str],
              purpose: str, ip: str | None = None) -> int:
    """Check, then log a view of each subject (a page of camera events), in one statement; the rows logged."""
    allowed = require(who, data_class)
    if not purpose.strip():
        raise Forbidden(f"a view of {data_class.replace('_', ' ')}s needs a purpose")
    rows = [(allowed.actor, allowed.role, data_class, s, purpose.strip()[:500], ip, LAW) for s in subjects]
    with conn.cursor() as cur:
        cur.executemany("""INSERT INTO personal_data_access (viewer, role, data_class, subject, purpose, ip,
                                                             legal_basis)
                           VALUES (%s, %s, %s, %s, %s, %s, %s)""", rows)
    return len(rows)


def reports_role(who: Principal) -> str:
    """The role to hand ``pipelines.reports.contacts``: admin sees the whole contact, an operator a masked one."""
    require(who, REPORT_CONTACT)
    return _REPORTS_ROLE.get(who.role, "viewer")


def redact_snapshots(rows: Iterable[Mapping[str, Any]], who: Principal | None) -> list[dict[str, Any]]:
    """Camera events with ``snapshot_url`` blanked for a caller who may not see snapshots."""
    keep = may_see(who, CAMERA_SNAPSHOT)
    return [dict(r) if keep or r.get("snapshot_url") is None else {**r, "snapshot_url": None} for r in rows]


# Order matters: a 12-digit citizen ID (CCCD) would otherwise be half-read as a phone number.
_REDACTIONS: Final = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email đã ẩn]"),
    (re.compile(r"(?<![\d+])\d(?:[ .]?\d){11}(?!\d)"), "[số CCCD đã ẩn]"),
    (re.compile(r"(?<![\d+])(?:\+84|0084|84|0)(?:[ .\-]?\d){8,10}(?![\d])"), "[số điện thoại đã ẩn]"),
)


def redact(text: str) -> str:
    """``text`` without e-mail addresses, 12-digit citizen ID numbers (CCCD) and Vietnamese phone numbers (0…,
    +84…, 0084…; digits may be grouped by spaces, dots or dashes): what a resident writes about themself in a
    report's free text. Pure; the rest of the text is left as it was."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text
