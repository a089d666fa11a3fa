"""The demo's wall at 1920×1080 as `ioc demo` leaves it when it prints its URL: the real fleets with hours of history
rolled up (a complete AQI tile), live minutes from clocks that run ahead, and the living field reports (handled,
a few overdue). Nothing in the feed is dated after the wall's clock. Screenshot for the README."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from tests.dashboards import access, demo_city
from tests.dashboards.test_browser import TILE, shot, text, wall_size
from tests.support import wait_until

pytestmark = pytest.mark.browser
# features MapLibre has drawn on the wall's map (plotly names a trace's layers …-circle, …-fill, …-line)
DRAWN = """const gd = document.querySelector('#wall-map .js-plotly-plot');
const map = gd && gd._fullLayout.map && gd._fullLayout.map._subplot.map;
if (!map || !map.isStyleLoaded()) return -1;
const ids = map.getStyle().layers.map(l => l.id).filter(i => /circle/.test(i));
return map.queryRenderedFeatures({layers: ids}).length;"""


def _clock_and_feed(dash_duo: Any) -> tuple[str, list[str]]:
    """The wall's clock and the feed's times, read in one script call (the wall redraws between Selenium calls)."""
    found = dash_duo.driver.execute_script(
        "return [document.querySelector('#wall-clock-time').innerText,"
        " Array.from(document.querySelectorAll('.ioc-feed-time'), e => e.innerText)];")
    return str(found[0]), [str(t) for t in found[1]]


def test_the_demo_wall_shows_a_living_city(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                           pool: ConnectionPool) -> None:
    demo_city.build(db, datetime.now(UTC))
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")
    dash_duo.driver.get(f"{base}/wall?rotate=0&kiosk={access.kiosk_token(db)}")
    aqi = TILE.format("aqi")
    wait_until(lambda: re.search(r"\d", text(dash_duo, f"{aqi} .ioc-tile-value") or ""), timeout=40,
               what="an AQI value")
    reports = text(dash_duo, f"{TILE.format('reports')} .ioc-tile-value")
    opened, overdue = (int(n) for n in re.findall(r"\d+", reports)[:2])
    assert 0 < overdue < opened / 3, reports                   # a few overdue, not all of them
    wait_until(lambda: len(_clock_and_feed(dash_duo)[1]) >= 4, timeout=30, what="the event feed")
    clock, times = _clock_and_feed(dash_duo)
    assert max(times) <= clock[:8] or clock.startswith("00"), (clock, times)   # HH:MM:SS, none after the clock
    wait_until(lambda: int(dash_duo.driver.execute_script(DRAWN) or 0) > 500, timeout=40, what="devices on the map")
    assert "ioc-banner-on" not in str(dash_duo.find_element("#wall-banner").get_attribute("class"))
    shot(dash_duo, "wall-demo")
