"""Where the /reports map looks first: one city, the one with the most open reports, when they are in two."""

from __future__ import annotations

import pandas as pd

from dashboards.queries.wards import Area
from dashboards.views.report_focus import focus_codes

AREAS = [Area("Tỉnh Đồng Nai", ("25195", "25210")), Area("Tỉnh Khánh Hòa", ("22333", "22366"))]


def test_two_cities_frame_the_busier_one() -> None:
    assert focus_codes(pd.Series(["22333", "22366", "25195"]), AREAS) == ["22333", "22366"]
    assert focus_codes(pd.Series(["22333", "25195"]), AREAS) == ["25195", "25210"]    # a tie: the first city


def test_one_city_or_unknown_wards_fit_everything() -> None:
    assert focus_codes(pd.Series(["22333", "22366"]), AREAS) is None
    assert focus_codes(pd.Series(["99999", None]), AREAS) is None
    assert focus_codes(pd.Series([], dtype=object), []) is None
