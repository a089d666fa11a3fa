"""Street lighting in headless Chromium at 1920×1080: /lighting, the wall's lighting tile and lamps on its map, and
the ward page's lighting section, on lamps seeded from the simulator's own model; screenshots for docs/lighting.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from ioc.config import Settings
from tests.dashboards import seed
from tests.dashboards.test_browser import TILE, _start, errors, legend, shot, text
from tests.support import wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def lit(db: psycopg.Connection, seeded: list[seed.Device]) -> list[seed.Device]:
    lamps = seed.add_lighting(db, days=4)
    # a lamp that failed two hours ago and one burning by day now: the problems the pages must show
    since = datetime.now(UTC) - timedelta(hours=2)
    db.execute("UPDATE light_telemetry SET power_state = 'off', illuminance_level = 0, active_power = 0, "
               "lamp_failure = true, status = 'defectiveLamp' WHERE device_id = 'lamp-22333-001' AND ts > %s", [since])
    db.execute("UPDATE light_telemetry SET power_state = 'on', illuminance_level = 1, active_power = 120, "
               "lamp_unexpected_on = commanded_power_state = 'off' WHERE device_id = 'lamp-22366-002' AND ts > %s",
               [since])
    return lamps


def test_lighting_page(dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool,
                       lit: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/lighting")
    dash_duo.wait_for_contains_text("#lighting-cards", "%", timeout=20)
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#lighting-page .main-svg .trace")) >= 4,
               timeout=20, what="the two charts")
    assert "lamp-22333-001" in text(dash_duo, "#lighting-lamps")
    assert "Hỏng bóng" in text(dash_duo, "#lighting-lamps")
    assert "kWh" in text(dash_duo, "#lighting-cards")
    assert not errors(dash_duo)
    shot(dash_duo, "lighting")


def test_wall_has_the_lighting_tile_and_lamps_on_the_map(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                         pool: ConnectionPool, lit: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/wall")
    dash_duo.wait_for_contains_text(f"{TILE.format('lighting')} .ioc-tile-value", "%", timeout=20)
    wait_until(lambda: "Đèn hỏng (1)" in legend(dash_duo, "#wall-map"), timeout=25, what="the failed lamp on the map")
    assert "Tắt khi phải sáng" in text(dash_duo, f"{TILE.format('lighting')} .ioc-tile-detail")
    assert not errors(dash_duo)
    shot(dash_duo, "wall-lighting")


def test_ward_page_lighting_section(dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool,
                                   lit: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/ward/22333")
    dash_duo.wait_for_contains_text("#ward-lighting", "kWh", timeout=25)
    dash_duo.driver.execute_script("document.getElementById('ward-lighting').scrollIntoView()")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-lighting .main-svg .trace")) >= 4,
               timeout=20, what="the ward's lighting charts")
    assert not errors(dash_duo)
    shot(dash_duo, "ward-lighting")
