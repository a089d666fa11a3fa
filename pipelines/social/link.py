"""A mention turned into a field report, in one step and once: the report enters through the reports' own intake
(``pipelines.reports.store``: SLA clock, department, history) on the ``social`` channel, and the two are linked both
ways: the mention holds the report's id, the report's external id is ``mention:<id>`` and its intake history
holds the post's URL. A second request for the same mention answers the report made the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from pipelines.reports import store as report_store
from pipelines.reports.model import ReportIn
from pipelines.social.model import HIGH_REACH, REPORT_CATEGORY, MentionNotFound, NotReportable, reportable

CHANNEL = "social"


@dataclass(frozen=True)
class Linked:
    report_id: int
    created: bool        # False: the mention already had its report


def description(source: str, summary: str, url: str) -> str:
    return f"[Mạng xã hội · {source}] {summary}\nBài đăng: {url}"[:4000]


def create_report(conn: psycopg.Connection, mention_id: int, actor: str, *, tz: ZoneInfo, now: datetime,
                  high_reach: int = HIGH_REACH) -> Linked:
    """The field report of ``mention_id``, made now unless it exists; refused for a mention not worth one."""
    with conn.transaction():
        found = conn.execute("""SELECT source, url, topic, sentiment, reach, summary, ward_code, report_id
                                FROM social_mentions WHERE id = %s FOR UPDATE""", [mention_id]).fetchone()
        if found is None:
            raise MentionNotFound(f"no mention {mention_id}")
        source, url, topic, sentiment, reach, summary, ward, report_id = found
        if report_id is not None:
            return Linked(int(report_id), False)
        if not reportable(sentiment, reach, ward, high_reach):
            raise NotReportable(f"mention {mention_id} is {sentiment}, reached {reach} and is in "
                                f"{'ward ' + ward if ward else 'no known ward'}: only a negative mention reaching "
                                f"{high_reach} or more in a known ward becomes a field report")
        item = ReportIn(CHANNEL, f"mention:{mention_id}", REPORT_CATEGORY[topic], now,
                        description(source, summary, url))
        done = report_store.insert_reports(conn, [item], report_store.reference(conn), actor, tz, now)
        if done.ids:
            new, created = done.ids[0], True
        else:   # made before this mention's link was written (a crash between the two): link the one there
            row = conn.execute("SELECT id FROM reports WHERE source = %s AND external_id = %s",
                               [CHANNEL, item.external_id]).fetchone()
            assert row is not None
            new, created = int(row[0]), False
        conn.execute("UPDATE reports SET ward_code = %s WHERE id = %s AND ward_code IS NULL", [ward, new])
        conn.execute("""UPDATE report_history SET detail = detail || %s
                        WHERE report_id = %s AND action = 'receive'""",
                     [Jsonb({"social_mention_id": mention_id, "url": url, "reach": reach}), new])
        conn.execute("UPDATE social_mentions SET report_id = %s WHERE id = %s", [new, mention_id])
    return Linked(new, created)


def mention_of_report(conn: psycopg.Connection, report_id: int) -> int | None:
    """The mention a report was made from (the other direction of the link)."""
    row = conn.execute("SELECT id FROM social_mentions WHERE report_id = %s", [report_id]).fetchone()
    return None if row is None else int(row[0])
