"""Layer builders: GeoDataFrame in, GeoDataFrame out (EPSG:4326), ready for either renderer. Pure.

A frame in another CRS is converted explicitly; a frame without a CRS is refused (:class:`layers.crs.CrsError`).
Builders add what every renderer needs (category, colour, short hover text, rounded lon/lat) and draw nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import geopandas as gpd
import numpy as np
import pandas as pd

from ioc.errors import IocError
from layers import vn_aqi
from layers.crs import to_wgs84
from layers.style import LIGHT_COLORS, LIGHT_STATES, NO_DATA_HEX, REPORT_COLORS, STATES, word

DECIMALS = 5  # about 1 m: enough for a map, and it keeps figures small


class LayerError(IocError, ValueError):
    """A frame handed to a builder lacks what the layer needs."""


def ward_layer(wards: gpd.GeoDataFrame, metric: Mapping[str, float] | pd.Series | None = None,
               metric_name: str = "value") -> gpd.GeoDataFrame:
    """Wards with ``value`` (NaN where the metric has no entry), label point and hover text, for choropleths."""
    out = _frame(wards, "wards", ("code", "name"))
    values = pd.Series(dict(metric) if metric is not None else {}, dtype=float)
    out["value"] = out["code"].map(values).astype(float)
    out["metric"] = metric_name
    # representative_point lies inside the polygon (a centroid may not); topological, so EPSG:4326 is fine
    label = out.geometry.representative_point()
    out["label_lon"], out["label_lat"] = label.x.round(DECIMALS), label.y.round(DECIMALS)
    out["hover"] = [_ward_hover(r.name, r.code, r.value, metric_name) for r in out.itertuples()]
    return out


def _ward_hover(name: str, code: str, value: float, metric_name: str) -> str:
    shown = "–" if np.isnan(value) else f"{value:,.4g}"
    return f"{escape(name)} ({escape(code)})" + (f"<br>{escape(metric_name)}: {shown}" if metric_name else "")


def device_layer(devices: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Devices with ``state`` as an ordered category of online, stale, offline, unregistered."""
    out = _points(devices, "devices", ("device_id", "kind", "state"))
    unknown = sorted(set(out["state"]) - set(STATES))
    if unknown:
        raise LayerError(f"devices: unknown state(s) {', '.join(map(str, unknown))}; expected {', '.join(STATES)}")
    out["state"] = pd.Categorical(out["state"], categories=list(STATES), ordered=True)
    # short on purpose: 10,000 of these travel to the browser; renderers show the state as the trace name
    out["hover"] = [f"{escape(str(i))} · {escape(str(k))}" for i, k in zip(out["device_id"], out["kind"], strict=True)]
    return out


def aqi_layer(stations: gpd.GeoDataFrame, lang: str = "vi") -> gpd.GeoDataFrame:
    """Stations coloured by VN_AQI band (colours from :mod:`layers.vn_aqi`); no index: grey, band ``none``."""
    out = _points(stations, "air quality", ("device_id", "aqi"))
    bands = [vn_aqi.band(int(a)) if pd.notna(a) else None for a in out["aqi"]]
    out["band"] = [b.key if b else "none" for b in bands]
    out["band_name"] = [(b.name_vi if lang == "vi" else b.name_en) if b else word(lang, "no_data") for b in bands]
    out["color"] = [b.hex if b else NO_DATA_HEX for b in bands]
    out["text_color"] = [b.text_hex if b else "#000000" for b in bands]
    out["label"] = ["–" if pd.isna(a) else str(int(a)) for a in out["aqi"]]
    names = out["name"] if "name" in out.columns else out["device_id"]
    out["hover"] = [f"{escape(str(n))} · VN_AQI {lab} · {escape(bn)}"
                    for n, lab, bn in zip(names, out["label"], out["band_name"], strict=True)]
    return out


