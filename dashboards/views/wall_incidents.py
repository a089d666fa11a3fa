"""The wall's incident tile and the incidents on the wall map. Pure: functions of
:func:`pipelines.incidents.queries.for_map` rows (live incidents: suggested or confirmed).

The tile counts live incidents, names the most severe and newest, and says how many suggestions wait for someone
to confirm them and how many playbook steps are overdue; an overdue step turns the tile the severity's colour.
On the map an incident is an outline of its area (or a ring at its point) in the severity's colour, with its
type's name, drawn after the devices and alarms so nothing hides it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import html
from psycopg_pool import ConnectionPool

from dashboards import fmt
from dashboards.components import Tile
from dashboards.i18n import t
from dashboards.views.wall_alarms import SEVERITY_HEX, TEXT_HEX
from layers.outlines import connected, rings
from pipelines.incidents import queries

KEY = "incidents"
RING_PX = 58


def live(pool: ConnectionPool, now: datetime, scope: Sequence[str] | None) -> list[dict[str, Any]]:
    """Live incidents touching the scene's wards (None: everywhere), most severe and newest first."""
    with pool.connection() as conn:
        found = queries.for_map(conn, now)
    return [r for r in found if scope is None or set(r["ward_codes"]) & set(scope)]


def _name(row: dict[str, Any], lang: str) -> str:
    return str(row["name_en"] if lang == "en" else row["name_vi"])


def tile(found: list[dict[str, Any]], now: datetime, tz: ZoneInfo, lang: str) -> Tile:
    title = t("wall.tile.incidents", lang)
    suggested = sum(r["status"] == "suggested" for r in found)
    overdue = sum(int(r["overdue_steps"] or 0) for r in found)
    caption = t("incidents.tile.caption", lang, suggested=fmt.number(suggested, lang),
                overdue=fmt.number(overdue, lang))
    if not found:
        return Tile(KEY, title, "0", [t("incidents.tile.none", lang)], caption)
    first = found[0]      # most severe, newest evidence first
    where = ", ".join(first["ward_names"])
    # the time first: what the line's ellipsis may cut at 1920 px is the end of a long ward name, never the news
    headline = html.Span(f"{fmt.short_time(first['last_evidence_at'], tz, lang)} · #{first['id']} "
                         f"{_name(first, lang)} · {where}", className="ioc-alarm-headline")
    level = first["severity"] if overdue else None
    return Tile(KEY, title, fmt.number(len(found), lang), [headline], caption,
                color=SEVERITY_HEX.get(level or ""), text_color=TEXT_HEX.get(level or ""))


def map_traces(found: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One outline trace per severity (areas), and one marker trace for every incident (a ring at its centre,
    labelled with its type), so the legend says "Incident" once and the wall shows where each one is."""
    out: list[dict[str, Any]] = []
    for severity in SEVERITY_HEX:
        lons, lats = connected([r for row in found if row["severity"] == severity for r in rings(row["geojson"])])
        if lons:
            out.append({"type": "scattermap", "mode": "lines", "uid": f"incidents-area-{severity}",
                        "lon": lons, "lat": lats, "fill": "toself", "fillcolor": _translucent(SEVERITY_HEX[severity]),
                        "line": {"color": SEVERITY_HEX[severity], "width": 4}, "hoverinfo": "skip",
                        "showlegend": False})
    placed = [r for r in found if r["lon"] is not None]
    if placed:
        out.append({"type": "scattermap", "mode": "markers+text", "uid": "incidents", "legendgroup": "incidents",
                    "name": f"◎ {t('incidents.map.legend', lang)} ({len(placed)})",
                    "lon": [float(r["lon"]) for r in placed], "lat": [float(r["lat"]) for r in placed],
                    "marker": {"size": RING_PX, "color": [SEVERITY_HEX[r["severity"]] for r in placed],
                               "opacity": 0.35},
                    "text": [f"#{r['id']} {_name(r, lang)}" for r in placed], "textposition": "top center",
                    "textfont": {"size": 18, "color": "#fde68a"},
                    "hovertext": [f"#{r['id']} {_name(r, lang)} · {t('incidents.status.' + r['status'], lang)}"
                                  for r in placed], "hoverinfo": "text"})
    return out


def _translucent(hex_colour: str, alpha: float = 0.18) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
