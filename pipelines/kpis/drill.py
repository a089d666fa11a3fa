"""Drill-down, pure: a ward's dossiers by procedure, and the overdue dossiers behind its number.

Judged exactly as :func:`pipelines.kpis.formulas.judge` judges them (same ``as_of``), so the overdue dossiers
listed here are the ones counted in the ward's overdue figure. One difference, stated on the page: a dossier of an
old ward that was split between two new wards is listed whole here, while the ward's counts take its share.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from pipelines.kpis.formulas import judge

REASONS = ("resolved_late", "past_due", "supplements")


def by_procedure(dossiers: pd.DataFrame, procedures: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """procedure_code, name, received, overdue, on_time_766, resolved, resolved_on_time; most overdue first."""
    cols = ["procedure_code", "name", "received", "overdue", "on_time_766", "resolved", "resolved_on_time"]
    if dossiers.empty:
        return pd.DataFrame(columns=cols)
    judged = judge(dossiers, as_of).assign(procedure_code=dossiers["procedure_code"].to_numpy())
    out = judged.groupby("procedure_code", as_index=False)[cols[2:]].sum()
    names = procedures.set_index("code")["name"] if len(procedures) else pd.Series(dtype=object)
    out["name"] = out["procedure_code"].map(names).fillna("")
    return out[cols].sort_values(["overdue", "received", "procedure_code"], ascending=[False, False, True],
                                 ignore_index=True)


def overdue(dossiers: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """The overdue dossiers with their deadline (promised date + supplement wait), days late and the reason."""
    cols = ["dossier_id", "procedure_code", "unit", "received_at", "due_at", "deadline", "resolved_at", "status",
            "supplement_requests", "days_late", "reason"]
    if dossiers.empty:
        return pd.DataFrame(columns=cols)
    late = judge(dossiers, as_of)["overdue"].astype(bool)
    d = dossiers[late.to_numpy()].copy()
    d["deadline"] = pd.to_datetime(d["due_at"], utc=True) + pd.to_timedelta(
        d["supplement_wait_days"].astype(float), unit="D")
    resolved = pd.to_datetime(d["resolved_at"], utc=True)
    done = resolved.notna() & (resolved <= pd.Timestamp(as_of))
    end = resolved.where(done, pd.Timestamp(as_of))
    d["days_late"] = ((end - d["deadline"]).dt.total_seconds() / 86400).clip(lower=0).round(1)
    d["reason"] = np.where(d["supplement_requests"].astype(int) > 1, "supplements",
                           np.where(done, "resolved_late", "past_due"))
    return d[cols].sort_values(["days_late", "received_at"], ascending=[False, True], ignore_index=True)
