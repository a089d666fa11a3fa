"""/footage in headless Chromium at 1920×1080, on the demo register: a footage officer sees the counts chart, the
outcomes, the wards and the register with its overdue destructions; a viewer sees the counts and no names.
Screenshots: docs/screenshots/footage.png (officer) and footage-viewer.png."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from pipelines.footage.demo import seed
from tests.dashboards import access
from tests.dashboards.test_browser import errors, shot, text, wall_size

pytestmark = pytest.mark.browser


def _user(db: psycopg.Connection, name: str, role: str) -> str:
    otp = users.add(db, name, role, actor="test")
    users.change_password(db, users.get(db, name).id, otp, access.PASSWORD)
    return name


def _wards(db: psycopg.Connection) -> None:
    for code, name in (("25210", "Phường Đồng Xoài"), ("25195", "Phường Bình Phước")):
        db.execute("INSERT INTO wards (code, name, province, geom, valid_from) VALUES (%s, %s, 'Đồng Nai', "
                   "ST_Multi(ST_MakeEnvelope(106.8, 11.4, 106.9, 11.6, 4326)), '2025-07-01')", [code, name])


def test_footage_page_for_an_officer_and_a_viewer(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                  pool: ConnectionPool) -> None:
    _wards(db)
    rows = seed(db)
    assert rows > 500
    officer, viewer = _user(db, "trichxuat.an", "footage_officer"), _user(db, "xem", "viewer")
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")

    access.sign_in(dash_duo.driver, base, officer)
    dash_duo.driver.get(base + "/footage")
    dash_duo.wait_for_text_to_equal("#footage-total", "165 lượt trích xuất", timeout=20)
    dash_duo.wait_for_element("#footage-months .main-svg", timeout=20)
    dash_duo.wait_for_element(".footage-register tbody tr", timeout=20)
    assert "Phường Đồng Xoài" in text(dash_duo, ".footage-wards")
    assert "quá hạn hủy" in text(dash_duo, ".footage-overdue")
    shot(dash_duo, "footage")
    assert errors(dash_duo) == []
    # the officer's forms: a request without its fields is refused with the reason, and nothing is written
    dash_duo.driver.execute_script("document.querySelector('.footage-forms').scrollIntoView({block: 'center'})")
    dash_duo.find_element("#footage-f-requester").send_keys("Trần Văn Hùng")
    dash_duo.find_element("#footage-f-submit").click()
    dash_duo.wait_for_contains_text("#footage-f-feedback", "from (local date and time) is required", timeout=20)
    assert db.execute("SELECT count(*) FROM footage_register").fetchone() == (rows,)
    shot(dash_duo, "footage-forms")

    dash_duo.driver.delete_all_cookies()
    access.sign_in(dash_duo.driver, base, viewer)
    dash_duo.driver.get(base + "/footage")
    dash_duo.wait_for_element(".footage-counts-only", timeout=20)
    dash_duo.wait_for_element("#footage-months .main-svg", timeout=20)
    assert not dash_duo.driver.find_elements("css selector", ".footage-register")
    assert not dash_duo.find_element(".footage-forms").is_displayed()
    shot(dash_duo, "footage-viewer")
    assert errors(dash_duo) == []
