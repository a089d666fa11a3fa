"""Issue 17 on screen, end to end and all real: a PM2.5 reading published over MQTT, stored by the ingester and
judged by ``pipelines.alarms.runner.cycle`` is a critical alarm on the wall (a red, pulsing tile) and on /alarms;
an operator acknowledges it there, a clean reading clears it, and both screens follow. Screenshots at 1920×1080:
docs/screenshots/wall-alarm.png and alarms.png."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from pipelines.alarms import runner
from pipelines.alarms.notify import routes
from pipelines.alarms.notify.dispatcher import Dispatcher
from pipelines.alarms.notify.smtp import EmailChannel
from sensors.contract import EnvTelemetry, encode
from tests.alarms.receivers import smtp_server
from tests.alarms.support import PM25_HIGH, VN, install, rule
from tests.dashboards import access, seed
from tests.dashboards.test_browser import TILE, errors, legend, shot, text, wall_size
from tests.pipelines.ingest_support import options, running
from tests.support import count, publish_all, wait_until

pytestmark = pytest.mark.browser

DEVICE = "env-22333-0001"
CRITICAL = rule(PM25_HIGH, id="pm25-hazardous", severity="critical", owner="environment",
                name={"vi": "Bụi mịn nguy hại", "en": "Hazardous PM2.5"}, scope={"devices": [DEVICE]},
                **{"raise": {"op": ">=", "value": 250}, "clear": {"op": "<", "value": 50}})
ROW = '[id*="\\"type\\":\\"alarms-row\\""]'
DESK = "truc-ban@phuong.example.vn"
ROUTES = f"""version: 1
group_wait: 0s
routes:
  - {{name: duty-desk, notify: [{{channel: email, to: {DESK}}}]}}
"""


def operator(db: psycopg.Connection, name: str = "lan") -> str:
    otp = users.add(db, name, "operator", actor="test")
    users.change_password(db, users.get(db, name).id, otp, access.PASSWORD)
    return name


def reading(mqtt_url: str, seq: int, pm25: float) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    publish_all(mqtt_url, [encode(EnvTelemetry(now, DEVICE, seq, pm25, None, None, None, None, None, None, None,
                                               None, None, None))])


def evaluate_until(db_url: str, query: str, what: str) -> None:
    """Run the evaluator's cycle (as ``ioc alarms run`` does every 2 s) until ``query`` counts one row."""
    def judged() -> bool:
        with psycopg.connect(db_url, autocommit=True) as conn:
            runner.cycle(conn, VN, 120)
        return count(db_url, query) == 1
    wait_until(judged, 20, interval=0.5, what=what)


def tile_class(dash_duo: Any) -> str:
    return str(dash_duo.find_element(TILE.format("alarms")).get_attribute("class"))


