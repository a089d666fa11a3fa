"""Deleting what has expired from plain tables, by the data classes of :mod:`ioc.retention`.

How long each data class is kept is :mod:`ioc.retention`'s table; ``pipelines/retention.py`` drops hypertable
chunks by age, and :func:`purge` here deletes what lives in plain tables: the access logs, ended sessions, and the
e-mail addresses a briefing was mailed to (``briefings.mailed_to``, then only their count), and the
personal data of field reports closed, or last active (``reports.last_activity_at``, closed or not), longer ago
than the contact retention: the reporter's contact is deleted and the description's phone numbers, e-mails and ID
numbers are redacted, unless the reporter consented to keep them (``reports.consent_keep``). A report left open
and forgotten no longer keeps its reporter's contact forever. Personal data is kept no longer than its purpose
needs (Law 91/2025/QH15 on personal data protection, in force since 2026-01-01).
"""

from __future__ import annotations

from datetime import timedelta

import psycopg

from ioc.config import Settings
from ioc.retention import by_name
from ioc.security.personal import redact

SESSIONS_KEPT = timedelta(days=7)   # ended sessions, for the audit trail of who was signed in


def purge(conn: psycopg.Connection, settings: Settings) -> dict[str, int]:
    """Delete what the policy says has expired from plain tables; returns rows deleted per table."""
    rules, done = by_name(), {}
    logs = timedelta(days=rules["access_logs"].days(settings))
    done["personal_data_access"] = conn.execute("DELETE FROM personal_data_access WHERE at < now() - %s",
                                                [logs]).rowcount
    done["security_events"] = conn.execute("DELETE FROM security_events WHERE at < now() - %s", [logs]).rowcount
    done["auth_sessions"] = conn.execute(
        "DELETE FROM auth_sessions WHERE least(expires_at, coalesce(revoked_at, expires_at)) < now() - %s",
        [SESSIONS_KEPT]).rowcount
    if conn.execute("SELECT to_regclass('open311_readers') IS NOT NULL").fetchone() == (True,):
        done["open311_readers"] = conn.execute(
            "DELETE FROM open311_readers WHERE window_start < now() - interval '1 hour'").rowcount
    if conn.execute("SELECT to_regclass('alarm_deliveries') IS NOT NULL").fetchone() == (True,):
        done["alarm_deliveries"] = conn.execute(
            "DELETE FROM alarm_deliveries WHERE status IN ('sent', 'failed') AND created_at < now() - %s",
            [timedelta(days=rules["alarm_deliveries"].days(settings))]).rowcount
    if conn.execute("SELECT to_regclass('alarms') IS NOT NULL").fetchone() == (True,):
        done["alarms"] = conn.execute("DELETE FROM alarms WHERE state = 'closed' AND closed_at < now() - %s",
                                      [timedelta(days=rules["alarms"].days(settings))]).rowcount
    if conn.execute("SELECT to_regclass('footage_contacts') IS NOT NULL").fetchone() == (True,):
        done["footage_contacts"] = conn.execute(
            "DELETE FROM footage_contacts WHERE created_at < now() - %s",
            [timedelta(days=rules["footage_contacts"].days(settings))]).rowcount
    if conn.execute("SELECT to_regclass('briefings') IS NOT NULL").fetchone() == (True,):
        # the addresses become their count (migration 0203); mailed_at stays: it is the schedule's memory
        done["briefing_recipients"] = conn.execute(
            """WITH due AS (SELECT id, cardinality(mailed_to) AS n FROM briefings
                            WHERE cardinality(mailed_to) > 0 AND mailed_at < now() - %s FOR UPDATE),
                    counted AS (INSERT INTO briefing_recipient_counts (briefing_id, mailed_count)
                                SELECT id, n FROM due ON CONFLICT (briefing_id) DO UPDATE
                                SET mailed_count = briefing_recipient_counts.mailed_count + excluded.mailed_count,
                                    purged_at = now())
               UPDATE briefings b SET mailed_to = '{}' FROM due WHERE b.id = due.id""",
            [timedelta(days=rules["briefing_recipients"].days(settings))]).rowcount
    if conn.execute("SELECT to_regclass('social_mentions') IS NOT NULL").fetchone() == (True,):
        done["social_mentions"] = conn.execute(
            "DELETE FROM social_mentions WHERE published_at < now() - %s",
            [timedelta(days=rules["social_mentions"].days(settings))]).rowcount
    if conn.execute("SELECT to_regclass('report_contacts') IS NOT NULL").fetchone() == (True,):
        done.update(purge_reports(conn, timedelta(days=rules["report_contacts"].days(settings))))
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
