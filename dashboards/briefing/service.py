"""Generate a briefing (build, HTML, PDF), archive it, mail it: what the command and the Monday schedule both do."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from dashboards import context
from dashboards.briefing import render
from dashboards.briefing.build import build
from ioc import config
from pipelines.briefing import archive, mail
from pipelines.briefing.model import Briefing
from pipelines.briefing.schedule import Produce
from pipelines.briefing.week import Week

log = logging.getLogger("ioc.briefing")


@dataclass(frozen=True)
class Made:
    briefing: Briefing
    html: str
    pdf: bytes
    archive_id: int


def generate(ioc: context.IocContext, week: Week, scope: str | None, lang: str, now: datetime,
             base: str | None = None) -> Made:
    b = build(ioc, week, scope, lang, now, base)
    page = render.html(b, ioc.settings.timezone)
    printed = render.pdf(page)
    with ioc.pool.connection() as conn:
        found = archive.save(conn, week.label, b.scope_key, lang, page, printed, now)
    log.info("briefing %s scope %s lang %s: %d bytes of HTML, %d of PDF (archive #%d)", week.label, b.scope_key,
             lang, len(page), len(printed), found)
    return Made(b, page, printed, found)


def send(ioc: context.IocContext, made: Made, to: list[str], now: datetime | None = None) -> None:
    s: config.Settings = ioc.settings
    b = made.briefing
    message = mail.message(s.alarm_smtp_from, to, render.subject(b), render.text(b), made.html, made.pdf,
                           render.filename(b, "pdf"))
    mail.send(s, message)
    with ioc.pool.connection() as conn:
        archive.mark_mailed(conn, made.archive_id, to, now or datetime.now(UTC))
    log.info("briefing %s scope %s lang %s mailed to %s", b.week.label, b.scope_key, b.lang, ", ".join(to))


def producer(ioc: context.IocContext, now: datetime) -> Produce:
    """The schedule's ``produce``: generate, archive and mail one audience's briefing."""
    def produce(week: Week, scope: str, lang: str, emails: list[str]) -> None:
        made = generate(ioc, week, None if scope == "*" else scope, lang, now)
        send(ioc, made, emails, now)
    return produce
