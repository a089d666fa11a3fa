"""The /reports page's tiles, queue table and filter options, from query results. No database access here."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import fmt
from dashboards.components import Tile
from dashboards.i18n import t
from dashboards.queries.reports import ReportTiles

STATUSES = ("open", "received", "assigned", "in_progress", "resolved", "rejected", "closed")
COLUMNS = ("id", "submitted", "category", "ward", "status", "due", "verdict", "summary")
CLIPPED = ("category", "ward", "status", "verdict", "summary")   # long texts: an ellipsis, the whole text on hover
FLAGS = ("overdue", "paused", "corroborated")                    # each a class on its row: ioc-report-overdue, ...
SELECTED = "ioc-row-selected"
VERDICT_MARK = {"corroborated": "● ", "not_corroborated": "○ ", "no_sensor": "– "}
OVERDUE_RED = "#be123c"


def text(value: Any) -> str | None:
    """A text cell of a frame, None when missing (pandas gives NaN for a missing string)."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _hours(value: float | None, lang: str) -> str:
    return fmt.BLANK if value is None else t("reports.hours", lang, value=fmt.number(value, lang, 1))


def _medians(frame: pd.DataFrame, name: str, lang: str, limit: int = 2) -> list[Any]:
    if frame.empty:
        return []
    parts = [f"{row[name]} {_hours(float(row['median_hours']), lang)}" for row in frame.head(limit).to_dict("records")]
    return [html.Div(" · ".join(parts), className="small")]


def tiles(data: ReportTiles, lang: str) -> list[Tile]:
    """Received today, open, overdue, on-time rate and median handling time (with the slowest wards, categories)."""
    rate = fmt.BLANK if data.on_time_rate is None else f"{fmt.number(100 * data.on_time_rate, lang)} %"
    by_category = data.by_category.assign(label=data.by_category.get(f"name_{lang}", pd.Series(dtype=str)))
    return [
        Tile("reports-today", t("reports.tile.today", lang), fmt.number(data.received_today, lang),
             caption=t("reports.tile.today_caption", lang)),
        Tile("reports-open", t("reports.tile.open", lang), fmt.number(data.open, lang),
             [t("reports.tile.paused", lang, n=fmt.number(data.paused, lang))] if data.paused else [],
             t("reports.tile.open_caption", lang)),
        Tile("reports-overdue", t("reports.tile.overdue", lang), fmt.number(data.overdue, lang),
             caption=t("reports.tile.overdue_caption", lang), color=OVERDUE_RED if data.overdue else None,
             text_color="#ffffff"),
        Tile("reports-on-time", t("reports.tile.on_time", lang), rate,
             caption=t("reports.tile.finished", lang, n=fmt.number(data.finished_month, lang))),
        Tile("reports-median", t("reports.tile.median", lang), _hours(data.median_hours, lang),
             _medians(data.by_ward, "ward_name", lang) + _medians(by_category, "label", lang),
             t("reports.tile.median_caption", lang)),
    ]


def status_label(status: str, paused: bool, lang: str) -> str:
    return t(f"reports.status.{status}", lang) + (f" ⏸ {t('reports.paused', lang)}" if paused else "")


def verdict_label(verdict: str | None, lang: str) -> str:
    key = verdict if verdict in VERDICT_MARK else "none"
    return VERDICT_MARK.get(key, "") + t(f"reports.verdict.{key}", lang)


def place(r: dict[str, Any]) -> str:
    """The ward, and the hamlet (ấp / khu phố) after it when the report has one: "Phường X · Khu phố 3"."""
    ward = text(r.get("ward_name")) or text(r.get("ward_code")) or fmt.BLANK
    hamlet = text(r.get("hamlet"))
    return f"{ward} · {hamlet}" if hamlet else ward


def hamlet_options(found: list[dict[str, Any]], ward: str | None) -> list[dict[str, str]]:
    """The hamlet filter's options; the value is ``ward/name`` (a name repeats across wards, a code has no "/").
    The ward is named in the label only when no ward is chosen."""
    return [{"label": h["name"] if ward else f"{h['name']} · {h['ward_name']}",
             "value": f"{h['ward_code']}/{h['name']}"} for h in found]


