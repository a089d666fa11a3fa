"""Issue 20 on screen: a flooded street (a camera's flooding event and two residents' reports) is one suggested
incident on the wall (its tile and an outline on the map above the devices) and on /incidents, where an operator
confirms it, works its playbook step by step (checklists ticked), answers the reporters from the incident, and
finishing the last step resolves it. Screenshots at 1920×1080: docs/screenshots/wall-incident.png,
incidents-list.png, incidents.png, incidents-en.png."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from pipelines.incidents import suggest
from tests.dashboards import access, seed
from tests.dashboards.test_browser import TILE, errors, legend, shot, text, wall_size
from tests.incidents.support import offset, report
from tests.support import count, wait_until

pytestmark = pytest.mark.browser

ROW = '[id*="\\"type\\":\\"incidents-row\\""]'
STEP_DONE = '[id*="\\"type\\":\\"incidents-step\\""][id*="\\"done\\":1"]'


def check_box(pos: int) -> str:
    return f'[id*="\\"type\\":\\"incidents-check\\""][id*="\\"pos\\":{pos}"] input'


@pytest.fixture
def flooded(db: psycopg.Connection) -> int:
    """Four Nha Trang wards with devices; a camera sees flooding, two residents report it, a second camera sees an
    accident elsewhere; the suggester runs once."""
    seed.load_wards(db)
    seed.add_devices(db, 3)
    seed.heartbeat(db, age_s=2)
    now = datetime.now(UTC).replace(microsecond=0)
    lon, lat = db.execute("SELECT ST_X(location), ST_Y(location) FROM devices WHERE device_id = 'camera-22333-0001'"
                          ).fetchone() or (0.0, 0.0)
    db.execute("""INSERT INTO camera_events (ts, device_id, seq, received_at, type, confidence, note) VALUES
                  (%s, 'camera-22333-0001', 1, %s, 'flooding', 0.88, 'nước ngập nửa bánh xe'),
                  (%s, 'camera-22366-0001', 2, %s, 'accident', 0.93, NULL)""",
               [now - timedelta(minutes=25), now - timedelta(minutes=25), now - timedelta(minutes=8),
                now - timedelta(minutes=8)])
    report(db, "flooding", now - timedelta(minutes=20), *offset(lon, lat, north_m=90), "Nước ngập ngang gối")
    report(db, "flooding", now - timedelta(minutes=12), *offset(lon, lat, east_m=-140), "Đường ngập, xe chết máy")
    suggest.cycle(db, now)
    found = db.execute("SELECT id FROM incidents WHERE type = 'flooding'").fetchone()
    assert found is not None and count_rows(db) == 2
    return int(found[0])


def settle(dash_duo: Any) -> None:
    """The evidence map drawn (MapLibre's canvas, then a moment for its first frame) before a screenshot."""
    wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#incidents-map .maplibregl-canvas"), 20,
               what="the evidence map's canvas")
    time.sleep(1.5)


def count_rows(db: psycopg.Connection) -> int:
    row = db.execute("SELECT count(*) FROM incidents").fetchone()
    return int(row[0]) if row else 0


