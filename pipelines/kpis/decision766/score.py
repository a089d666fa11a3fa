"""All 100 points of Decision 766 for a period and a scope (a ward, a province, every ward). Pure.

Each indicator takes its numerator and denominator from its source (``table.Indicator.source``):

* ``dossiers``: the IOC's dossier counts (:mod:`pipelines.kpis.compute`, the same numbers as the KPI cards);
* ``figures``: the monthly figures sheet; flow indicators sum the months, snapshot indicators take each unit's
  latest month by the period's end; units and months without a figure are listed as missing, never scored;
* ``feedback``: the IOC's field reports (:mod:`.feedback`).

An indicator without data has no points (not 0, not full) and says what it misses; the total says how many of the
100 points have data, and a grade is given only when all 100 have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from pipelines.kpis.decision766 import feedback as fb
from pipelines.kpis.decision766.rules import score
from pipelines.kpis.decision766.table import TOTAL, Grade, Group, Indicator, Table, Text


@dataclass(frozen=True)
class Part:
    """One row of a monitoring indicator's breakdown: a procedure and its average days (2.2), a feedback group and
    its reports (5.1)."""

    label: Text
    count: int
    value: float | None = None  # 2.2: the average handling days; 5.1: None
    note: Text | None = None  # 5.1: the report categories the group counts

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {
            "label": self.label(lang),
            "count": self.count,
            "value": self.value,
            "note": self.note(lang) if self.note else None,
        }


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    numerator: float | None
    denominator: float | None
    rate: float | None
    points: float | None  # None: no data (monitoring indicators: always None)
    by_rule: str | None = None  # empty_full / empty_zero: the empty-denominator rule gave the points
    alternative_points: float | None = None
    missing: tuple[Text, ...] = ()
    detail: Text | None = None  # monitoring: what is measured (e.g. the average handling time)
    parts: tuple[Part, ...] = ()  # monitoring: the breakdown (2.2 per procedure, 5.1 per feedback group)

    @property
    def has_data(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class GroupScore:
    group: Group
    points: float
    covered: float  # the group's points that have data

    @property
    def most(self) -> float:
        return self.group.points


@dataclass(frozen=True)
class Score:
    lines: list[Line]
    groups: list[GroupScore]
    grades: tuple[Grade, ...] = field(default=())

    @property
    def total(self) -> float:
        return sum(g.points for g in self.groups)

    @property
    def covered(self) -> float:
        return sum(g.covered for g in self.groups)

    @property
    def grade(self) -> Grade | None:
        """The grade of the total, only when all 100 points have data (a partial total is no grade)."""
        if self.covered < TOTAL:
            return None
        return next(g for g in self.grades if self.total >= g.min)

    def line(self, ind_id: str) -> Line:
        return next(x for x in self.lines if x.indicator.id == ind_id)

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        grade = self.grade
        return {
            "total": self.total,
            "max": TOTAL,
            "covered": self.covered,
            "grade": None if grade is None else {"key": grade.key, "name": grade.name(lang)},
            "groups": [
                {
                    "key": g.group.key,
                    "name": g.group.name(lang),
                    "points": g.points,
                    "max": g.most,
                    "covered": g.covered,
                }
                for g in self.groups
            ],
            "indicators": [_line_dict(x, lang) for x in self.lines],
        }


def _line_dict(x: Line, lang: str) -> dict[str, Any]:
    i = x.indicator
    return {
        "id": i.id,
        "group": i.group,
        "name": i.name(lang),
        "max": i.points,
        "points": x.points,
        "rate": x.rate,
        "numerator": x.numerator,
        "denominator": x.denominator,
        "source": i.source,
        "rule": i.rule.describe(i.points, lang),
        "by_rule": x.by_rule,
        "alternative_points": x.alternative_points,
        "missing": [m(lang) for m in x.missing],
        "detail": x.detail(lang) if x.detail else None,
        "parts": [p.as_dict(lang) for p in x.parts],
    }


@dataclass(frozen=True)
class Sources:
    """What one scope's score reads; built by :mod:`.score_db` (or a test)."""

    dossier_counts: Mapping[str, float]  # the period's dossier counts of the scope (compute's COUNTS)
    dossiers_known: bool  # the scope has dossiers or sheets in any month loaded
    figures: pd.DataFrame  # the figures of the scope's wards in the period's months
    wards: Mapping[str, str]  # code -> name of the wards in scope (those a figure is due from)
    months: list[date]  # the period's months begun by its as-of time
    feedback: Mapping[str, float]  # field-report counts (feedback.COUNTS) of the scope
    feedback_mix: tuple[tuple[Text, int], ...] = ()  # (category, reports), most first
    handling: tuple[float, int, int] | None = None  # (days in total, finished dossiers, procedures)
    handling_by_procedure: tuple[Part, ...] = ()  # the top procedures by finished dossiers, with average days
    feedback_groups: tuple[Part, ...] = ()  # urban / procedures / officials (feedback.GROUPS), then unmapped


def compute(table: Table, src: Sources) -> Score:
    lines = [_line(i, src) for i in table.indicators]
    groups = []
    for g in table.groups:
        mine = [x for x in lines if x.indicator.group == g.key and not x.indicator.monitor]
        groups.append(
            GroupScore(g, sum(x.points or 0.0 for x in mine), sum(x.indicator.points for x in mine if x.has_data))
        )
    return Score(lines, groups, table.grades)


