"""What one briefing covers: its week, its wards (every ward, a province's or one), its language, and its links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dashboards import context
from dashboards.components import query_string
from dashboards.queries import kpis as kq
from ioc.errors import IocError
from pipelines.briefing.week import Week


class ScopeError(IocError, ValueError):
    """A briefing's scope is '*', a province name or a current ward code."""


@dataclass(frozen=True)
class Scope:
    ioc: context.IocContext
    week: Week
    scope: str | None           # None: every ward; a province name; a ward code
    name: str
    wards: list[str] | None     # the ward codes (None: all)
    ward: str | None            # the ward code when the scope is one ward
    lang: str
    now: datetime               # when the briefing is generated ("now" of the pages' live figures)

    @property
    def tz(self) -> ZoneInfo:
        return self.ioc.settings.tz

    @property
    def start(self) -> datetime:
        return self.week.bounds(self.tz)[0]

    @property
    def end(self) -> datetime:
        """The week's end, or ``now`` for a week not yet over (a briefing on demand mid-week)."""
        return min(self.week.bounds(self.tz)[1], self.now)

    def link(self, path: str, **params: Any) -> str:
        return path + query_string(**params, lang=self.lang)


def resolve(ioc: context.IocContext, week: Week, scope: str | None, lang: str, now: datetime) -> Scope:
    wards = kq.wards(ioc.pool)
    if scope in (None, "", "*"):
        return Scope(ioc, week, None, "*", None, None, lang, now)
    row = wards[wards["code"] == scope]
    if len(row):
        return Scope(ioc, week, scope, str(row["name"].iloc[0]), [str(scope)], str(scope), lang, now)
    province = wards[wards["province"] == scope]
    if len(province):
        return Scope(ioc, week, scope, str(scope), sorted(map(str, province["code"])), None, lang, now)
    raise ScopeError(f"scope {scope!r}: no current ward has this code and no province has this name")
