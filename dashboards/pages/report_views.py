"""The /reports page's tiles, queue table and filter options, from query results. No database access here."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from dash import html

from dashboards import fmt
from dashboards.components import Tile
from dashboards.i18n import t
from dashboards.queries.reports import ReportTiles

STATUSES = ("open", "received", "assigned", "in_progress", "resolved", "rejected", "closed")
COLUMNS = ("id", "submitted", "category", "ward", "status", "due", "verdict", "summary")
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


def columns(lang: str) -> list[dict[str, Any]]:
    return [{"name": t(f"reports.col.{c}", lang), "id": c} for c in COLUMNS]


def status_label(status: str, paused: bool, lang: str) -> str:
    return t(f"reports.status.{status}", lang) + (f" ⏸ {t('reports.paused', lang)}" if paused else "")


def verdict_label(verdict: str | None, lang: str) -> str:
    key = verdict if verdict in VERDICT_MARK else "none"
    return VERDICT_MARK.get(key, "") + t(f"reports.verdict.{key}", lang)


def rows(page: pd.DataFrame, tz: ZoneInfo, lang: str) -> list[dict[str, Any]]:
    """The table's rows; ``id`` doubles as the row id (active_cell.row_id) and ``overdue`` drives the row style."""
    out = []
    for r in page.to_dict("records"):
        out.append({
            "id": int(r["id"]), "submitted": fmt.local_time(r["submitted_at"], tz, lang, "HH:mm dd/MM"),
            "category": r[f"name_{lang}"], "ward": text(r["ward_name"]) or text(r["ward_code"]) or fmt.BLANK,
            "status": status_label(r["status"], bool(r["paused"]), lang),
            "due": (("⚠ " if r["overdue"] else "") + fmt.local_time(r["due_at"], tz, lang, "HH:mm dd/MM"))
            if r["due_at"] is not None and not pd.isna(r["due_at"]) else fmt.BLANK,
            "verdict": verdict_label(text(r["verdict"]), lang),
            "summary": text(r["summary"]) or text(r["address"]) or "",
            "overdue": int(bool(r["overdue"])), "corroborated": int(r["verdict"] == "corroborated")})
    return out


def row_styles() -> list[dict[str, Any]]:
    return [{"if": {"filter_query": "{overdue} = 1", "column_id": "due"}, "color": OVERDUE_RED, "fontWeight": 700},
            {"if": {"filter_query": "{corroborated} = 1", "column_id": "verdict"}, "fontWeight": 700,
             "color": "#15803d"},
            {"if": {"state": "active"}, "backgroundColor": "#e0f2fe", "border": "1px solid #0369a1"}]


def options(choices: dict[str, list[dict[str, Any]]], lang: str) -> dict[str, list[dict[str, str]]]:
    """Dropdown options: wards, categories (children indented under their group), departments."""
    cats = [{"label": ("   ↳ " if c["parent"] else "") + c[f"name_{lang}"], "value": c["code"]}
            for c in choices["categories"]]
    return {"wards": [{"label": w["name"], "value": w["code"]} for w in choices["wards"]], "categories": cats,
            "departments": [{"label": d[f"name_{lang}"], "value": d["code"]} for d in choices["departments"]]}
