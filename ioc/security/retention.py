"""Retention per data class, from the settings: how long each kind of data is kept and where it lives.

``pipelines/retention.py`` drops hypertable chunks by age; :func:`policy` tells it the days per table.
:func:`purge` deletes what lives in plain tables: the access logs, ended sessions, and the personal data of field
reports closed, or last active (``reports.last_activity_at``, closed or not), longer ago than the contact retention:
the reporter's contact is deleted and the description's phone numbers, e-mails and ID numbers are redacted, unless
the reporter consented to keep them (``reports.consent_keep``). A report left open and forgotten no longer keeps
its reporter's contact forever. Personal data is kept no longer than its purpose needs (Law 91/2025/QH15 on
personal data protection, in force since 2026-01-01).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import psycopg

from ioc.config import Settings
from ioc.security.personal import redact

SESSIONS_KEPT = timedelta(days=7)   # ended sessions, for the audit trail of who was signed in


@dataclass(frozen=True)
class Retention:
    data_class: str
    days: int
    tables: tuple[str, ...]
    how: str            # "drop_chunks" (pipelines/retention.py) or "delete" (purge below)
    personal: bool = False


def policy(settings: Settings) -> dict[str, Retention]:
    return {r.data_class: r for r in (
        Retention("raw_telemetry", settings.raw_retention_days,
                  ("env_telemetry", "camera_telemetry", "wifi_telemetry", "device_status", "rollup_1m"),
                  "drop_chunks"),
        Retention("rollups", settings.rollup_retention_days, ("rollup_1h", "rollup_1d"), "drop_chunks"),
        Retention("dead_letters", settings.dead_letter_retention_days, ("dead_letters",), "drop_chunks"),
        Retention("camera_events", settings.camera_event_retention_days, ("camera_events",), "drop_chunks",
                  personal=True),
        Retention("report_contacts", settings.report_contact_retention_days, ("report_contacts",), "delete",
                  personal=True),
        Retention("access_logs", settings.access_log_retention_days,
                  ("personal_data_access", "security_events"), "delete"),
    )}


def days_by_table(settings: Settings) -> dict[str, int]:
    """Hypertable name -> days kept: what ``pipelines/retention.py`` needs for ``drop_chunks``."""
    return {t: r.days for r in policy(settings).values() if r.how == "drop_chunks" for t in r.tables}


def purge(conn: psycopg.Connection, settings: Settings) -> dict[str, int]:
    """Delete what the policy says has expired from plain tables; returns rows deleted per table."""
    rules, done = policy(settings), {}
    logs = timedelta(days=rules["access_logs"].days)
    done["personal_data_access"] = conn.execute("DELETE FROM personal_data_access WHERE at < now() - %s",
                                                [logs]).rowcount
    done["security_events"] = conn.execute("DELETE FROM security_events WHERE at < now() - %s", [logs]).rowcount
    done["auth_sessions"] = conn.execute(
        "DELETE FROM auth_sessions WHERE least(expires_at, coalesce(revoked_at, expires_at)) < now() - %s",
        [SESSIONS_KEPT]).rowcount
    if conn.execute("SELECT to_regclass('open311_readers') IS NOT NULL").fetchone() == (True,):
        done["open311_readers"] = conn.execute(
            "DELETE FROM open311_readers WHERE window_start < now() - interval '1 hour'").rowcount
    if conn.execute("SELECT to_regclass('report_contacts') IS NOT NULL").fetchone() == (True,):
        done.update(purge_reports(conn, timedelta(days=rules["report_contacts"].days)))
    return done


def purge_reports(conn: psycopg.Connection, kept: timedelta) -> dict[str, int]:
    """Contacts deleted and descriptions redacted for reports idle longer than ``kept`` without the reporter's
    consent; each report is done once (``details_purged_at``), in one transaction."""
    with conn.transaction():
        due = [r[0] for r in conn.execute(
            """SELECT id FROM reports WHERE NOT consent_keep AND details_purged_at IS NULL
               AND (closed_at < now() - %(kept)s OR last_activity_at < now() - %(kept)s) FOR UPDATE""",
            {"kept": kept})]
        contacts = conn.execute("DELETE FROM report_contacts WHERE report_id = ANY(%s)", [due]).rowcount
        redacted = 0
        for rid, text in conn.execute("SELECT id, description FROM reports WHERE id = ANY(%s)", [due]).fetchall():
            clean = redact(text)
            if clean != text:
                conn.execute("UPDATE reports SET description = %s WHERE id = %s", [clean, rid])
                redacted += 1
        conn.execute("UPDATE reports SET details_purged_at = now() WHERE id = ANY(%s)", [due])
    return {"report_contacts": contacts, "report_descriptions": redacted}
