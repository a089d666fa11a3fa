"""The demo's /reports at 1920×1080 as a visitor sees it: the real wards and fleets of `ioc demo`, sixty days of
living reports, and a map that draws them (the map once showed only its legend). Screenshot for the docs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from pipelines.reports import demo_db
from smartward.demo import _load_geography_and_fleets
from tests.reports.helpers import TZ
from tests.support import wait_until

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# features MapLibre has drawn from the report traces' layers (plotly names them after the trace: …-circle, …-cluster)
DRAWN = """const gd = document.querySelector('#reports-map .js-plotly-plot');
const map = gd && gd._fullLayout.map && gd._fullLayout.map._subplot.map;
if (!map || !map.isStyleLoaded()) return -1;
const ids = map.getStyle().layers.map(l => l.id).filter(i => /circle|cluster/.test(i));
return map.queryRenderedFeatures({layers: ids}).length;"""


def _sign_in(dash_duo: Any, db: psycopg.Connection, path: str) -> None:
    from tests.security.helpers import PASSWORD, make_user

    make_user(db, "lan.operator", "operator")
    driver, base = dash_duo.driver, dash_duo.server.url
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys("lan.operator")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_until(lambda: "/login" not in driver.current_url, timeout=15, what="the sign-in")
    driver.get(base + path)
    dash_duo.wait_for_element("#react-entry-point", timeout=20)


def test_the_demo_reports_page_draws_its_map(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                             pool: ConnectionPool) -> None:
    db.autocommit = True
    _load_geography_and_fleets(db)
    now = datetime.now(UTC)
    demo_db.advance(db, now - timedelta(days=60), now, seed=2026, tz=TZ)
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    _sign_in(dash_duo, db, "/reports")
    dash_duo.wait_for_contains_text("#reports-total", "phản ánh", timeout=30)
    wait_until(lambda: int(dash_duo.driver.execute_script(DRAWN) or 0) > 0, timeout=30, what="reports on the map")
    on_time = dash_duo.find_element(".ioc-tile-reports-on-time").text     # handled this month, mostly in time
    median = dash_duo.find_element(".ioc-tile-reports-median .ioc-tile-value").text
    assert "%" in on_time and "—" not in median, (on_time, median)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "reports-demo.png"))
