"""The ward page's environment section and the wall's environment tile on a seeded database: the index by pollutant
names the dominant one, noise is drawn against QCVN 26's limit of each hour, Ld/Ln per station, a gauge against its
warning levels with the rain; the tile colours by the worst state and greys when old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool

from dashboards.queries import environment
from dashboards.theme import theme_for
from dashboards.views import wall_environment
from dashboards.views import ward_environment as view
from layers.environment import load_noise_limits
from tests.dashboards import seed

WARD = "22333"


def test_the_section_draws_pollutants_noise_and_water(pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    data = view.load(pool, WARD, now, view.ZoneInfo("Asia/Ho_Chi_Minh"))
    graphs, table = view.figures(data, theme_for("light", "light"), "vi")
    pollutants, noise, *water = graphs
    assert "chi phối:" in pollutants["layout"]["title"]["text"]
    names = [trace["name"] for trace in pollutants["data"]]
    assert {"PM2.5", "PM10", "NO₂", "O₃", "CO", "SO₂", "VN_AQI"} <= set(names)
    # noise: the special area's limit steps 55 → 45 at 21h and back at 6h, the normal one 70 → 55
    limit_traces = [tr for tr in noise["data"] if tr["line"].get("shape") == "hv"]
    assert sorted({v for tr in limit_traces for v in tr["y"]}) == [45, 55, 70]
    hours = pd.to_datetime(limit_traces[0]["x"])
    night = [y for h, y in zip(hours, limit_traces[0]["y"], strict=True) if h.hour >= 21 or h.hour < 6]
    assert night and set(night) == {min(limit_traces[0]["y"])}
    # one gauge in the ward: levels I/II/III as lines, rain on the second axis, the storm's rise above II
    assert len(water) == 1
    fig = water[0]
    assert [s["y0"] for s in fig["layout"]["shapes"]] == [40, 60, 80]
    level = next(tr for tr in fig["data"] if tr["type"] == "scatter")
    rain = next(tr for tr in fig["data"] if tr["type"] == "bar")
    assert max(level["y"]) > 60 and rain["yaxis"] == "y2" and max(rain["y"]) > 0
    assert "Báo động II" in str(fig["layout"]["annotations"])
    rows = view.noise_rows(data, load_noise_limits(), "vi")
    assert len(rows) == 3 and {r["area"] for r in rows} == {"Khu vực đặc biệt", "Khu vực thông thường"}
    special = next(r for r in rows if r["area"] == "Khu vực đặc biệt")
    assert (special["ld_limit"], special["ln_limit"]) == (55, 45) and special["ld"] > special["ln"]
    assert "⚠" in str(table)   # the special station's day level is over 55


def test_the_wall_tile_shows_the_worst_state(db: psycopg.Connection, pool: ConnectionPool,
                                             seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    stations = environment.stations(pool, now, [WARD])
    assert stations["laeq"].notna().sum() == 3 and stations["water_levels"].notna().sum() == 1
    made = wall_environment.tile(stations, now, load_noise_limits(), "vi")
    assert not made.stale and "dB" in made.value and "Giới hạn" in str(made.detail) and "Nước" in str(made.detail)
    # the drain over level III: red, and the line says so
    db.execute("UPDATE rollup_1m SET sum = 95 * n, min = 95, max = 95 WHERE metric = 'water_level'")
    flooded = wall_environment.tile(environment.stations(pool, now, [WARD]), now, load_noise_limits(), "vi")
    assert flooded.color == wall_environment.STATE_HEX[3] and "Báo động III" in str(flooded.detail)
    # an hour later with nothing new: grey, with its age
    later = wall_environment.tile(stations, now + timedelta(hours=1), load_noise_limits(), "vi")
    assert later.stale and "trước" in later.caption
    empty = wall_environment.tile(stations.iloc[0:0], now, load_noise_limits(), "vi")
    assert empty.unavailable
