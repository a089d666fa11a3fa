"""What the /adoption page shows (read through the app context): e-citizen adoption per ward and hamlet, and
the other indicator sheets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import context
from dashboards.i18n import norm_lang, t
from dashboards.queries import kpis as q
from dashboards.theme import LIGHT
from dashboards.views import kpi_charts, kpi_view
from pipelines.kpis import adoption, periods
from pipelines.kpis.formulas import Ratio
from pipelines.kpis.indicators import ADOPTION, POPULATION
from pipelines.kpis.socio import shipped

MEASURES = tuple(num for num, _vi, _en in ADOPTION.values())


def name_of(key: str, lang: str) -> str:
    _num, vi, en = ADOPTION[key]
    return en if lang == "en" else vi


def adoption_view(ioc: context.IocContext, opts: dict[str, Any], now: datetime) -> tuple[Any, Any, Any, Any, Any]:
    """(cards, ward table, map, map caption, other indicators) for opts (period, scope, rate, lang)."""
    lang = norm_lang(opts.get("lang"))
    period = periods.parse(str(opts.get("period")))
    key = str(opts.get("rate")) if opts.get("rate") in ADOPTION else next(iter(ADOPTION))
    wards = q.wards(ioc.read_pool)
    scope = opts.get("scope") if opts.get("scope") in set(wards["province"]) else None
    values = adoption.ward_values(q.indicator_values(ioc.read_pool), q.mapping(ioc.read_pool), period)
    codes = None if scope is None else wards.loc[wards["province"] == scope, "code"].tolist()
    rates = adoption.rates(values, codes)
    cards = dbc.Row([dbc.Col(rate_card(k, rates[k], lang)) for k in ADOPTION], className="g-2")
    map_codes, province = kpi_charts.map_wards(wards, scope)
    per_ward = ward_rates(values, wards, key)
    shapes = q.ward_shapes(ioc.read_pool, now.astimezone(ioc.settings.tz).date())
    fig = kpi_charts.map_figure(shapes[shapes["code"].isin(map_codes)],
                                per_ward[per_ward["code"].isin(map_codes)], name_of(key, lang), LIGHT, lang,
                                ioc.settings.tiles_url)
    shown = wards if codes is None else wards[wards["code"].isin(codes)]
    return (cards, ward_table(values, shown, lang), fig,
            t("kpis.map_caption", lang, province=province or "—", kpi=name_of(key, lang)),
            other_table(values, shown, lang))


def rate_card(key: str, ratio: Ratio, lang: str) -> html.Div:
    return html.Div([
        html.Div(name_of(key, lang), style={"fontSize": "1.1rem", "fontWeight": 600}),
        html.Div(kpi_view.pct(ratio.value, lang), style={"fontSize": "3.2rem", "fontWeight": 800, "color": "#0369a1"}),
        html.Div(f"{kpi_view.count(ratio.numerator, lang)} / {kpi_view.count(ratio.denominator, lang)} "
                 f"{t('adoption.people', lang)}", style={"fontSize": "1rem"}),
    ], id={"type": "adoption-card", "index": key}, **_data(ratio),
        style={"background": "var(--ioc-panel)", "borderRadius": "10px", "padding": "10px 14px",
               "borderLeft": "8px solid #0369a1"})


def _data(ratio: Ratio) -> dict[str, Any]:
    return {"data-numerator": repr(ratio.numerator), "data-denominator": repr(ratio.denominator)}


def ward_rates(values: pd.DataFrame, wards: pd.DataFrame, key: str) -> pd.DataFrame:
    """code, value: one adoption rate per ward (NaN where the ward reports no population or no numerator)."""
    own = values[values["ward"].notna() & values["hamlet"].isna()]
    wide = own.pivot_table(index="ward", columns="indicator", values="value", aggfunc="sum")
    num = ADOPTION[key][0]
    rate = wide[num] / wide[POPULATION] if {num, POPULATION} <= set(wide.columns) else pd.Series(dtype=float)
    return pd.DataFrame({"code": wards["code"], "value": wards["code"].map(rate).astype(float)})


def ward_table(values: pd.DataFrame, wards: pd.DataFrame, lang: str) -> Any:
    rows = values[values["ward"].isin(wards["code"])]
    if rows.empty:
        return html.P(t("common.no_data", lang))
    wide = rows.pivot_table(index=["ward", rows["hamlet"].fillna("")], columns="indicator", values="value",
                            aggfunc="sum")
    period = rows.groupby(["ward", rows["hamlet"].fillna("")])["period"].max()
    names = wards.set_index("code")["name"]
    head = html.Thead(html.Tr([html.Th(t(f"adoption.col.{c}", lang)) for c in
                               ("place", "population", *ADOPTION.keys(), "period")]))
    body = []
    for (ward, hamlet), r in wide.iterrows():
        people = r.get(POPULATION)
        label = f"   ↳ {hamlet}" if hamlet else str(names.get(ward, ward))
        cells = [html.Td(label, style={"paddingLeft": "28px"} if hamlet else {"fontWeight": 700}),
                 html.Td(kpi_view.count(people, lang))]
        for num in MEASURES:
            cells.append(html.Td(kpi_view.pct(r.get(num) / people if people and pd.notna(r.get(num)) else None, lang)))
        body.append(html.Tr([*cells, html.Td(period.get((ward, hamlet), ""))]))
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="kpi-table")


def other_table(values: pd.DataFrame, wards: pd.DataFrame, lang: str) -> Any:
    skip = {POPULATION, *MEASURES, *(d.key for d in shipped())}   # those have their cards above
    rows = values[~values["indicator"].isin(skip) & values["hamlet"].isna()
                  & (values["ward"].isin(wards["code"]) | values["ward"].isna())]
    if rows.empty:
        return html.P(t("common.no_data", lang))
    names = wards.set_index("code")["name"]
    head = html.Thead(html.Tr([html.Th(t(f"adoption.col.{c}", lang)) for c in
                               ("indicator", "place", "period", "value", "unit")]))
    body = [html.Tr([html.Td(t(f"indicator.{r.indicator}", lang) if t(f"indicator.{r.indicator}", lang) !=
                             f"indicator.{r.indicator}" else r.indicator),
                     html.Td(names.get(r.ward, r.scope) if r.ward else r.scope), html.Td(r.period),
                     html.Td(kpi_view.count(r.value, lang) if abs(r.value) >= 100 else
                             str(round(r.value, 2)).replace(".", "," if lang == "vi" else ".")),
                     html.Td(r.unit)])
            for r in rows.sort_values(["indicator", "scope"]).itertuples(index=False)]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="kpi-table")
