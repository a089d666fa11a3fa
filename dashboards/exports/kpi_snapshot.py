"""The /kpis view as one self-contained HTML page, for the PNG and PDF exports.

The page is built from the very components and figures the live page shows
(:class:`dashboards.views.kpi_page.Rendered`): Dash components are written out as HTML (the few kinds the KPI view
uses), figures are drawn by the plotly.js that the plotly package ships, styles are the app's own Bootstrap and
ioc.css. Chromium then photographs it from a throwaway loopback server, so the export needs neither the user's
session nor any network.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from dashboards.i18n import t
from dashboards.theme import LIGHT
from dashboards.views import kpi_766
from dashboards.views.kpi_page import Rendered

ASSETS = Path(__file__).resolve().parents[1] / "assets"
CHART_HEIGHT_766 = 370  # the trend and the map above the 766 strip
GROUPS_HEIGHT = 290  # the 766 groups' bars
_VOID = {"br", "hr", "img", "input", "meta"}
_DBC_TAGS = {"Row": "div", "Col": "div", "Table": "table", "Alert": "div", "Button": "a", "Badge": "span"}


def _css_name(key: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), key)


def _style(style: dict[str, Any]) -> str:
    return "; ".join(f"{_css_name(k)}: {v}" for k, v in style.items())


def _classes(kind: str, props: dict[str, Any]) -> str:
    extra = {"Row": "row", "Col": "col", "Table": "table", "Alert": "alert", "Button": "btn", "Badge": "badge"}
    out = [extra.get(kind, ""), str(props.get("className") or "")]
    if kind == "Col":
        out += [f"col-{bp}-{props[bp]}" for bp in ("xs", "sm", "md", "lg", "xl") if props.get(bp)]
    if kind == "Table":
        out += ["table-sm" if props.get("size") == "sm" else "", "table-hover" if props.get("hover") else "",
                "table-bordered" if props.get("bordered") else ""]
    return " ".join(c for c in out if c)


def to_html(node: Any) -> str:
    """HTML of a Dash component tree (html.* and the dbc layout components), text escaped."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(to_html(n) for n in node)
    spec = node.to_plotly_json()
    kind, props = spec["type"], spec["props"]
    tag = _DBC_TAGS.get(kind, "div") if spec["namespace"] == "dash_bootstrap_components" else kind.lower()
    attrs = {"class": _classes(kind, props) if spec["namespace"] == "dash_bootstrap_components"
             else props.get("className"), "style": _style(props["style"]) if props.get("style") else None,
             "href": props.get("href"), "title": props.get("title"),
             **{k: v for k, v in props.items() if k.startswith(("data-", "aria-"))}}
    text = " ".join(f'{k}="{escape(str(v))}"' for k, v in attrs.items() if v not in (None, ""))
    opening = f"<{tag} {text}>" if text else f"<{tag}>"
    return opening if tag in _VOID else f"{opening}{to_html(props.get('children'))}</{tag}>"


def _figure(div: str, fig: go.Figure) -> str:
    return (f"Plotly.newPlot({json.dumps(div)}, ...(f => [f.data, f.layout])({fig.to_json()}), "
            "{displayModeBar: false, staticPlot: true})")


# Tells the export's server the figures have drawn (the map once MapLibre is idle); see kpi_export.served.
_DONE = """.then(() => {
  const done = () => fetch("/done");
  const sub = document.getElementById("map")._fullLayout?.map?._subplot?.map;
  if (sub) { sub.once("idle", done); sub.triggerRepaint(); } else { done(); }
});"""


def _section_766(r: Rendered, lang: str) -> str:
    """Decision 766's total, grade and coverage beside its groups' bars (the indicator table stays on the page)."""
    if r.score766 is None:
        return ""
    head = kpi_766.headline(r.score766, lang)
    return f"""<div class="row g-3 mt-1" id="k766">
    <div class="col-lg-3">{to_html(head)}</div>
    <div class="col-lg-9"><div id="k766-groups"></div></div>
  </div>"""


def page(r: Rendered, title: str, lang: str) -> str:
    # with the 766 strip below, the trend and the map give it room so the whole of it is in the 1920×1080 picture
    height = 520 if r.score766 is None else CHART_HEIGHT_766
    css = "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in ("bootstrap.min.css", "ioc.css"))
    body = f"""
<div class="ioc-page ioc-light ioc-desk" data-bs-theme="light"><div class="container-fluid pt-2">
  <h1 style="font-size: 2.1rem; margin: 0">{escape(title)}</h1>
  <div style="font-size: 1.25rem; margin: 2px 0 8px">{escape(r.subtitle)}</div>
  <div class="row g-2 row-cols-8">{to_html(r.cards)}</div>
  <div class="row g-3 mt-1">
    <div class="col-lg-5"><div id="trend"></div></div>
    <div class="col-lg-3"><div id="map" style="height: {height}px"></div>
      <div class="text-body-secondary">{escape(r.map_caption)}</div></div>
    <div class="col-lg-4" style="max-height: {height + 20}px; overflow: hidden">{to_html(r.ranking)}</div>
  </div>
  {_section_766(r, lang)}
  <h2 class="mt-4" style="font-size: 1.4rem">{escape(t("kpis.all_indicators", lang))}</h2>
  {to_html(r.others)}
</div></div>"""
    figures = [_figure("trend", go.Figure(r.trend).update_layout(height=height)),
               _figure("map", go.Figure(r.map).update_layout(height=height))]
    if r.score766 is not None:
        groups = kpi_766.groups_figure(r.score766, LIGHT, lang).update_layout(height=GROUPS_HEIGHT)
        figures.append(_figure("k766-groups", groups))
    script = f"Promise.all([{', '.join(figures)}]){_DONE}"
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{css}</style><script>{get_plotlyjs()}</script></head><body>{body}"
            f'<script>{script}</script><iframe src="/wait" style="display: none"></iframe></body></html>')
