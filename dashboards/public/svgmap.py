"""The residents' map as inline SVG, drawn on the server: the ward's outline, its reports (at their published,
snapped points), its public wifi points and the air stations nearby. No tiles and no script, so it works offline,
on any phone, and under a CSP that allows no script at all. Pure: data in, markup out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup

WIDTH = 1000.0
PAD = 24.0
OPEN_COLOUR, DONE_COLOUR = "#f59e0b", "#22c55e"
UP_COLOUR, DOWN_COLOUR = "#38bdf8", "#64748b"
SUPPORT_COLOUR = "#e879f9"


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_ in ring] for poly in polygons for ring in poly]


class Projection:
    """Equirectangular around the data's mean latitude: fine for a ward a few kilometres across."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.west, self.east, self.south, self.north = min(xs), max(xs), min(ys), max(ys)
        self.k = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.k, 1e-6)
        self.scale = (WIDTH - 2 * PAD) / span_x
        self.height = max(240.0, (self.north - self.south) * self.scale + 2 * PAD)
        # a tall ward: fit the height to 1.2 × the width, and centre it across
        if self.height > 1.2 * WIDTH:
            self.scale *= (1.2 * WIDTH - 2 * PAD) / (self.height - 2 * PAD)
            self.height = 1.2 * WIDTH
        self.dx = (WIDTH - (self.east - self.west) * self.k * self.scale) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (round(self.dx + (lon - self.west) * self.k * self.scale, 1),
                round(PAD + (self.north - lat) * self.scale, 1))


def _located(items: Iterable[Any]) -> list[tuple[float, float]]:
    out = []
    for it in items:
        lon, lat = (it.get("lon"), it.get("lat")) if isinstance(it, dict) else (it.lon, it.lat)
        if lon is not None and lat is not None:
            out.append((float(lon), float(lat)))
    return out


def ward_map(outline: dict[str, Any], reports: Sequence[Any], wifi: Sequence[dict[str, Any]],
             air: Sequence[dict[str, Any]], labels: dict[str, str],
             support: Sequence[dict[str, Any]] = ()) -> Markup:
    """``reports``: objects with id, code, lon, lat, open, category_label, status_label; ``labels``: the legend's
    words (open, done, wifi_up, wifi_down, air, title)."""
    rings = [r for f in outline.get("features", []) for r in _rings(f.get("geometry") or {})]
    inside_air = [a for a in air if a.get("inside")]
    pts = [p for ring in rings for p in ring] + _located(reports) + _located(wifi) + _located(inside_air) \
        + _located(support)
    if not pts:
        return Markup("")
    proj = Projection(pts)
    parts = [Markup('<svg class="pub-map-svg" viewBox="0 0 {:.0f} {:.0f}" role="img" aria-label="{}" '
                    'xmlns="http://www.w3.org/2000/svg">').format(WIDTH, proj.height, labels["title"])]
    for ring in rings:
        d = " ".join(f"{x},{y}" for x, y in (proj(*p) for p in ring))
        parts.append(Markup('<polygon class="pub-map-ward" points="{}"/>').format(d))
    for a in inside_air:
        x, y = proj(a["lon"], a["lat"])
        parts.append(Markup('<g class="pub-map-air"><title>{} — VN_AQI {} ({})</title>'
                            '<rect x="{}" y="{}" width="22" height="22" rx="4" fill="{}"/></g>').format(
            a["name"], a["aqi"], a["label"], x - 11, y - 11, a["color"]))
    for w in wifi:
        if w.get("lon") is None or w.get("lat") is None:
            continue
        x, y = proj(w["lon"], w["lat"])
        state = labels["wifi_up"] if w["up"] else labels["wifi_down"]
        parts.append(Markup('<g class="pub-map-wifi"><title>{} — {}</title><path d="M{} {} l9 -14 l9 14 z" '
                            'fill="{}"/></g>').format(w["name"], state, x - 9, y + 7,
                                                       UP_COLOUR if w["up"] else DOWN_COLOUR))
    for s in support:
        x, y = proj(s["lon"], s["lat"])
        parts.append(Markup('<g class="pub-map-support"><title>{} — {}</title><path d="M{} {} h8 v-8 h8 v8 h8 v8 h-8 '
                            'v8 h-8 v-8 h-8 z" fill="{}"/></g>').format(s["name"], s["kind_label"], x - 12, y - 4,
                                                                        SUPPORT_COLOUR))
    for r in reports:
        if r.lon is None or r.lat is None:
            continue
        x, y = proj(r.lon, r.lat)
        parts.append(Markup('<a href="#r{}" class="pub-map-report"><title>{} — {} — {}</title>'
                            '<circle cx="{}" cy="{}" r="9" fill="{}"/></a>').format(
            r.id, r.code, r.category_label, r.status_label, x, y, OPEN_COLOUR if r.open else DONE_COLOUR))
    parts.append(Markup("</svg>"))
    # classes, not style attributes: the page's CSP allows no inline style (the colours are in ioc-public.css)
    legend = Markup("").join(Markup('<span><i class="pub-key-{}"></i>{}</span>').format(k, labels[k])
                             for k in ("open", "done", "wifi_up", "wifi_down", "support") if k in labels)
    return Markup('<figure class="pub-map">{}<figcaption class="pub-legend">{}</figcaption></figure>').format(
        Markup("").join(parts), legend)
