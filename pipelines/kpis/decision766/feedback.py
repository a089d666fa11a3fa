"""766 §5.1-5.3 from the IOC's own field reports (a field report is a "phản ánh, kiến nghị"). Pure.

* on time (§5.2): handled within 15 working days, or still in progress within them at ``as_of`` (the period end,
  or now). Working days and the clock are the field reports' own (:mod:`pipelines.reports.sla`): weekends and
  public holidays (``holidays.VN`` plus the ward's ``report_calendar_days``) do not run, nor does time waiting for
  the citizen (a pause). A report resolved or rejected after ``as_of`` was still in progress at ``as_of``.
* satisfied (§5.3): not rated unsatisfied, not followed by a complaint, not handled late (finished past the 15
  working days), as §5.4 counts dossiers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

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
        due = sla.due_at(r.submitted_at.to_pydatetime(), WORKING_DAYS, cal, tz,
                         _until(pauses.get(int(r.id), ()), as_of))
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
