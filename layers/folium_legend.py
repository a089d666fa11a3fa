"""The legend and title boxes of the shared (folium) map: plain HTML over the map, no external assets."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from branca.element import MacroElement
from jinja2 import Template

from layers import vn_aqi
from layers.style import LIGHT, REPORT_COLORS, STATES, word

_BOX = ("position:fixed;z-index:1000;background:rgba(255,255,255,.94);color:#111827;border:1px solid #9ca3af;"
        "border-radius:6px;padding:8px 10px;font:13px/1.35 system-ui,'Segoe UI',Roboto,Arial,sans-serif;")
_CSS = """<style>
.ioc-legend h4{margin:6px 0 3px;font-size:13px}
.ioc-legend .sw{display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:6px;
  vertical-align:-1px;border:1px solid #374151}
.ioc-legend .sq{border-radius:2px}
.ioc-ward-label{font:600 13px system-ui,Arial,sans-serif;color:#0c4a6e;text-align:center;white-space:nowrap;
  text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%);pointer-events:none}
.ioc-pin{display:flex;align-items:center;justify-content:center;border-radius:50%;font:700 12px Arial,sans-serif;
  border:2px solid #111827;box-sizing:border-box}
</style>"""


class HtmlBox(MacroElement):
    """A fixed box of trusted HTML (built here from escaped parts), with the shared CSS once per page."""

    _template = Template("""
{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
{% macro html(this, kwargs) %}
<div id="{{ this.box_id }}" class="ioc-legend" style="{{ this.style }}">{{ this.body }}</div>
{% endmacro %}
""")

    def __init__(self, box_id: str, body: str, position: str, css: str = "") -> None:
        super().__init__()
        self._name = "HtmlBox"
        self.box_id, self.body, self.style, self.css = box_id, body, _BOX + position, css


def legend(lang: str, sections: Sequence[str], offline: bool, metric: tuple[str, float, float] | None) -> HtmlBox:
    """The legend of the sections drawn (keys as in :data:`layers.style.WORDS`)."""
    parts = [f"<b>{escape(word(lang, 'legend'))}</b>"]
    if "wards" in sections:
        parts.append(_heading(lang, "wards") + _swatch(LIGHT.ward_fill, word(lang, "wards"), square=True,
                                                       border=LIGHT.ward_line))
        if metric:
            name, lo, hi = metric
            low, high = LIGHT.choropleth[0], LIGHT.choropleth[-1]
            parts.append(_swatch(low, f"{name} {lo:,.4g}", square=True)
                         + _swatch(high, f"{hi:,.4g}", square=True))
    if "devices" in sections:
        parts.append(_heading(lang, "devices") + "".join(
            _swatch(LIGHT.state_colors[s], word(lang, s)) for s in STATES))
    if "aqi" in sections:
        parts.append(_heading(lang, "aqi") + "".join(
            _swatch(b.hex, f"{b.lo}–{b.hi} {b.name_vi if lang == 'vi' else b.name_en}") for b in vn_aqi.BANDS))
    if "wifi" in sections:
        parts.append(_heading(lang, "wifi") + _swatch(LIGHT.accent, word(lang, "clients")))
    if "reports" in sections:
        parts.append(_heading(lang, "reports") + "".join(_swatch(c, word(lang, k)) for k, c in REPORT_COLORS.items()))
    if "coverage" in sections:
        parts.append(_heading(lang, "coverage") + _swatch("#7c3aed", word(lang, "coverage"), square=True))
    if "gaps" in sections:
        parts.append(_heading(lang, "gaps") + _swatch("#ffffff", "1, 2, 3 …", border="#111827"))
    if offline:
        parts.append(f"<div style='margin-top:6px;color:#4b5563'>{escape(word(lang, 'offline_note'))}</div>")
    return HtmlBox("ioc-legend", "".join(parts), "left:10px;bottom:56px;max-height:70vh;overflow:auto;", _CSS)


def title_box(title: str) -> HtmlBox:
    return HtmlBox("ioc-title", f"<b style='font-size:15px'>{escape(title)}</b>",
                   "left:50%;top:10px;transform:translateX(-50%);")


def _heading(lang: str, key: str) -> str:
    return f"<h4>{escape(word(lang, key))}</h4>"


def _swatch(color: str, label: str, square: bool = False, border: str | None = None) -> str:
    style = f"background:{color};" + (f"border-color:{border};" if border else "")
    return f"<div><span class='sw{' sq' if square else ''}' style='{style}'></span>{escape(label)}</div>"
