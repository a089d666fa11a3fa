"""What the 766 score reads from PostgreSQL (figures, field reports), and the score of a scope.

The dossier counts are those of :func:`pipelines.kpis.summary_db.computed` (the KPI cards' numbers); this module
adds the figures sheet and the field reports of the same period, judged at the same time (its end, or now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg

from pipelines.kpis import periods
from pipelines.kpis.compute import Computed, scope_wards, select
from pipelines.kpis.decision766 import feedback as fb
from pipelines.kpis.decision766 import figures_db
from pipelines.kpis.decision766.score import Part, Score, Sources, compute
from pipelines.kpis.decision766.table import Table, Text, default
from pipelines.kpis.formulas import total
from pipelines.reports import store as report_store
from pipelines.reports import workdays
from pipelines.reports.sla import pauses_from_history

TOP_PROCEDURES = 10  # 766 §2.2: the procedures shown by name (most finished dossiers first)


@dataclass(frozen=True)
class Loaded:
    """The period's figures and judged field reports (every ward), loaded once for any scope."""

    figures: pd.DataFrame
    feedback: pd.DataFrame  # feedback.judge's rows
    categories: dict[str, Text]
    parents: dict[str, str | None]  # report category -> its parent category


def load(conn: psycopg.Connection, comp: Computed) -> Loaded:
    lo, hi = comp.period.bounds(comp.tz)
    as_of = comp.as_of
    figs = figures_db.load(conn, comp.period.start, comp.period.end)
    figs = figs[figs["month"].isin(set(months(comp)))]
    rows = conn.execute(
        """
        SELECT r.id, r.ward_code, r.category, r.submitted_at, r.resolved_at,
               coalesce(f.unsatisfied, false), coalesce(f.complaint, false)
        FROM reports r LEFT JOIN report_feedback_ratings f ON f.report_id = r.id
        WHERE r.submitted_at >= %s AND r.submitted_at < %s ORDER BY r.id""",
        [lo, min(hi, as_of)],
    ).fetchall()
    reports = pd.DataFrame(rows, columns=fb.REPORT_COLUMNS)
    history: dict[int, list[tuple[str, datetime]]] = {}
    if len(reports):
        for rid, action, at in conn.execute(
            """
                SELECT report_id, action, at FROM report_history
                WHERE report_id = ANY(%s) AND action IN ('pause', 'resume') ORDER BY report_id, at, id""",
            [reports["id"].tolist()],
        ):
            history.setdefault(int(rid), []).append((action, at))
        days = [t.astimezone(comp.tz).date() for t in reports["submitted_at"]] + [as_of.astimezone(comp.tz).date()]
        cal = report_store.calendar(conn, workdays.years_around(*days))
        for col in ("submitted_at", "resolved_at"):
            reports[col] = pd.to_datetime(reports[col], utc=True)
        judged = fb.judge(reports, {k: pauses_from_history(v) for k, v in history.items()}, cal, comp.tz, as_of)
    else:
        judged = fb.judge(reports, {}, workdays.vietnam([lo.year]), comp.tz, as_of)
    rows = conn.execute("SELECT code, parent, name_vi, name_en FROM report_categories").fetchall()
    categories = {code: Text(vi, en) for code, _parent, vi, en in rows}
    return Loaded(figs, judged, categories, {code: parent for code, parent, _vi, _en in rows})


def months(comp: Computed) -> list[date]:
    """The period's months begun by its as-of time (the months a flow figure is due for)."""
    return [m for m in comp.period.months() if periods.local_midnight(m, comp.tz) < comp.as_of]


def sources(comp: Computed, loaded: Loaded, scope: str | None) -> Sources:
    codes = scope_wards(comp.inputs.wards, scope)
    wards = comp.inputs.wards if codes is None else comp.inputs.wards[comp.inputs.wards["code"].isin(codes)]
    figs = loaded.figures if codes is None else loaded.figures[loaded.figures["ward_code"].isin(codes)]
    history = select(comp.monthly, codes)
    judged = loaded.feedback
    mix = fb.by_category(judged, codes)
    mix_named = tuple(
        sorted(((loaded.categories.get(k, Text(k, k)), n) for k, n in mix.items()), key=lambda cn: -cn[1])
    )
    return Sources(
        dossier_counts=total(select(comp.by_ward, codes)),
        dossiers_known=bool(len(history)) and float(history["received"].sum()) > 0,
        figures=figs,
        wards=dict(zip(wards["code"], wards["name"], strict=True)),
        months=months(comp),
        feedback=fb.totals(judged, codes),
        feedback_mix=mix_named,
        handling=handling(comp, codes),
        handling_by_procedure=handling_by_procedure(comp, codes),
        feedback_groups=feedback_groups(mix, loaded.categories, loaded.parents),
    )


