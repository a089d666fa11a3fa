"""pandas helpers: PM2.5 time series to hourly (NowCast) and daily VN_AQI, and hourly means of every pollutant to
the full hourly index with its dominant pollutant (:func:`hourly_index_series`), Decision 1459/QĐ-TCMT.

Missing hours, whether absent from the index or NaN, are *not present*: they never count as zero.
"""

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._bands import BAND_KEYS, BANDS
from ._nowcast import lag_matrix, nowcast_array
from ._scale import round_half_up_array, sub_index_array

VN_TZ = "Asia/Ho_Chi_Minh"
_BAND_HI = np.array([b.hi for b in BANDS])


def _require_tz_aware(series: pd.Series) -> pd.DatetimeIndex:
    index = series.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise ValueError("expected a Series indexed by tz-aware timestamps")
    if not index.is_unique:
        raise ValueError("timestamps must be unique")
    return index


def _hourly_grid(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    grid = pd.date_range(index.min(), index.max(), freq="h", name=index.name)
    if not index.isin(grid).all():
        raise ValueError("timestamps must lie on one regular hourly grid")
    return grid


def _as_float(series: pd.Series) -> npt.NDArray[np.float64]:
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isfinite(values), values, np.nan)


def _aqi_columns(values: npt.NDArray[np.float64], sub_scale: str | None = "pm25") -> dict[str, object]:
    """aqi and band from concentrations of ``sub_scale`` (None: ``values`` are sub-indices already)."""
    aqi = round_half_up_array(values if sub_scale is None else sub_index_array(sub_scale, values))
    codes = np.where(np.isnan(aqi), -1, np.searchsorted(_BAND_HI, np.nan_to_num(aqi)))
    return {
        "aqi": pd.array(aqi, dtype="Int64"),
        "band": pd.Categorical.from_codes(codes, categories=list(BAND_KEYS), ordered=True),
    }


def hourly_aqi_series(pm25: pd.Series) -> pd.DataFrame:
    """Hourly PM2.5 means (µg/m³, tz-aware hourly index, gaps allowed) to the hourly index (AQIh) of each hour.

    The frame covers every hour from the first to the last input hour, so gaps show as rows. Columns: ``pm25``
    (the input, NaN where absent), ``nowcast`` (NaN where there is none), ``aqi`` (nullable Int64) and ``band``
    (ordered categorical of band keys).
    """
    if pm25.empty:
        return _hourly_frame(pd.DatetimeIndex([], tz=_require_tz_aware(pm25).tz), np.array([]))
    grid = _hourly_grid(_require_tz_aware(pm25))
    return _hourly_frame(grid, _as_float(pm25.reindex(grid)))


def _hourly_frame(grid: pd.DatetimeIndex, values: npt.NDArray[np.float64]) -> pd.DataFrame:
    nowcasts = nowcast_array(lag_matrix(values))
    return pd.DataFrame({"pm25": values, "nowcast": nowcasts, **_aqi_columns(nowcasts)}, index=grid)


def daily_aqi_series(pm25: pd.Series, tz: str = VN_TZ) -> pd.DataFrame:
    """Hourly PM2.5 means (µg/m³, tz-aware index) to the daily PM2.5 index of each local day in ``tz``.

    Index: local midnights. Columns: ``pm25_24h`` (mean of the hours present), ``hours`` (how many), ``aqi``
    (nullable Int64) and ``band``. The spec sets no completeness rule for the 24 h mean: filter on ``hours``.
    """
    _require_tz_aware(pm25)
    local = pd.Series(_as_float(pm25), index=pm25.index.tz_convert(tz))
    days = local.resample("D").agg(["mean", "count"])
    means = days["mean"].to_numpy(dtype=np.float64)
    columns = {"pm25_24h": means, "hours": days["count"].to_numpy(), **_aqi_columns(means)}
    return pd.DataFrame(columns, index=days.index.rename("day"))


# The scales of the hourly index, in the tie order of layers.vn_aqi.hourly_aqi (PM2.5 first).
HOURLY_SCALES = (("pm25", "pm25"), ("pm10", "pm10"), ("o3", "o3_1h"), ("co", "co"), ("so2", "so2"), ("no2", "no2"))


def hourly_index_series(means: pd.DataFrame) -> pd.DataFrame:
    """Hourly means of any of pm25, pm10, o3, co, so2, no2 (µg/m³, columns; tz-aware hourly index, gaps allowed) to
    the full hourly index (AQIh) of each hour: PM through the NowCast, the gases from the hour's mean, the largest
    sub-index rounded half up, published only where a PM sub-index exists.

    Columns: one sub-index per pollutant given (``sub_<pollutant>``, NaN where none), ``aqi`` (nullable Int64),
    ``dominant`` (the pollutant that set it, None where unpublished) and ``band``.
    """
    index = _require_tz_aware(pd.Series(0.0, index=means.index))
    grid = _hourly_grid(index) if len(index) else index
    subs: dict[str, npt.NDArray[np.float64]] = {}
    for column, scale in HOURLY_SCALES:
        if column not in means.columns:
            continue
        values = _as_float(means[column].reindex(grid))
        concentration = nowcast_array(lag_matrix(values)) if column in ("pm25", "pm10") else values
        subs[column] = sub_index_array(scale, concentration)
    out = pd.DataFrame({f"sub_{c}": s for c, s in subs.items()}, index=grid)
    stack = np.vstack(list(subs.values())) if subs else np.full((1, len(grid)), np.nan)
    has_pm = np.zeros(len(grid), dtype=bool)
    for pm in ("pm25", "pm10"):
        if pm in subs:
            has_pm |= np.isfinite(subs[pm])
    best = np.where(np.isfinite(stack), stack, -1.0)
    top = best.max(axis=0)
    labels: list[str | None] = list(subs) or [None]
    names = np.array(labels, dtype=object)
    dominant = np.where(has_pm, names[best.argmax(axis=0)], None)
    columns = _aqi_columns(np.where(has_pm, top, np.nan), sub_scale=None)
    out["aqi"], out["band"] = columns["aqi"], columns["band"]
    out["dominant"] = pd.Series(dominant, index=grid, dtype=object)
    return out
