"""One briefing: the scope resolved, each section built from the pages' own queries."""

from __future__ import annotations

from datetime import datetime

from dashboards import context
from dashboards.briefing.scope import resolve
from dashboards.briefing.sections import SECTIONS
from pipelines.briefing.model import Briefing
from pipelines.briefing.week import Week


def base_url(ioc: context.IocContext) -> str:
    s = ioc.settings
    return f"http://{s.http_host}:{s.http_port}"


def build(ioc: context.IocContext, week: Week, scope: str | None, lang: str, now: datetime,
          base: str | None = None) -> Briefing:
    s = resolve(ioc, week, scope, lang, now)
    return Briefing(week, s.scope, s.name, lang, now, base or base_url(ioc), [make(s) for _, make in SECTIONS])