def _line(i: Indicator, src: Sources) -> Line:
    if i.source == "dossiers":
        return _dossier_line(i, src)
    if i.source == "figures":
        return _figure_line(i, src)
    if i.source == "feedback":
        return _scored(
            i,
            src.feedback[i.numerator_count or ""],
            src.feedback[i.denominator_count or ""],
            (),
            _feedback_detail(src.feedback) if i.id == "5.3" else None,
        )
    if i.source == "handling_time":
        return replace(_handling_line(i, src.handling), parts=src.handling_by_procedure)
    return replace(_mix_line(i, src.feedback_mix), parts=src.feedback_groups)


def _scored(
    i: Indicator, num: float | None, den: float | None, missing: tuple[Text, ...], detail: Text | None = None
) -> Line:
    s = score(i.rule, i.points, num, den, i.empty)
    alt = i.alternative.points(i.points, s.rate) if i.alternative and s.rate is not None else None
    if s.points is None and not missing:
        missing = (Text(f"mẫu số bằng 0: không có {i.denominator.vi}", f"the denominator is 0: no {i.denominator.en}"),)
    return Line(i, num, den, s.rate, s.points, s.by_rule, alt, missing, detail)


def _dossier_line(i: Indicator, src: Sources) -> Line:
    if not src.dossiers_known:
        return Line(
            i,
            None,
            None,
            None,
            None,
            missing=(
                Text(
                    "chưa có hồ sơ nào được nhập cho phạm vi này (ioc kpis import)",
                    "no dossiers imported for this scope (ioc kpis import)",
                ),
            ),
        )
    num = float(src.dossier_counts.get(i.numerator_count or "", 0.0))
    den = float(src.dossier_counts.get(i.denominator_count or "", 0.0))
    return _scored(i, num, den, ())


def _figure_line(i: Indicator, src: Sources) -> Line:
    f = src.figures[src.figures["indicator"] == i.id]
    month_list = ", ".join(f"{m:%m/%Y}" for m in src.months)
    if f.empty:
        return Line(
            i,
            None,
            None,
            None,
            None,
            missing=(
                Text(
                    f"chưa có số liệu tháng ({month_list}) trong bảng số liệu 766 (ioc kpis import-figures)",
                    f"no monthly figure ({month_list}) in the 766 figures sheet (ioc kpis import-figures)",
                ),
            ),
        )
    if i.kind == "snapshot":
        f = f.sort_values("month").groupby(["unit", "ward_code"], sort=False).tail(1)
    den = f["denominator"].where(f["denominator_2"].isna(), f[["denominator", "denominator_2"]].max(axis=1))
    return _scored(i, float(f["numerator"].sum()), float(den.sum()), _figure_gaps(i, f, src))


def _figure_gaps(i: Indicator, f: pd.DataFrame, src: Sources) -> tuple[Text, ...]:
    out = []
    silent = [name for code, name in src.wards.items() if code not in set(f["ward_code"])]
    if silent:
        names = ", ".join(silent[:6]) + (" …" if len(silent) > 6 else "")
        out.append(
            Text(
                f"thiếu số liệu của {len(silent)}/{len(src.wards)} phường, xã: {names}",
                f"no figure from {len(silent)} of {len(src.wards)} wards: {names}",
            )
        )
    if i.kind == "flow":
        have = {m for m in f["month"]}
        gaps = [m for m in src.months if m not in have]
        if gaps:
            text = ", ".join(f"{m:%m/%Y}" for m in gaps)
            out.append(Text(f"thiếu tháng {text}", f"months missing: {text}"))
        partial = f.groupby("ward_code")["month"].nunique()
        short = [src.wards.get(c, c) for c, n in partial.items() if n < len(src.months) and c in src.wards]
        if short and not gaps:
            names = ", ".join(short[:6])
            out.append(Text(f"thiếu một số tháng: {names}", f"some months missing: {names}"))
    return tuple(out)


def _feedback_detail(counts: Mapping[str, float]) -> Text:
    n, u, c, late = (int(counts[k]) for k in ("feedback", "unsatisfied", "complaint", "late"))
    return Text(
        f"{n} phản ánh: {u} không hài lòng, {c} có khiếu nại, {late} xử lý trễ hạn",
        f"{n} reports: {u} unsatisfied, {c} followed by a complaint, {late} handled late",
    )


def _handling_line(i: Indicator, handling: tuple[float, int, int] | None) -> Line:
    if not handling or handling[1] == 0:
        return Line(
            i,
            None,
            None,
            None,
            None,
            missing=(Text("không có hồ sơ đã giải quyết trong kỳ", "no finished dossier in the period"),),
        )
    days, n, procs = handling
    avg = days / n
    return Line(
        i,
        days,
        float(n),
        None,
        None,
        detail=Text(
            f"trung bình {avg:.1f} ngày ({n} hồ sơ đã giải quyết, {procs} TTHC)".replace(".", ","),
            f"{avg:.1f} days on average ({n} finished dossiers, {procs} procedures)",
        ),
    )


def _mix_line(i: Indicator, mix: tuple[tuple[Text, int], ...]) -> Line:
    n = sum(k for _, k in mix)
    if not n:
        return Line(i, None, 0.0, None, None, detail=Text("không có phản ánh trong kỳ", "no feedback in the period"))
    return Line(
        i,
        None,
        float(n),
        None,
        None,
        detail=Text(", ".join(f"{c.vi} {k}" for c, k in mix[:6]), ", ".join(f"{c.en} {k}" for c, k in mix[:6])),
    )


def empty_feedback() -> dict[str, float]:
    return {c: 0.0 for c in fb.COUNTS}
