"""Retention per data class, from the settings: how long each kind of data is kept and where it lives.

``pipelines/retention.py`` drops hypertable chunks by age; :func:`policy` tells it the days per table.
:func:`purge` deletes what lives in plain tables: reporters' contacts of closed reports, the access logs, ended
sessions. Personal data is kept no longer than its purpose needs (Decree 13/2023/NĐ-CP, Art. 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import psycopg

from ioc.config import Settings

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
    if conn.execute("SELECT to_regclass('report_contacts') IS NOT NULL").fetchone() == (True,):
        done["report_contacts"] = conn.execute(
            """DELETE FROM report_contacts c USING reports r
               WHERE r.id = c.report_id AND r.closed_at < now() - %s""",
            [timedelta(days=rules["report_contacts"].days)]).rowcount
    return done
