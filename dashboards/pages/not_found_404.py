"""Any other path: say so, in the page's language, with a way back."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboards.components import frame, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for

dash.register_page(__name__, path="/404", title="IOC — 404", name="not found")


def layout(lang: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(None, "light")
    return frame(th, [nav(lang, th, ""), html.Div(html.H2(t("common.not_found", lang)), className="container")],
                 "notfound-page")
