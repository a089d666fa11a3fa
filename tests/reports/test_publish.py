"""The publication rule, pure: the snapped point, the dropped address, the redacted public description."""

from __future__ import annotations

import math

import pytest

from pipelines.reports.publish import CELL_M, coarse, published
from tests.reports.helpers import offset


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * 111_320.0 * math.cos(math.radians(b[1]))
    return math.hypot(dx, (a[1] - b[1]) * 110_574.0)


@pytest.mark.parametrize(("lon", "lat"), [(109.19051, 12.232274), (105.8342, 21.0278), (106.7009, 10.7769),
                                          (103.9607, 22.3364), (104.9, 8.6)])
def test_a_snapped_point_is_within_half_a_cell_diagonal(lon: float, lat: float) -> None:
    worst = 0.0
    for i in range(21):
        for j in range(21):
            p = offset(lon, lat, east_m=5.0 * i, north_m=5.0 * j)
            worst = max(worst, _metres(coarse(*p), p))
    assert 20.0 < worst <= CELL_M / math.sqrt(2) + 0.5


def test_the_grid_is_shared_by_a_cell() -> None:
    centre = coarse(109.19051, 12.232274)
    assert coarse(*centre) == centre
    near = {coarse(*offset(*centre, east_m=e, north_m=n)) for e in (-20, -5, 0, 5, 20) for n in (-20, 0, 20)}
    assert near == {centre}
    assert coarse(*offset(*centre, east_m=30)) != centre        # the next cell east


def test_published_rows() -> None:
    row = {"id": 1, "lon": 109.19051, "lat": 12.232274, "address": "12 Trần Phú",
           "description": "gọi 0912345678", "public_response": "Liên hệ phường: 0258 3822 123"}
    out = published(row)
    assert "address" not in out and (out["lon"], out["lat"]) == coarse(109.19051, 12.232274)
    assert out["description"] == "gọi [số điện thoại đã ẩn]"
    assert out["public_response"] == row["public_response"]
    assert published({"id": 2, "lon": None, "lat": None, "description": None}) == {"id": 2, "lon": None,
                                                                                   "lat": None, "description": None}
