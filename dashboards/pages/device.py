"""/devices/<id>: one device's own view (identity, completeness and gap timeline, latest readings, dead letters)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboards import context
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import device_page as view
from dashboards.views import replica_banner

dash.register_page(__name__, path_template="/devices/<device_id>", title="IOC — device", name="device")

REFRESH_MS = 60_000


def layout(device_id: str | None = None, lang: str | None = None, theme: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    device_id = device_id or ""
    back = "/devices" + ("?lang=en" if lang == "en" else "")
    return frame(th, [
        nav(lang, th, "/devices"), replica_banner.slot("device", lang, th.name != "dark"),
        dcc.Store(id="device-opts", data={"device_id": device_id, "lang": lang}),
        dcc.Interval(id="device-tick", interval=REFRESH_MS),
        dbc.Container([
            html.A(t("device.back", lang), href=back, className="d-inline-block mb-1"),
            html.Div([html.H1(t("device.title", lang, id=device_id), id="device-title", className="me-auto"),
                      lang_switch(f"/devices/{quote(device_id, safe='')}", lang, "device", theme=theme)],
                     className="d-flex align-items-center"),
            html.Div(id="device-body"),
        ], fluid=True),
    ], "device-page")


@callback(Output("device-body", "children"), Output("device-title", "children"),
          Input("device-tick", "n_intervals"), State("device-opts", "data"))
def refresh_device(_n: int | None, opts: dict[str, Any]) -> tuple[Any, str]:
    return view.body(context.current(), str(opts.get("device_id") or ""), norm_lang(opts.get("lang")),
                     datetime.now(UTC))