def feedback_groups(
    mix: dict[str, int], categories: dict[str, Text], parents: dict[str, str | None]
) -> tuple[Part, ...]:
    """766 §5.1: reports about urban matters / procedures / officials (and unmapped ones), as the mapping file says;
    each group names the report categories it counts (every category in the database, reports or not)."""
    groups = fb.load_groups()
    names = {**groups.names, fb.UNMAPPED: groups.unmapped}
    members: dict[str, list[Text]] = {}
    for code in sorted(set(categories) | set(mix)):
        members.setdefault(fb.group_of(groups, code, parents), []).append(categories.get(code, Text(code, code)))
    counts = fb.by_group(mix, groups, parents)
    if members.get(fb.UNMAPPED):
        counts.setdefault(fb.UNMAPPED, 0)  # an unmapped category is named even without reports
    none = Text("không có lĩnh vực phản ánh nào thuộc nhóm này", "no report category is about this")
    return tuple(
        Part(
            Text(*names[k]),
            n,
            note=Text(", ".join(c.vi for c in members[k]), ", ".join(c.en for c in members[k]))
            if members.get(k)
            else none,
        )
        for k, n in counts.items()
    )


def _finished(comp: Computed, codes: list[str] | None) -> tuple[pd.Series, pd.Series] | None:
    """(finished in the period and in scope, days from receipt to result) per dossier; None: no dossier at all."""
    d = comp.inputs.dossiers
    if d.empty:
        return None
    lo, _hi = comp.period.bounds(comp.tz)
    received = pd.to_datetime(d["received_at"], utc=True)
    resolved = pd.to_datetime(d["resolved_at"], utc=True)
    mine = (received >= lo) & (received < comp.as_of) & resolved.notna() & (resolved <= comp.as_of)
    if codes is not None:
        m = comp.inputs.mapping
        old = set(
            zip(
                m.loc[m["new_ward_code"].isin(codes), "old_city"],
                m.loc[m["new_ward_code"].isin(codes), "old_ward"],
                strict=True,
            )
        )
        in_scope = d["ward_code"].isin(codes) | pd.Series(
            [(c, w) in old for c, w in zip(d["old_city"], d["old_ward"], strict=True)], index=d.index
        )
        mine &= in_scope
    return mine, (resolved - received).dt.total_seconds() / 86_400.0


def handling(comp: Computed, codes: list[str] | None) -> tuple[float, int, int] | None:
    """(days from receipt to result in total, finished dossiers, procedures) of the period's dossiers in scope."""
    found = _finished(comp, codes)
    if found is None:
        return None
    mine, days = found
    return float(days[mine].sum()), int(mine.sum()), int(comp.inputs.dossiers.loc[mine, "procedure_code"].nunique())


def handling_by_procedure(comp: Computed, codes: list[str] | None, top: int = TOP_PROCEDURES) -> tuple[Part, ...]:
    """766 §2.2 per procedure: the ``top`` procedures by finished dossiers (ties by code), each with its average
    handling days; named from the catalogue (the code when the catalogue does not have it)."""
    found = _finished(comp, codes)
    if found is None or not found[0].any():
        return ()
    mine, days = found
    d = pd.DataFrame({"code": comp.inputs.dossiers.loc[mine, "procedure_code"].astype(str), "days": days[mine]})
    per = d.groupby("code")["days"].agg(["count", "mean"]).reset_index()
    per = per.sort_values(["count", "code"], ascending=[False, True]).head(top)
    cat = comp.inputs.procedures
    names = dict(zip(cat["code"].astype(str), cat["name"].astype(str), strict=True)) if len(cat) else {}
    return tuple(
        Part(
            Text(f"{names.get(r.code, r.code)} ({r.code})", f"{names.get(r.code, r.code)} ({r.code})"),
            int(r.count),
            float(r.mean),
        )
        for r in per.itertuples(index=False)
    )


def score(conn: psycopg.Connection, comp: Computed, scope: str | None, table: Table | None = None) -> Score:
    return compute(table or default(), sources(comp, load(conn, comp), scope))


def score_at(conn: psycopg.Connection, period: periods.Period, scope: str | None, now: datetime, tz: ZoneInfo) -> Score:
    from pipelines.kpis.summary_db import computed

    return score(conn, computed(conn, period, now, tz), scope)