def test_a_published_reading_is_an_alarm_on_the_wall_and_on_alarms_acknowledged_and_cleared(
        dash_duo: Any, db: psycopg.Connection, db_url: str, mqtt_url: str, settings: Settings,
        pool: ConnectionPool, seeded: list[seed.Device], tmp_path: Path) -> None:
    install(db, CRITICAL)
    name = operator(db)
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")
    wall = f"{base}/wall?kiosk={access.kiosk_token(db)}"
    with running(options(db_url, mqtt_url, tmp_path)) as ing:
        with psycopg.connect(db_url, autocommit=True) as conn:
            runner.cycle(conn, VN, 120)
        assert count(db_url, "SELECT count(*) FROM alarms") == 0      # nothing before the reading
        reading(mqtt_url, 1, 312.0)
        wait_until(lambda: ing.counters.stored >= 1, 15, what="the reading stored")
        evaluate_until(db_url, "SELECT count(*) FROM alarms WHERE state = 'open' AND value = 312", "the alarm")
        with smtp_server() as (port, mails), psycopg.connect(db_url, autocommit=True) as conn:
            # the real notifier e-mails the duty desk (a real local SMTP server); /alarms shows the delivery
            Dispatcher(routes.parse(ROUTES), {"email": EmailChannel("127.0.0.1", port, "ioc@localhost",
                                                                     starttls=False)}, VN).cycle(conn)
            assert [m["To"] for m in mails] == [DESK]

        dash_duo.driver.get(wall)
        dash_duo.wait_for_text_to_equal(f"{TILE.format('alarms')} .ioc-tile-value", "1", timeout=20)
        assert "Bụi mịn nguy hại · Env 1" in text(dash_duo, f"{TILE.format('alarms')} .ioc-tile-detail")
        assert "1 chưa xác nhận" in text(dash_duo, f"{TILE.format('alarms')} .ioc-tile-caption")
        assert {"ioc-alarm-critical", "ioc-alarm-pulse"} <= set(tile_class(dash_duo).split())
        wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas"), 20,
                   what="the map")
        wait_until(lambda: "⚠ Nghiêm trọng (1)" in legend(dash_duo, "#wall-map"), 20, what="the alarm on the map")
        assert text(dash_duo, f"{TILE.format('devices')} .ioc-tile-value") == "36 / 36"   # the other tiles still there
        shot(dash_duo, "wall-alarm")

        access.sign_in(dash_duo.driver, base, name)
        dash_duo.driver.get(f"{base}/alarms")
        wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ROW), 20, what="the alarm's row")
        assert "Bụi mịn nguy hại" in text(dash_duo, "#alarms-table") and "Mới" in text(dash_duo, "#alarms-table")
        dash_duo.find_element(f"{ROW} td").click()
        dash_duo.wait_for_contains_text("#alarms-detail-title", "Bụi mịn nguy hại", timeout=20)
        dash_duo.find_element("#alarms-note").send_keys("đã cử tổ môi trường kiểm tra")
        dash_duo.find_element('[id*="\\"action\\":\\"acknowledge\\""]').click()
        dash_duo.wait_for_contains_text("#alarms-feedback", "đã cập nhật", timeout=20)
        dash_duo.wait_for_contains_text("#alarms-table", "Đã xác nhận", timeout=20)
        dash_duo.wait_for_contains_text("#alarms-detail", "đã cử tổ môi trường kiểm tra", timeout=20)
        assert "Thông báo đã gửi" in text(dash_duo, "#alarms-detail") and DESK in text(dash_duo, "#alarms-detail")
        assert "Đã gửi" in text(dash_duo, ".alarms-deliveries")
        assert count(db_url, "SELECT count(*) FROM alarm_transitions WHERE actor = 'lan' AND action = 'acknowledge' "
                             "AND to_state = 'acknowledged'") == 1
        shot(dash_duo, "alarms")

        reading(mqtt_url, 2, 18.0)       # the air clears: the evaluator resolves the alarm
        wait_until(lambda: ing.counters.stored >= 2, 15, what="the clean reading stored")
        evaluate_until(db_url, "SELECT count(*) FROM alarms WHERE state = 'resolved'", "the alarm cleared")
    dash_duo.wait_for_contains_text("#alarms-table", "Không có cảnh báo nào", timeout=20)   # the live list
    dash_duo.wait_for_contains_text("#alarms-detail", "Tự hết", timeout=20)                # the history says why
    assert not (found := errors(dash_duo)), found
    dash_duo.driver.get(wall)
    dash_duo.wait_for_text_to_equal(f"{TILE.format('alarms')} .ioc-tile-value", "0", timeout=20)
    assert "ioc-alarm-pulse" not in tile_class(dash_duo)
    wait_until(lambda: "Trực tuyến (36)" in legend(dash_duo, "#wall-map"), 20, what="the map")
    assert "⚠" not in legend(dash_duo, "#wall-map")
    assert not (found := errors(dash_duo)), found


def test_an_admin_edits_the_rules_as_yaml_and_sees_errors_by_line_and_field(
        dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool) -> None:
    install(db, CRITICAL)
    otp = users.add(db, "quan-tri", "admin", actor="test")
    users.change_password(db, users.get(db, "quan-tri").id, otp, access.PASSWORD)
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")
    access.sign_in(dash_duo.driver, base, "quan-tri")
    dash_duo.driver.get(f"{base}/alarms")
    area = '[id*="\\"type\\":\\"alarms-rules-yaml\\""]'
    dash_duo.wait_for_contains_text(".alarms-rules", "pm25-hazardous", timeout=20)
    box = dash_duo.find_element(area)
    assert "severity: critical" in box.get_attribute("value")
    text_now = box.get_attribute("value").replace("severity: critical", "severity: dire")
    dash_duo.driver.execute_script(   # React owns the value: set it the way a typing user would
        "const el = arguments[0]; const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype,"
        " 'value').set; set.call(el, arguments[1]); el.dispatchEvent(new Event('input', {bubbles: true}));",
        box, text_now)
    save = dash_duo.find_element('[id*="\\"action\\":\\"save\\""]')
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", save)
    save.click()
    dash_duo.wait_for_contains_text(".alarms-rules-result", "Không lưu: 1 lỗi", timeout=20)
    assert ".severity: Input should be 'critical'" in text(dash_duo, ".alarms-rules-result")
    assert count(str(settings.database_url), "SELECT count(*) FROM alarm_rules WHERE severity = 'critical'") == 1
    assert not (found := errors(dash_duo)), found
