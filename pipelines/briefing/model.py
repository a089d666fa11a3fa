"""One briefing as data: sections of figures (each a number with the page it comes from), tables and charts.

Rendering (HTML, PDF) only lays this out; every number a leader reads is a :class:`Figure` whose ``value`` is the
number the page at ``href`` shows, so a test can compare the two without parsing formatted text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipelines.briefing.week import Week

Number = int | float | None


@dataclass(frozen=True)
class Figure:
    key: str                 # stable within its section: "kpi.on_time.value", "reports.received"
    label: str
    text: str                # the value formatted for the briefing's language
    value: Number            # the raw number the page shows
    href: str                # the page it comes from (a path with its query string)
    note: str = ""           # target, trend, forecast …
    tone: str = ""           # "good", "warn", "bad" or "" (colours the number)


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    tone: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    empty: str = ""          # said instead of an empty table


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str                 # a static SVG (drawn by matplotlib): mail clients and PDFs need no script


@dataclass(frozen=True)
class Section:
    key: str                 # kpis, reports, alarms, incidents, availability, air, footage
    title: str
    href: str                # the page the whole section summarises
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    lead: str = ""           # one sentence: what changed


@dataclass(frozen=True)
class Briefing:
    week: Week
    scope: str | None        # None: every ward; a province name; a ward code
    scope_name: str
    lang: str
    generated_at: datetime
    base_url: str            # links in the mailed HTML and PDF are absolute
    sections: list[Section]

    @property
    def scope_key(self) -> str:
        return self.scope or "*"

    def figure(self, key: str) -> Figure:
        return next(f for s in self.sections for f in s.figures if f.key == key)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)