def wifi_layer(aps: gpd.GeoDataFrame, lang: str = "vi", min_px: float = 6, max_px: float = 36) -> gpd.GeoDataFrame:
    """Access points as bubbles: ``size`` (px diameter) grows with the square root of ``clients``, so the bubble's
    area is proportional to the load."""
    out = _points(aps, "wifi", ("device_id", "clients"))
    clients = pd.to_numeric(out["clients"], errors="coerce").astype(float).to_numpy()
    top = np.nanmax(clients) if np.isfinite(clients).any() else 0.0
    scaled = np.sqrt(np.clip(clients, 0, None) / top) if top > 0 else np.zeros_like(clients)
    out["size"] = np.where(np.isfinite(clients), min_px + (max_px - min_px) * np.nan_to_num(scaled), min_px)
    out["has_data"] = np.isfinite(clients)
    out["hover"] = [f"{escape(str(i))} · {'–' if not np.isfinite(c) else int(round(c))} {word(lang, 'clients')}"
                    for i, c in zip(out["device_id"], clients, strict=True)]
    return out


def report_layer(reports: gpd.GeoDataFrame, lang: str = "vi") -> gpd.GeoDataFrame:
    """Field reports by ``category``: ``overdue`` when overdue and not closed, else the status."""
    out = _points(reports, "reports", ("status", "overdue"))
    status = out["status"].astype(str).str.lower()
    overdue = out["overdue"].fillna(False).astype(bool) & (status != "closed")
    out["category"] = np.where(overdue, "overdue", status)
    out["color"] = out["category"].map(REPORT_COLORS).fillna(NO_DATA_HEX)
    ident = out["report_id"] if "report_id" in out.columns else pd.Series(out.index.astype(str), index=out.index)
    out["hover"] = [f"{escape(str(i))} · {escape(word(lang, c))}" for i, c in zip(ident, out["category"], strict=True)]
    return out


def extent(layers: list[gpd.GeoDataFrame | None]) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) in EPSG:4326 over the non-empty layers, or None when there is nothing to show."""
    bounds = [to_wgs84(g, "layer").total_bounds for g in layers if g is not None and len(g)]
    if not bounds:
        return None
    b = np.array(bounds)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def _frame(gdf: gpd.GeoDataFrame, what: str, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    missing = [c for c in required if c not in gdf.columns]
    if missing:
        raise LayerError(f"{what}: missing column(s) {', '.join(missing)}")
    return to_wgs84(gdf, what).copy()


def _points(gdf: gpd.GeoDataFrame, what: str, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    out = _frame(gdf, what, required)
    geom = out.geometry
    bad = out.index[geom.isna() | geom.is_empty | (geom.geom_type != "Point")]
    if len(bad):
        raise LayerError(f"{what}: row(s) {', '.join(map(str, bad[:10]))} have no point geometry")
    out["lon"] = geom.x.round(DECIMALS).to_numpy()
    out["lat"] = geom.y.round(DECIMALS).to_numpy()
    return out.reset_index(drop=True)


def light_layer(lamps: gpd.GeoDataFrame, lang: str = "vi") -> gpd.GeoDataFrame:
    """Street lamps by ``category`` (failed, dark when due on, burning by day, on, off, no_data), in that order."""
    out = _points(lamps, "lights", ("device_id", "power_state", "commanded_power_state"))

    def flag(column: str) -> np.ndarray:
        return out[column].astype("boolean").fillna(False).to_numpy(bool) if column in out else np.zeros(len(out), bool)

    state, told = out["power_state"].astype("string"), out["commanded_power_state"].astype("string")
    burning = (state == "on").fillna(False).to_numpy(bool)
    category = np.select(
        [state.isna().to_numpy(bool), flag("lamp_failure") | flag("supply_loss"),
         (told == "on").fillna(False).to_numpy(bool) & ~burning, flag("lamp_unexpected_on") & burning, burning],
        ["no_data", "failed", "dark", "day_burner", "on"], "off")
    out["category"] = pd.Categorical(category, categories=list(LIGHT_STATES), ordered=True)
    out["color"] = out["category"].astype(str).map(LIGHT_COLORS)
    names = out["name"] if "name" in out.columns else out["device_id"]
    out["hover"] = [f"{escape(str(n))} · {escape(word(lang, str(c)))}"
                    for n, c in zip(names, out["category"], strict=True)]
    return out
