"""Air quality: station-days per VN_AQI band over the week (the daily PM2.5 index, layers.vn_aqi, of each local
day with at least 18 hourly means) and the worst station of the week."""

from __future__ import annotations

import pandas as pd

from dashboards.briefing import charts
from dashboards.briefing.queries import pm25_hourly
from dashboards.briefing.scope import Scope
from dashboards.i18n import t
from dashboards.views.kpi_view import count
from layers.vn_aqi import BANDS, daily_aqi_series
from pipelines.briefing.model import Cell, Chart, Figure, Section, Table

MIN_HOURS = 18     # a day with fewer hourly means has no daily index here (the spec sets no rule; docs/briefing.md)


def station_days(s: Scope) -> pd.DataFrame:
    """device_id, name, ward_code, day, aqi, band: one row per station and local day of the week with an index."""
    hourly = pm25_hourly(s.ioc.pool, s.start, s.end, s.wards)
    out = []
    for (device, name, ward), g in hourly.groupby(["device_id", "name", "ward_code"], sort=True):
        series = pd.Series(g["pm25"].astype(float).to_numpy(), index=pd.DatetimeIndex(pd.to_datetime(g["bucket"],
                                                                                                    utc=True)))
        days = daily_aqi_series(series, s.tz.key)
        days = days[(days["hours"] >= MIN_HOURS) & days["aqi"].notna()]
        out += [(device, name, ward, day.date(), int(r.aqi), str(r.band)) for day, r in days.iterrows()]
    return pd.DataFrame(out, columns=["device_id", "name", "ward_code", "day", "aqi", "band"])


def build(s: Scope) -> Section:
    lang = s.lang
    days = station_days(s)
    per_band = {b.key: int((days["band"] == b.key).sum()) for b in BANDS}
    figures = [Figure(f"air.{b.key}", b.name_en if lang == "en" else b.name_vi, count(per_band[b.key], lang),
                      per_band[b.key], s.link("/devices", kind="env"), t("briefing.air.station_days", lang))
               for b in BANDS]
    tables = []
    worst_text = "—"
    if len(days):
        w = days.sort_values(["aqi", "device_id"], ascending=[False, True]).iloc[0]
        worst_text = f"{w['name']} · {w['device_id']} ({w['aqi']})"
        per_station = days.groupby(["device_id", "name", "ward_code"]).agg(worst=("aqi", "max"), mean=("aqi", "mean"),
                                                              n=("aqi", "size")).reset_index()
        per_station = per_station.sort_values(["worst", "device_id"], ascending=[False, True]).head(5)
        tables.append(Table(t("briefing.air.worst", lang),
                            [t(f"briefing.air.col.{c}", lang) for c in ("station", "worst", "mean", "days")],
                            [[Cell(f"{r.name} · {r.device_id}", s.link(f"/devices/{r.device_id}")), Cell(str(r.worst)),
                              Cell(f"{r.mean:.0f}"), Cell(str(r.n))] for r in per_station.itertuples()]))
    chart = charts.hbars([b.name_en if lang == "en" else b.name_vi for b in BANDS],
                         {t("briefing.air.station_days", lang): list(per_band.values())}, [b.hex for b in BANDS],
                         per_bar=True)
    return Section("air", t("briefing.air.title", lang), s.link("/devices", kind="env"), figures, tables,
                   [Chart(t("briefing.air.chart", lang), chart)] if len(days) else [],
                   t("briefing.air.lead", lang, days=count(len(days), lang), worst=worst_text))