def test_a_flood_on_the_wall_then_confirmed_worked_through_its_playbook_and_resolved(
        dash_duo: Any, db: psycopg.Connection, db_url: str, settings: Settings, pool: ConnectionPool,
        flooded: int) -> None:
    otp = users.add(db, "lan", "operator", actor="test")
    users.change_password(db, users.get(db, "lan").id, otp, access.PASSWORD)
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")

    dash_duo.driver.get(f"{base}/wall?kiosk={access.kiosk_token(db)}")
    dash_duo.wait_for_text_to_equal(f"{TILE.format('incidents')} .ioc-tile-value", "2", timeout=20)
    assert "Ngập úng" in text(dash_duo, f"{TILE.format('incidents')} .ioc-tile-detail") or \
        "Tai nạn giao thông" in text(dash_duo, f"{TILE.format('incidents')} .ioc-tile-detail")
    assert "2 đề xuất chờ xác nhận" in text(dash_duo, f"{TILE.format('incidents')} .ioc-tile-caption")
    wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas"), 20,
               what="the map")
    wait_until(lambda: "Sự cố (2)" in legend(dash_duo, "#wall-map"), 20, what="the incidents on the map")
    assert text(dash_duo, f"{TILE.format('devices')} .ioc-tile-value") == "36 / 36"   # the other tiles still there
    shot(dash_duo, "wall-incident")

    access.sign_in(dash_duo.driver, base, "lan")
    dash_duo.driver.get(f"{base}/incidents")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ROW)) == 2, 20, what="two rows")
    dash_duo.find_element(f'[id*="\\"id\\":{flooded},"][id*="incidents-row"] td').click()
    dash_duo.wait_for_contains_text("#incidents-detail-head", "Ngập úng", timeout=20)
    assert "Bằng chứng (3)" in text(dash_duo, "#incidents-evidence")
    wait_until(lambda: "Phản ánh (2)" in legend(dash_duo, "#incidents-map"), 20, what="the evidence map")
    assert "Ngập nước · Camera 1 · 88%" in text(dash_duo, "#incidents-evidence")
    settle(dash_duo)
    shot(dash_duo, "incidents-list")

    dash_duo.driver.get(f"{base}/incidents/{flooded}")
    dash_duo.wait_for_contains_text("#incidents-detail-head", "Đề xuất", timeout=20)
    dash_duo.find_element('[id*="\\"action\\":\\"confirm\\""]').click()
    dash_duo.wait_for_contains_text("#incidents-feedback", "xong", timeout=20)
    dash_duo.wait_for_contains_text("#incidents-playbook", "Xác minh hiện trường", timeout=20)
    for pos in (1, 2, 3, 4):
        dash_duo.wait_for_contains_text("#incidents-detail-head", "Đang xử lý", timeout=20)
        wait_until(lambda p=pos: dash_duo.driver.find_elements(By.CSS_SELECTOR, f'{STEP_DONE}[id*="\\"pos\\":{p}"]'),
                   20, what=f"step {pos}'s button")
        if pos == 3:   # the drains are clear: tell the two reporters, from the incident
            dash_duo.find_element("#incidents-response").send_keys("Đã khơi thông cống, nước đã rút. Cảm ơn bạn.")
            dash_duo.find_element("#incidents-answer").click()
            dash_duo.wait_for_contains_text("#incidents-feedback", "Đã trả lời 2 phản ánh", timeout=20)
            dash_duo.wait_for_contains_text("#incidents-timeline", "Trả lời người dân", timeout=20)
        for box in dash_duo.driver.find_elements(By.CSS_SELECTOR, check_box(pos)):
            dash_duo.driver.execute_script("arguments[0].click();", box)
        if pos == 3:
            settle(dash_duo)
            shot(dash_duo, "incidents")
        dash_duo.find_element(f'{STEP_DONE}[id*="\\"pos\\":{pos}"]').click()
        wait_until(lambda p=pos: count(db_url, "SELECT count(*) FROM incident_steps WHERE incident_id = %s AND "
                                               "position = %s AND done_at IS NOT NULL", [flooded, p]) == 1,
                   20, what=f"step {pos} done")
    dash_duo.wait_for_contains_text("#incidents-detail-head", "Đã giải quyết", timeout=20)
    assert count(db_url, "SELECT count(*) FROM incidents WHERE id = %s AND status = 'resolved'", [flooded]) == 1
    assert count(db_url, "SELECT count(*) FROM reports WHERE status = 'resolved' AND public_response LIKE 'Đã khơi%%'"
                 ) == 2
    dash_duo.driver.get(f"{base}/incidents/{flooded}?lang=en")      # English too: the same incident, resolved
    dash_duo.wait_for_contains_text("#incidents-detail-head", "Flooding", timeout=20)
    assert "Resolved" in text(dash_duo, "#incidents-detail-head")
    assert "Step finished" in text(dash_duo, "#incidents-timeline")
    assert "Flooding · Camera 1 · 88%" in text(dash_duo, "#incidents-evidence")
    settle(dash_duo)
    shot(dash_duo, "incidents-en")
    ticked = count(db_url, """SELECT count(*) FROM incident_steps, jsonb_array_elements(checklist) c
                              WHERE incident_id = %s AND (c ->> 'done')::boolean""", [flooded])
    assert ticked == 7    # every checklist item of the four steps
    assert not (found := errors(dash_duo)), found
