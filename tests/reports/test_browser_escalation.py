"""/reports: an operator escalates an open report to the leadership (a reason required), the detail shows it, and
the alarm evaluator raises "field report escalated" for it. Screenshot: docs/screenshots/reports-escalated.png."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from ioc.data import data_path
from pipelines.alarms import rules, runner, store
from tests.alarms.support import VN
from tests.reports import seed
from tests.reports.test_browser import SCREENSHOTS, _click, _severe, _sign_in

pytestmark = pytest.mark.browser
ESCALATE = '[id*="\\"action\\":\\"escalate\\""]'


def test_an_operator_escalates_a_report_and_it_is_an_alarm(dash_duo: Any, db: psycopg.Connection,
                                                           settings: Settings, pool: ConnectionPool) -> None:
    seed.seed(db, datetime.now(UTC))
    report = db.execute("""SELECT id FROM reports WHERE status IN ('received', 'assigned', 'in_progress')
                           AND paused_since IS NULL ORDER BY id LIMIT 1""").fetchone()
    assert report is not None
    rid = int(report[0])
    store.save_rules(db, rules.load(data_path("alarms/default_rules.yaml")), "test")
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    _sign_in(dash_duo, db, f"/reports?report={rid}")
    dash_duo.wait_for_contains_text("#reports-detail", f"#{rid} ", timeout=20)
    _click(dash_duo, ESCALATE)                                       # no reason: refused, with why
    dash_duo.wait_for_contains_text("#reports-feedback", "escalate needs a note", timeout=10)
    dash_duo.find_element("#reports-note").send_keys("Người dân phản ánh lần thứ ba, đề nghị lãnh đạo phường chỉ đạo")
    _click(dash_duo, ESCALATE)
    dash_duo.wait_for_contains_text("#reports-feedback", f"Đã thực hiện «Chuyển cấp trên» cho phản ánh #{rid}",
                                    timeout=10)
    dash_duo.wait_for_contains_text("#reports-detail", "Đã chuyển cấp trên", timeout=10)   # the badge
    assert db.execute("SELECT actor, note FROM report_history WHERE report_id = %s AND action = 'escalate'",
                      [rid]).fetchall() == [("lan.operator",
                                             "Người dân phản ánh lần thứ ba, đề nghị lãnh đạo phường chỉ đạo")]
    db.autocommit = True
    runner.cycle(db, VN, 10**9)
    assert db.execute("SELECT state, ward_code IS NOT DISTINCT FROM (SELECT ward_code FROM reports WHERE id = %s) "
                      "FROM alarms WHERE rule_id = 'report-escalated' AND entity = %s",
                      [rid, f"report:{rid}"]).fetchall() == [("open", True)]
    assert not (errors := _severe(dash_duo)), errors
    height = int(dash_duo.driver.execute_script("return document.documentElement.scrollHeight"))
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": height, "deviceScaleFactor": 1, "mobile": False})
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "reports-escalated.png"))
