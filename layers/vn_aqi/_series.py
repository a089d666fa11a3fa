"""pandas helpers: PM2.5 time series to hourly (NowCast) and daily VN_AQI, Decision 1459/QĐ-TCMT.

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


def _aqi_columns(pm25: npt.NDArray[np.float64]) -> dict[str, object]:
    aqi = round_half_up_array(sub_index_array("pm25", pm25))
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
