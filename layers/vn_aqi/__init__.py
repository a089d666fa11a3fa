"""VN_AQI, Vietnam's air quality index (Decision 1459/QĐ-TCMT, 12 Nov 2019): pure functions, no I/O.

Not the US-EPA AQI: other breakpoints, and the segments touch end to end. See ``docs/vn-aqi.md``.
All concentrations are µg/m³, CO included (:func:`mg_to_ug` converts station mg/m³).
"""

from ._bands import BAND_KEYS, BANDS, Band, band
from ._index import GASES, AqiResult, daily_aqi, hourly_aqi, hourly_aqi_from_lags
from ._nowcast import nowcast
from ._scale import BREAKPOINTS, POLLUTANTS, mg_to_ug, round_half_up, sub_index
from ._series import HOURLY_SCALES, VN_TZ, daily_aqi_series, hourly_aqi_series, hourly_index_series

__all__ = [
    "BANDS",
    "BAND_KEYS",
    "BREAKPOINTS",
    "GASES",
    "HOURLY_SCALES",
    "POLLUTANTS",
    "VN_TZ",
    "AqiResult",
    "Band",
    "band",
    "daily_aqi",
    "daily_aqi_series",
    "hourly_aqi",
    "hourly_aqi_from_lags",
    "hourly_aqi_series",
    "hourly_index_series",
    "mg_to_ug",
    "nowcast",
    "round_half_up",
    "sub_index",
]
