"""The Monday schedule: at 07:00 local, last week's briefing for each recipients' (scope, language), once.

Once means across restarts and overlapping runners: the archive row's ``mailed_at`` is the memory, and a
transaction-level advisory lock keeps two runners from producing the same briefing at the same moment. A runner that
was down on Monday catches up when it starts again that week (the week stays due until the next Monday).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg

from pipelines.briefing import archive
from pipelines.briefing.week import Week, last_complete

log = logging.getLogger("ioc.briefing")
LOCK_KEY = 0x10C_B1EF      # pg_advisory_xact_lock key of the briefing schedule

# (week, scope, lang, addresses) -> None: generate, archive, mail and mark the briefing as mailed
Produce = Callable[[Week, str, str, list[str]], None]


def due(now: datetime, tz: ZoneInfo) -> Week | None:
    """Last week, once its Monday 07:00 local has come; None before that on a Monday morning."""
    week = last_complete(now, tz)
    return week if now >= week.send_time(tz) else None


def audiences(recipients: list[archive.Recipient]) -> dict[tuple[str, str], list[str]]:
    """Recipients grouped by (scope, lang): one briefing each, mailed to all of its addresses."""
    out: dict[tuple[str, str], list[str]] = {}
    for r in recipients:
        out.setdefault((r.scope, r.lang), []).append(r.email)
    return out


def tick(conn: psycopg.Connection, now: datetime, tz: ZoneInfo, produce: Produce) -> list[tuple[str, str, str]]:
    """Produce every briefing that is due and not yet mailed; (week, scope, lang) of those produced.

    One audience failing (its mail server refuses, say) is logged and retried on the next tick; the others go on."""
    week = due(now, tz)
    if week is None:
        return []
    done = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for (scope, lang), emails in sorted(audiences(archive.recipients(conn)).items()):
            if archive.mailed(conn, week.label, scope, lang):
                continue
            try:
                produce(week, scope, lang, emails)
            except Exception:   # noqa: BLE001 - one audience must not stop the others; retried next tick
                log.exception("briefing %s scope %s lang %s failed; retried on the next tick", week.label, scope,
                              lang)
                continue
            done.append((week.label, scope, lang))
    return done
