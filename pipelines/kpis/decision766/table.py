"""The 766 indicator table, groups and grades as data (``data/kpis/decision766.yaml``), checked on load.

The file is the authority for names, points, rules and sources; this module only reads it and refuses a table
whose points do not add up (each group to its points, all to 100) or whose grades break the Decision's fixed
cut-offs (≥ 90 excellent, < 50 weak). The labels between 50 and 90 are configuration: their cut-offs are not
published.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ioc.data import data_path
from pipelines.kpis.decision766.rules import EMPTY_RULES, Rule

TABLE = "kpis/decision766.yaml"
TOTAL = 100.0
SOURCES = ("dossiers", "figures", "feedback", "handling_time", "feedback_mix")


@dataclass(frozen=True)
class Text:
    vi: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    points: float
    rule: Rule
    source: str
    name: Text
    numerator: Text
    denominator: Text
    kind: str = "flow"  # figures: flow (months summed) or snapshot (latest month)
    numerator_count: str | None = None  # dossiers / feedback: the count names
    denominator_count: str | None = None
    empty: str = "none"
    alternative: Rule | None = None  # another reading of the rule, shown beside the one scored
    alternative_label: Text | None = None
    note: Text | None = None

    @property
    def monitor(self) -> bool:
        return self.rule.kind == "monitor"


@dataclass(frozen=True)
class Group:
    key: str
    points: float
    name: Text


@dataclass(frozen=True)
class Grade:
    key: str
    min: float
    name: Text


@dataclass(frozen=True)
class Table:
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    grades: tuple[Grade, ...]

    def of_group(self, key: str) -> list[Indicator]:
        return [i for i in self.indicators if i.group == key]

    def by_id(self, ind_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ind_id)

    def figure_ids(self) -> list[str]:
        return [i.id for i in self.indicators if i.source == "figures"]

    def grade(self, total: float) -> Grade:
        return next(g for g in self.grades if total >= g.min)


def _text(d: dict[str, Any]) -> Text:
    return Text(str(d["vi"]), str(d["en"]))


def _indicator(d: dict[str, Any]) -> Indicator:
    alt = d.get("alternative")
    note = d.get("note")
    return Indicator(
        id=str(d["id"]),
        group=str(d["group"]),
        points=float(d["points"]),
        rule=Rule.parse(d["rule"]),
        source=str(d["source"]),
        name=_text(d),
        numerator=_text(d["numerator"]),
        denominator=_text(d["denominator"]),
        kind=str(d.get("kind", "flow")),
        numerator_count=d.get("numerator_count"),
        denominator_count=d.get("denominator_count"),
        empty=str(d.get("empty", "none")),
        alternative=Rule.parse(alt["rule"]) if alt else None,
        alternative_label=_text(alt) if alt else None,
        note=_text(note) if note else None,
    )


def parse(raw: dict[str, Any]) -> Table:
    groups = tuple(Group(str(g["key"]), float(g["points"]), _text(g)) for g in raw["groups"])
    indicators = tuple(_indicator(d) for d in raw["indicators"])
    grades = tuple(Grade(str(g["key"]), float(g["min"]), _text(g)) for g in raw["grades"])
    check(Table(groups, indicators, grades))
    return Table(groups, indicators, grades)


def check(table: Table) -> None:
    """Refuse a table that does not add up or breaks the Decision's fixed grade cut-offs."""
    problems = []
    keys = {g.key for g in table.groups}
    ids = [i.id for i in table.indicators]
    if len(set(ids)) != len(ids):
        problems.append("an indicator id is repeated")
    for i in table.indicators:
        if i.group not in keys:
            problems.append(f"{i.id}: unknown group {i.group!r}")
        if i.source not in SOURCES:
            problems.append(f"{i.id}: unknown source {i.source!r}")
        if i.empty not in EMPTY_RULES or i.kind not in ("flow", "snapshot"):
            problems.append(f"{i.id}: empty is one of {EMPTY_RULES}, kind flow or snapshot")
        if i.monitor != (i.points == 0):
            problems.append(f"{i.id}: monitoring indicators and only they carry 0 points")
        if i.source in ("dossiers", "feedback") and not (i.numerator_count and i.denominator_count):
            problems.append(f"{i.id}: a {i.source} indicator names its numerator_count and denominator_count")
    for g in table.groups:
        got = sum(i.points for i in table.of_group(g.key))
        if got != g.points:
            problems.append(f"group {g.key}: its indicators carry {got:g} points, not {g.points:g}")
    if sum(g.points for g in table.groups) != TOTAL:
        problems.append(f"the groups carry {sum(g.points for g in table.groups):g} points, not {TOTAL:g}")
    mins = [g.min for g in table.grades]
    if mins != sorted(mins, reverse=True) or not mins or mins[-1] != 0:
        problems.append("grades go from the highest cut-off down to 0")
    elif mins[0] != 90 or table.grades[-1].key != "weak" or (len(mins) > 1 and mins[-2] != 50):
        problems.append("the Decision fixes ≥ 90 excellent (first grade) and < 50 weak (last, below a 50 cut-off)")
    if problems:
        raise ValueError("data/kpis/decision766.yaml: " + "; ".join(problems))


def load(path: Path | None = None) -> Table:
    with (path or data_path(TABLE)).open(encoding="utf-8") as fh:
        return parse(dict(yaml.safe_load(fh)))


@cache
def default() -> Table:
    return load()
