"""766 §5.1-5.3 from the IOC's own field reports (a field report is a "phản ánh, kiến nghị"). Pure.

* on time (§5.2): handled within 15 working days, or still in progress within them at ``as_of`` (the period end,
  or now). Working days and the clock are the field reports' own (:mod:`pipelines.reports.sla`): weekends and
  public holidays (``holidays.VN`` plus the ward's ``report_calendar_days``) do not run, nor does time waiting for
  the citizen (a pause). A report resolved or rejected after ``as_of`` was still in progress at ``as_of``.
* satisfied (§5.3): not rated unsatisfied, not followed by a complaint, not handled late (finished past the 15
  working days), as §5.4 counts dossiers.
* groups (§5.1): feedback about urban matters, administrative procedures or officials, by the report categories
  ``data/kpis/decision766_feedback_groups.yaml`` maps to each; a category it does not map is counted as unmapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import yaml

from ioc.data import data_path
from pipelines.reports import sla
from pipelines.reports.workdays import Calendar

WORKING_DAYS = 15.0
REPORT_COLUMNS = ["id", "ward_code", "category", "submitted_at", "resolved_at", "unsatisfied", "complaint"]
COUNTS = ("feedback", "on_time", "satisfied", "late", "unsatisfied", "complaint")


def _until(pauses: Sequence[sla.Pause], as_of: datetime) -> list[sla.Pause]:
    """The pauses as they stood at ``as_of``: later ones dropped, one still running then left open."""
    return [
        sla.Pause(p.start, p.end if p.end is not None and p.end <= as_of else None) for p in pauses if p.start <= as_of
    ]


def judge(
    reports: pd.DataFrame, pauses: Mapping[int, Sequence[sla.Pause]], cal: Calendar, tz: ZoneInfo, as_of: datetime
) -> pd.DataFrame:
    """One row per report: id, ward_code, category and the 0/1 counts of :data:`COUNTS`."""
    rows = []
    for r in reports.itertuples(index=False):
        resolved = None if pd.isna(r.resolved_at) else r.resolved_at.to_pydatetime()
        finished = resolved if resolved is not None and resolved <= as_of else None
        # the clock's due time over the pauses as they stood at as_of; None: held by a pause before it ran out
        due = sla.due_at(
            r.submitted_at.to_pydatetime(), WORKING_DAYS, cal, tz, _until(pauses.get(int(r.id), ()), as_of)
        )
        overdue = due is not None and (finished or as_of) > due
        late = finished is not None and overdue
        unsatisfied, complaint = bool(r.unsatisfied), bool(r.complaint)
        rows.append(
            {
                "id": r.id,
                "ward_code": r.ward_code,
                "category": r.category,
                "feedback": 1,
                "on_time": int(not overdue),
                "satisfied": int(not (unsatisfied or complaint or late)),
                "late": int(late),
                "unsatisfied": int(unsatisfied),
                "complaint": int(complaint),
            }
        )
    return pd.DataFrame(rows, columns=["id", "ward_code", "category", *COUNTS])


def totals(judged: pd.DataFrame, codes: list[str] | None) -> dict[str, float]:
    """The counts of the reports of the wards ``codes`` (None: every report, those outside any ward too)."""
    mine = judged if codes is None else judged[judged["ward_code"].isin(codes)]
    return {c: float(mine[c].sum()) for c in COUNTS}


def by_category(judged: pd.DataFrame, codes: list[str] | None) -> dict[str, int]:
    mine = judged if codes is None else judged[judged["ward_code"].isin(codes)]
    return {str(k): int(n) for k, n in mine["category"].value_counts().sort_index().items()}


GROUPS_FILE = "kpis/decision766_feedback_groups.yaml"
UNMAPPED = "unmapped"


@dataclass(frozen=True)
class Groups:
    """766 §5.1's groups (urban / procedures / officials) and the report categories each counts."""

    names: dict[str, tuple[str, str]]  # key -> (vi, en), in the file's order
    category_group: dict[str, str]  # report category code -> group key
    unmapped: tuple[str, str]


def load_groups(path: Path | None = None) -> Groups:
    """The mapping file (data/kpis/decision766_feedback_groups.yaml); a category in two groups is refused."""
    with (path or data_path(GROUPS_FILE)).open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    names: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for g in raw["groups"]:
        names[str(g["key"])] = (str(g["vi"]), str(g["en"]))
        for code in g.get("categories") or []:
            if str(code) in where:
                raise ValueError(f"{GROUPS_FILE}: category {code!r} is in {where[str(code)]!r} and {g['key']!r}")
            where[str(code)] = str(g["key"])
    return Groups(names, where, (str(raw["unmapped"]["vi"]), str(raw["unmapped"]["en"])))


def group_of(groups: Groups, code: str, parents: Mapping[str, str | None]) -> str:
    """The group of a report category: its own, else its parent's, else unmapped."""
    if code in groups.category_group:
        return groups.category_group[code]
    parent = parents.get(code)
    return groups.category_group.get(parent, UNMAPPED) if parent else UNMAPPED


def by_group(mix: Mapping[str, int], groups: Groups, parents: Mapping[str, str | None]) -> dict[str, int]:
    """Reports per 766 group: every group of the file (0 when none), then unmapped when there is any."""
    out = dict.fromkeys(groups.names, 0)
    for code, n in mix.items():
        key = group_of(groups, code, parents)
        out[key] = out.get(key, 0) + n
    if not out.get(UNMAPPED):
        out.pop(UNMAPPED, None)
    return out
