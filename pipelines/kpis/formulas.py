"""The KPI formulas, pure: dossiers in, counts out; counts in, rates out. See docs/kpis.md for each formula.

How one dossier is judged at ``as_of`` (the period end, or now for the current period; the spec's rule):

* finished: it has an end of processing (``resolved_at``) no later than ``as_of``; otherwise it is in progress.
* "đúng hạn" (on time): the deadline is the promised date (``due_at``) pushed back by the days spent waiting for the
  citizen to supplement the dossier (that time is not counted); more than one supplement request is late
  whatever the dates. Finished: on time if it ended by the deadline. In progress: on time while ``as_of`` has
  not passed the deadline (766 §2.1).
* an electronic result or a digitized output counts only once the dossier is finished by ``as_of``: a result
  issued after the period end did not exist at the period end.
* "an electronic result where one is due" (766 §4.2): due once the dossier is finished and its procedure returns
  a paper result.
* "handled late" (766 §5.4): finished and not on time.
* fee: a fee-bearing dossier counts in the online-payment denominator unless its fee is explicitly 0 (766 §3.6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from pipelines.kpis.indicators import ADOPTION, COUNTS, INDICATORS, POPULATION, Indicator

DOSSIER_COLUMNS: tuple[str, ...] = (
    "received_at", "channel", "end_to_end", "fee_bearing", "fee_amount", "paid_online", "input_digitized",
    "output_digitized", "paper_result", "e_result", "due_at", "resolved_at", "supplement_requests",
    "supplement_wait_days", "reused_data", "rated_unsatisfied", "complaint",
)


@dataclass(frozen=True)
class Ratio:
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        """numerator ÷ denominator, or None when nothing was counted (never a made-up 0 or 100%)."""
        return self.numerator / self.denominator if self.denominator > 0 else None


def judge(dossiers: pd.DataFrame, as_of: datetime | pd.Series) -> pd.DataFrame:
    """One 0/1 column per count of :data:`COUNTS` for each dossier, judged at ``as_of`` (scalar or per row)."""
    d = dossiers
    at = as_of if isinstance(as_of, pd.Series) else pd.Series(pd.Timestamp(as_of), index=d.index)
    resolved = pd.to_datetime(d["resolved_at"], utc=True)
    deadline = pd.to_datetime(d["due_at"], utc=True) + pd.to_timedelta(
        d["supplement_wait_days"].astype(float), unit="D")
    too_many = d["supplement_requests"].astype(int) > 1
    finished = (resolved.notna() & (resolved <= at)).to_numpy()
    finished_on_time = finished & (resolved <= deadline).to_numpy() & ~too_many.to_numpy()
    pending_ok = ~finished & (at <= deadline).to_numpy() & ~too_many.to_numpy()
    on_time = finished_on_time | pending_ok

    def flag(name: str) -> np.ndarray:
        return d[name].astype(bool).to_numpy()

    online, paper = d["channel"].eq("online").to_numpy(), flag("paper_result")
    e_result = flag("e_result") & finished
    amount = pd.to_numeric(d["fee_amount"], errors="coerce")
    fee_due = flag("fee_bearing") & ~amount.eq(0).to_numpy()
    late_finished = finished & ~finished_on_time
    cols = {
        "received": np.ones(len(d), dtype=bool),
        "online": online,
        "online_766": online & (~paper | e_result),
        "end_to_end": flag("end_to_end"),
        "fee_due": fee_due,
        "paid_online": fee_due & flag("paid_online"),
        "paper_result": paper,
        "e_result_paper": paper & e_result,
        "e_result": e_result,
        "input_digitized": flag("input_digitized"),
        "digitized_766": flag("input_digitized") & (e_result | ~(paper & finished)),
        "reused": flag("reused_data"),
        "resolved": finished,
        "resolved_on_time": finished_on_time,
        "output_digitized": finished & flag("output_digitized"),
        "on_time_766": on_time,
        "overdue": ~on_time,
        "satisfied_766": ~(flag("rated_unsatisfied") | flag("complaint") | late_finished),
    }
    return pd.DataFrame({k: cols[k].astype(np.int64) for k in COUNTS}, index=d.index)


def counts(judged: pd.DataFrame, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts summed per group of ``keys`` (columns aligned with ``judged``); no keys: one row of totals."""
    if keys is None or keys.shape[1] == 0:
        return judged.sum().to_frame().T.astype(float)
    grouped = pd.concat([keys, judged], axis=1).groupby(list(keys.columns), dropna=False, sort=True)
    return grouped[list(COUNTS)].sum().astype(float).reset_index()


def total(frame: pd.DataFrame) -> dict[str, float]:
    """The counts of a frame summed over its rows (missing count columns are 0)."""
    return {c: float(frame[c].sum()) if c in frame.columns else 0.0 for c in COUNTS}


def ratios(sums: Mapping[str, float], indicators: Sequence[Indicator] = INDICATORS) -> dict[str, Ratio]:
    """Each indicator's numerator and denominator from one set of counts."""
    return {i.key: Ratio(float(sums.get(i.numerator, 0.0)), float(sums.get(i.denominator, 0.0)))
            for i in indicators}


def points_766(rates: Mapping[str, Ratio], indicators: Sequence[Indicator] = INDICATORS) -> dict[str, float]:
    """766 points of each indicator that carries points and has a value."""
    out = {}
    for i in indicators:
        value = rates[i.key].value if i.key in rates else None
        if i.points and value is not None:
            out[i.key] = i.points.of(value)
    return out


def level_mix(procedures: pd.DataFrame) -> list[dict[str, object]]:
    """The catalogue by old service level (2, 3, 4; Decree 43/2011) and by Decree 42 term (none, partial, full):
    count of procedures ÷ procedures in the catalogue."""
    n = float(len(procedures))
    out: list[dict[str, object]] = []
    for scheme, column, keys in (("level", "level", (2, 3, 4)), ("online_service", "online_service",
                                                                  ("none", "partial", "full"))):
        values = procedures[column] if column in procedures.columns else pd.Series(dtype=object)
        for key in keys:
            numerator = float((values == key).sum())
            out.append({"scheme": scheme, "key": str(key), "numerator": numerator, "denominator": n,
                        "value": numerator / n if n else None})
    return out


def adoption(values: pd.DataFrame) -> dict[str, Ratio]:
    """Adoption rates from indicator values (columns ``indicator``, ``value``) of one or more scopes.

    A scope counts only when it reports both the numerator and the population, so a rate never divides one
    set of places by the population of another.
    """
    if values.empty:
        return {key: Ratio(0.0, 0.0) for key in ADOPTION}
    wide = values.pivot_table(index="scope", columns="indicator", values="value", aggfunc="sum")
    out = {}
    for key, (numerator, _vi, _en) in ADOPTION.items():
        if numerator not in wide.columns or POPULATION not in wide.columns:
            out[key] = Ratio(0.0, 0.0)
            continue
        both = wide[[numerator, POPULATION]].dropna()
        out[key] = Ratio(float(both[numerator].sum()), float(both[POPULATION].sum()))
    return out
