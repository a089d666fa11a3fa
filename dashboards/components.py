"""Shared building blocks of the pages: the page frame, the language and theme switch, tiles, honest blanks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import html

from dashboards.i18n import LANGS, t
from dashboards.theme import Theme


@dataclass(frozen=True)
class Tile:
    """What a tile shows: computed by pure functions, rendered by :func:`tile_body`."""

    key: str
    title: str
    value: str
    detail: list[Any] = field(default_factory=list)
    caption: str = ""
    stale: bool = False        # data older than the tile's freshness limit: greyed, with its age
    unavailable: bool = False  # no source yet (reports): shown as such, never as zero
    color: str | None = None   # accent, e.g. the AQI band
    text_color: str | None = None


def tile_body(tile: Tile) -> list[Any]:
    style = {"backgroundColor": tile.color, "color": tile.text_color} if tile.color and not tile.stale else {}
    return [
        html.Div(tile.title, className="ioc-tile-title"),
        html.Div(tile.value, className="ioc-tile-value", style=style),
        html.Div(tile.detail, className="ioc-tile-detail"),
        html.Div(tile.caption, className="ioc-tile-caption"),
    ]


def tile_class(tile: Tile) -> str:
    flags = (" ioc-stale" if tile.stale else "") + (" ioc-unavailable" if tile.unavailable else "")
    return f"ioc-tile ioc-tile-{tile.key}{flags}"


def query_string(**params: Any) -> str:
    given = {k: v for k, v in params.items() if v not in (None, "", False)}
    return "?" + urlencode(given) if given else ""


def lang_switch(path: str, lang: str, id_prefix: str, **params: Any) -> html.Div:
    """Links to the same page in each language: the choice lives in the URL (``?lang=en``)."""
    links = [html.A(code.upper(), href=path + query_string(**params, lang=code),
                    id={"type": f"{id_prefix}-lang", "index": code},
                    className="ioc-lang" + (" ioc-lang-active" if code == lang else "")) for code in LANGS]
    return html.Div(links, className="ioc-lang-switch", title=t("common.language", lang))


def nav(lang: str, theme: Theme, active: str) -> dbc.Navbar:
    api = "/api/v1/openapi.json"
    items = [("/wall", "nav.wall"), ("/", "nav.wards"), ("/devices", "nav.devices"), ("/reports", "nav.reports"),
             ("/alarms", "nav.alarms"), ("/incidents", "nav.incidents"), ("/footage", "nav.footage"),
             ("/social", "nav.social"), ("/lighting", "nav.lighting"), ("/kpis", "kpis.title_short"),
             ("/adoption", "adoption.title_short"), ("/briefings", "nav.briefings"), (api, "nav.api"),
             ("/logout", "nav.logout")]
    links = [dbc.NavLink(t(key, lang), href=href + (query_string(lang=lang) if href != api else ""),
                         active=href == active, external_link=href in (api, "/logout")) for href, key in items]
    return dbc.Navbar(dbc.Container([dbc.NavbarBrand(t("app.title", lang), href="/" + query_string(lang=lang)),
                                     dbc.Nav(links, navbar=True)], fluid=True),
                      color="dark" if theme.name == "dark" else "light", dark=theme.name == "dark",
                      className="mb-3")


def frame(theme: Theme, children: list[Any], page_id: str, kind: str = "desk") -> html.Div:
    """A page's root: the Bootstrap colour mode of its theme on the whole page; ``kind`` is wall or desk."""
    attrs: dict[str, Any] = {"data-bs-theme": theme.bs_mode}  # Bootstrap 5.3 colour mode for the whole page
    return html.Div(children, id=page_id, className=f"ioc-page ioc-{theme.name} ioc-{kind}", **attrs)


def unavailable(lang: str) -> html.Div:
    return html.Div(t("common.not_yet_available", lang), className="ioc-unavailable-note")
