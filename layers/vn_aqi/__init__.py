"""VN_AQI, Vietnam's air quality index (Decision 1459/QĐ-TCMT, 12 Nov 2019): pure functions, no I/O.

Not the US-EPA AQI: other breakpoints, and the segments touch end to end. See ``docs/vn-aqi.md``.
All concentrations are µg/m³, CO included (:func:`mg_to_ug` converts station mg/m³).
"""

from ._bands import BAND_KEYS, BANDS, Band, band
from ._index import AqiResult, daily_aqi, hourly_aqi
from ._nowcast import nowcast
from ._scale import BREAKPOINTS, POLLUTANTS, mg_to_ug, round_half_up, sub_index
from ._series import VN_TZ, daily_aqi_series, hourly_aqi_series

__all__ = [
    "BANDS",
    "BAND_KEYS",
    "BREAKPOINTS",
    "POLLUTANTS",
    "VN_TZ",
    "AqiResult",
    "Band",
    "band",
    "daily_aqi",
    "daily_aqi_series",
    "hourly_aqi",
    "hourly_aqi_series",
    "mg_to_ug",
    "nowcast",
    "round_half_up",
    "sub_index",
]