def hamlet_value(value: str | None) -> tuple[str, str] | None:
    """(ward code, hamlet name) of a hamlet filter value, None for none."""
    if not value or "/" not in value:
        return None
    ward, name = value.split("/", 1)
    return ward, name


def rows(page: pd.DataFrame, tz: ZoneInfo, lang: str) -> list[dict[str, Any]]:
    """The table's rows as texts; ``id`` is the report (its row's id) and the :data:`FLAGS` give the row's classes."""
    out = []
    for r in page.to_dict("records"):
        out.append({
            "id": int(r["id"]), "submitted": fmt.local_time(r["submitted_at"], tz, lang, "HH:mm dd/MM"),
            "category": r[f"name_{lang}"], "ward": place(r),
            "status": status_label(r["status"], bool(r["paused"]), lang),
            "due": (("⚠ " if r["overdue"] else "") + fmt.local_time(r["due_at"], tz, lang, "HH:mm dd/MM"))
            if r["due_at"] is not None and not pd.isna(r["due_at"]) else fmt.BLANK,
            "verdict": verdict_label(text(r["verdict"]), lang),
            "summary": text(r["summary"]) or text(r["address"]) or "",
            "overdue": int(bool(r["overdue"])), "paused": int(bool(r["paused"])),
            "corroborated": int(r["verdict"] == "corroborated")})
    return out


def row_class(row: dict[str, Any], selected: int | None) -> str:
    """A row's classes: its flags (the due date red when overdue, the verdict green when corroborated, the status
    amber when paused) and the highlight of the report shown in the detail."""
    flags = [f"ioc-report-{flag}" for flag in FLAGS if row.get(flag)]
    return with_selection(" ".join(["ioc-report-row", *flags]), row["id"] == selected)


def with_selection(class_name: str | None, selected: bool) -> str:
    """``class_name`` with the selection highlight put on or taken off, its other classes kept."""
    kept = [c for c in (class_name or "").split() if c != SELECTED]
    return " ".join([*kept, SELECTED] if selected else kept)


def _cell(col: str, row: dict[str, Any], lang: str) -> html.Td:
    value = row[col]
    if col == "id":   # a button: Tab reaches the row and Enter opens it (its click is the row's click)
        return html.Td(html.Button(str(value), type="button", className="ioc-row-open",
                                   title=t("reports.row.open", lang, id=value)), className="ioc-col-id")
    if col in CLIPPED:
        return html.Td(html.Div(str(value), className="ioc-clip", title=str(value) or None),
                       className=f"ioc-col-{col}")
    return html.Td(str(value), className=f"ioc-col-{col}")


def table(rows: list[dict[str, Any]], selected: int | None, lang: str) -> dbc.Table:
    """One page of the queue; a click on a row (``{"type": "reports-row", "id": report}``) selects its report."""
    head = html.Thead(html.Tr([html.Th(t(f"reports.col.{c}", lang), className=f"ioc-col-{c}") for c in COLUMNS]))
    body = [html.Tr([_cell(c, row, lang) for c in COLUMNS], id={"type": "reports-row", "id": row["id"]},
                    className=row_class(row, selected), style={"cursor": "pointer"}) for row in rows]
    if not body:
        body = [html.Tr(html.Td(t("reports.empty", lang), colSpan=len(COLUMNS), className="text-body-secondary"))]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", striped=True,
                     className="ioc-table ioc-reports-table", responsive=True)


def options(choices: dict[str, list[dict[str, Any]]], lang: str) -> dict[str, list[dict[str, str]]]:
    """Dropdown options: wards, categories (children indented under their group), departments."""
    cats = [{"label": ("   ↳ " if c["parent"] else "") + c[f"name_{lang}"], "value": c["code"]}
            for c in choices["categories"]]
    return {"wards": [{"label": w["name"], "value": w["code"]} for w in choices["wards"]], "categories": cats,
            "departments": [{"label": d[f"name_{lang}"], "value": d["code"]} for d in choices["departments"]]}
