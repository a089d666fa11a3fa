"""/briefings: the weekly leader briefings, newest first, and one of them as mailed (``?id=N``); leaders only.
Query parameters: ``id``, ``lang`` (vi|en)."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboards import context
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import briefings as view
from dashboards.views import replica_banner

dash.register_page(__name__, path="/briefings", title="IOC — bản tin tuần", name="briefings")


def layout(lang: str | None = None, id: str | None = None, **_: Any) -> html.Div:  # noqa: A002 - the URL's name
    lang, th = norm_lang(lang), theme_for("light", "light")
    ioc, chosen = context.current(), view.chosen_id(id)
    return frame(th, [
        nav(lang, th, "/briefings"), replica_banner.slot("briefings", lang, th.name != "dark"),
        dbc.Container([
            html.Div([html.H1(t("briefings.title", lang), className="me-auto"),
                      lang_switch("/briefings", lang, "briefings", id=id)], className="d-flex align-items-center"),
            dbc.Row([dbc.Col(view.listing(ioc, lang, chosen), lg=4),
                     dbc.Col(view.shown(ioc, lang, chosen), lg=8)], className="g-3"),
        ], fluid=True),
    ], "briefings-page")
