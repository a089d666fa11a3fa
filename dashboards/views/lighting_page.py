"""/lighting, built: the scope choices (a city, or one ward), the cards, the two charts and the lamps to check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboards import context, fmt
from dashboards.i18n import norm_lang, t
from dashboards.queries import lighting as q
from dashboards.theme import theme_for
from dashboards.views import lighting as lv

AREA = "area:"        # a dropdown value naming a province (a city view) rather than a ward
MAX_ROWS = 15


def ward_options(ioc: context.IocContext) -> list[dict[str, str]]:
    found = q.places(ioc.read_pool)
    provinces = sorted({p["province"] for p in found})
    return ([{"label": f"▣ {p}", "value": AREA + p} for p in provinces]
            + [{"label": f"{w['name']} · {w['province']}", "value": w["code"]} for w in found])


def scope_of(ioc: context.IocContext, choice: str | None) -> list[str] | None:
    """The ward codes of a dropdown value: a province's wards, one ward, or None (everywhere)."""
    if not choice:
        return None
    if choice.startswith(AREA):
        return [w["code"] for w in q.places(ioc.read_pool) if w["province"] == choice.removeprefix(AREA)]
    return [choice]


def cards(data: lv.LightingNow, tariff: float, lang: str) -> dbc.Row:
    """Five figures read at a glance; a problem's card turns its colour when there is one."""
    night = data.last_night
    share = data.working_share
    saving = night.saving if night else None
    items = [
        ("lighting.working", "—" if share is None else f"{fmt.number(100 * share, lang, 1)} %",
         t("lighting.working_of", lang, n=fmt.number(data.working, lang), total=fmt.number(data.lamps, lang)),
         None if share is None or share >= 0.95 else lv.OUTAGE_HEX),
        ("lighting.outages_last_night", fmt.number(night.outages if night else None, lang),
         t("lighting.dark_now", lang, n=fmt.number(data.dark, lang)), lv.OUTAGE_HEX if data.dark else None),
        ("lighting.day_burners", fmt.number(data.day_burners, lang),
         t("lighting.day_burners_last", lang, n=fmt.number(night.day_burners if night else None, lang)),
         lv.BURNER_HEX if data.day_burners else None),
        ("lighting.mismatches", fmt.number(data.mismatches, lang), t("lighting.mismatches_note", lang),
         lv.MISMATCH_HEX if data.mismatches else None),
        ("lighting.kwh_last_night", f"{fmt.number(night.kwh, lang)} kWh" if night else "—",
         t("lighting.vs_baseline", lang, baseline=fmt.number(night.baseline_kwh if night else None, lang),
           saving="—" if saving is None else f"{fmt.number(100 * saving, lang)} %",
           cost=lv.vnd(night.cost(tariff), lang) if night else "—"), None),
    ]
    return dbc.Row([dbc.Col(html.Div([
        html.Div(t(key, lang), className="ioc-tile-title"),
        html.Div(value, className="ioc-tile-value", style={"color": color} if color else {}),
        html.Div(note, className="ioc-tile-caption")], className="ioc-tile ioc-lighting-card"), lg=True)
        for key, value, note, color in items], className="g-2")


def lamp_table(lamps: pd.DataFrame, lang: str) -> Any:
    """The lamps to check first: failed, dark when told on, burning by day, then those doing something else."""
    if lamps.empty:
        return html.Div(t("common.no_data", lang), className="text-muted")
    problem = lv.mismatched(lamps) | lamps["lamp_failure"].fillna(False).astype(bool) | lamps[
        "supply_loss"].fillna(False).astype(bool)
    rows = lamps[problem].copy()
    if rows.empty:
        return html.Div(t("lighting.all_well", lang), className="text-muted")
    rows["why"] = [_why(r, lang) for r in rows.itertuples()]
    rows = rows.sort_values(["why", "device_id"]).head(MAX_ROWS)
    head = html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("lighting.col.lamp", "lighting.col.street",
                                                              "lighting.col.state", "lighting.col.commanded",
                                                              "lighting.col.why")]))
    body = [html.Tr([html.Td(html.A(r.device_id, href=f"/device/{r.device_id}")), html.Td(r.street or ""),
                     html.Td(_state(r.power_state, r.illuminance_level, lang)),
                     html.Td(_state(r.commanded_power_state, r.commanded_illuminance_level, lang)), html.Td(r.why)])
            for r in rows.itertuples()]
    more = int(problem.sum()) - len(rows)
    note = [html.Div(t("lighting.more", lang, n=fmt.number(more, lang)), className="text-muted")] if more > 0 else []
    return html.Div([dbc.Table([head, html.Tbody(body)], size="sm", hover=True), *note])


def _state(state: Any, level: Any, lang: str) -> str:
    word = t(f"lighting.state.{state}", lang) if isinstance(state, str) else "—"
    return f"{word} {fmt.number(100 * float(level), lang)} %" if state == "on" and pd.notna(level) else word


def _why(r: Any, lang: str) -> str:
    if r.supply_loss:
        return t("lighting.why.supply", lang)
    if r.lamp_failure:
        return t("lighting.why.failure", lang)
    if r.commanded_power_state == "on" and r.power_state != "on":
        return t("lighting.why.dark", lang)
    if r.lamp_unexpected_on or (r.commanded_power_state == "off" and r.power_state == "on"):
        return t("lighting.why.day_burner", lang)
    return t("lighting.why.dimming", lang)


def page(ioc: context.IocContext, opts: dict[str, Any], choice: str | None, now: datetime) -> tuple[Any, ...]:
    lang, th = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light")
    scope = scope_of(ioc, choice)
    tariff = ioc.settings.lighting_tariff_vnd_kwh
    data = lv.load(ioc.read_pool, now, ioc.settings.tz, scope)
    asof = t("lighting.asof", lang, time=fmt.local_time(data.as_of, ioc.settings.tz, lang, "HH:mm dd/MM"),
             tariff=fmt.number(tariff, lang)) if data.as_of else t("lighting.no_lamps", lang)
    return (cards(data, tariff, lang), asof, lv.energy_chart(data, tariff, th, lang),
            lv.problems_chart(data, th, lang), lamp_table(q.lamps_now(ioc.read_pool, now, scope), lang))


def ward_section(ioc: context.IocContext, opts: dict[str, Any], now: datetime) -> Any:
    """The ward page's lighting section: the cards and kWh per night, or nothing when the ward has no lamps."""
    lang, th, code = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light"), opts.get("code")
    if not code:
        return []
    data = lv.load(ioc.read_pool, now, ioc.settings.tz, [str(code)])
    if not data.lamps and not data.nights:
        return []
    tariff = ioc.settings.lighting_tariff_vnd_kwh
    return [html.H4([t("ward.lighting", lang), " ",
                     html.A("→", href=f"/lighting?ward={code}&lang={lang}", className="ms-1")], className="mt-3"),
            cards(data, tariff, lang),
            dbc.Row([dbc.Col(dcc.Graph(figure=lv.energy_chart(data, tariff, th, lang),
                                       config={"displayModeBar": False}), lg=6),
                     dbc.Col(dcc.Graph(figure=lv.problems_chart(data, th, lang), config={"displayModeBar": False}),
                             lg=6)], className="g-3 mt-1")]
