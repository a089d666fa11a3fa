"""/briefings for a signed-in leader in headless Chromium (screenshot docs/screenshots/briefings.png), its files, and
the refusal of a viewer."""

from __future__ import annotations

import threading
from datetime import datetime

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium import webdriver
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from dashboards import context
from dashboards.app import create_app
from dashboards.auth import CSRF_COOKIE, SESSION_COOKIE
from dashboards.briefing import service
from ioc.config import Settings
from pipelines.briefing.week import Week
from tests.briefing.test_briefing import SHOTS
from tests.kpis.test_browser import browser
from tests.security.helpers import login, make_user
from tests.support import wait_until

__all__ = ["browser"]
pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def app(city: str, demo_settings: Settings, demo_pool: ConnectionPool) -> object:
    made = create_app(demo_settings, demo_pool)
    with psycopg.connect(city, autocommit=True) as conn:
        make_user(conn, "lanh-dao", "leader")
        make_user(conn, "xem", "viewer")
    return made


def test_a_leader_sees_the_archive_and_one_briefing_as_mailed(app: object, ioc: context.IocContext, week: Week,
                                                              now: datetime, browser: webdriver.Chrome) -> None:
    made = service.generate(ioc, week, None, "vi", now)
    flask = app.server  # type: ignore[attr-defined]
    client = flask.test_client()
    assert login(client, "lanh-dao").status_code == 303
    pdf = client.get(f"/briefings/file/{made.archive_id}.pdf")
    assert pdf.status_code == 200 and pdf.data == made.pdf and pdf.mimetype == "application/pdf"
    assert client.get(f"/briefings/file/{made.archive_id}.html").get_data(as_text=True) == made.html
    assert client.get("/briefings/file/999999.pdf").status_code == 404
    cookies = {name: c.value for name in (SESSION_COOKIE, CSRF_COOKIE) if (c := client.get_cookie(name))}
    server = make_server("127.0.0.1", 0, flask, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        browser.get(f"{base}/login")
        for name, value in cookies.items():
            browser.add_cookie({"name": name, "value": value, "path": "/"})
        browser.get(f"{base}/briefings?id={made.archive_id}")
        wait_until(lambda: browser.find_elements(By.ID, "briefings-frame"), timeout=30, what="the briefing frame")
        row = browser.find_element(By.CSS_SELECTOR, ".briefings-table .table-active")
        assert week.label in row.text and "PDF" in row.text
        browser.switch_to.frame(browser.find_element(By.ID, "briefings-frame"))
        kpi = browser.find_element(By.CSS_SELECTOR, '.fig[data-key="reports.received"] .value')
        assert kpi.text == made.briefing.figure("reports.received").text
        browser.switch_to.default_content()
        browser.save_screenshot(str(SHOTS / "briefings.png"))
    finally:
        server.shutdown()
        thread.join(10)


def test_a_viewer_may_not_read_briefings(app: object, ioc: context.IocContext, week: Week, now: datetime) -> None:
    made = service.generate(ioc, week, None, "en", now)
    client = app.server.test_client()  # type: ignore[attr-defined]
    assert login(client, "xem").status_code == 303
    assert client.get(f"/briefings/file/{made.archive_id}.pdf").status_code == 403
