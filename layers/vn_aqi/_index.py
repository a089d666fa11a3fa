"""Hourly (AQIh) and daily (AQId) index of Decision 1459/QĐ-TCMT from per-pollutant inputs."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ._bands import Band, band
from ._nowcast import nowcast
from ._scale import round_half_up, sub_index

_PM = ("pm25", "pm10")


@dataclass(frozen=True, slots=True)
class AqiResult:
    """A published index: the rounded value, the pollutant scale that set it, every sub-index used, its band."""

    value: int
    dominant: str
    sub_indices: Mapping[str, float]
    band: Band


def _result(inputs: Mapping[str, float | None]) -> AqiResult | None:
    """Largest sub-index, rounded half up; published only when a PM2.5 or PM10 sub-index exists.

    Ties go to the first scale in ``inputs`` order (PM2.5 first).
    """
    subs = {scale: s for scale, c in inputs.items() if c is not None and (s := sub_index(scale, c)) is not None}
    if not any(pm in subs for pm in _PM):
        return None
    dominant = max(subs, key=subs.__getitem__)
    value = round_half_up(subs[dominant])
    return AqiResult(value, dominant, MappingProxyType(subs), band(value))


def hourly_aqi(
    *,
    pm25_last12: Sequence[float | None] | None = None,
    pm10_last12: Sequence[float | None] | None = None,
    o3: float | None = None,
    co: float | None = None,
    so2: float | None = None,
    no2: float | None = None,
) -> AqiResult | None:
    """AQIh: PM2.5/PM10 through the NowCast of their last 12 hourly means (latest first); O3 (1 h scale), CO, SO2
    and NO2 from the current 1-hour mean. All µg/m³ (CO too: see :func:`mg_to_ug`).
    """
    return _result(
        {
            "pm25": nowcast(pm25_last12) if pm25_last12 is not None else None,
            "pm10": nowcast(pm10_last12) if pm10_last12 is not None else None,
            "o3_1h": o3,
            "co": co,
            "so2": so2,
            "no2": no2,
        }
    )


def daily_aqi(
    *,
    pm25_24h: float | None = None,
    pm10_24h: float | None = None,
    o3_1h_max: float | None = None,
    o3_8h_max: float | None = None,
    co_1h_max: float | None = None,
    so2_1h_max: float | None = None,
    no2_1h_max: float | None = None,
) -> AqiResult | None:
    """AQId of a local day: PM from the 24-hour mean; O3 the larger of the day's highest 1-hour mean on the 1 h
    scale and its highest 8-hour mean on the 8 h scale (not used above 400 µg/m³); CO, SO2, NO2 the day's highest
    1-hour mean. All µg/m³.

    Like AQIh, it is published only when a PM sub-index exists: the decision requires PM2.5 or PM10 for any VN_AQI
    (the project spec states it for the hourly index only).
    """
    return _result(
        {
            "pm25": pm25_24h,
            "pm10": pm10_24h,
            "o3_1h": o3_1h_max,
            "o3_8h": o3_8h_max,
            "co": co_1h_max,
            "so2": so2_1h_max,
            "no2": no2_1h_max,
        }
    )


GASES = ("o3", "co", "so2", "no2")


def hourly_aqi_from_lags(lags: Mapping[str, Sequence[float | None]], gas_hours: int = 1) -> AqiResult | None:
    """AQIh from each pollutant's hourly means [c1 … c12] (c1 the hour indexed, µg/m³), as :func:`hourly_aqi`: PM
    through its NowCast, each gas (o3, co, so2, no2) from c1. ``gas_hours=2`` takes c2 when c1 is absent: an index
    "now", early in an hour whose gas mean has not arrived yet, uses the last complete hour rather than dropping
    the gas."""
    gases = {g: next((v for v in lags.get(g, ())[:gas_hours] if v is not None), None) for g in GASES}
    return hourly_aqi(pm25_last12=lags.get("pm25"), pm10_last12=lags.get("pm10"), **gases)
