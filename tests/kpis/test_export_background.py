"""The /kpis exports run as background callbacks (dashboards/jobs.py): in headless Chromium a leader clicks PNG, the
progress bar shows what the job is doing, and the file arrives; a viewer without the export permission is refused
before any job starts. The screenshot of the bar goes to docs/screenshots/kpis_export_progress.png."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from tests.kpis.support import TZ
from tests.kpis.test_browser import SCREENSHOTS, browser, png_size, served  # noqa: F401 - fixtures
from tests.security.helpers import callback_body, csrf_header, login, make_user
from tests.support import inner_text, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
EXPORT = "..kpis-download.data...kpis-export-msg.children...kpis-export-msg.is_open.."


def test_png_export_runs_in_the_background_with_a_progress_bar(served: tuple[str, dict[str, str]],  # noqa: F811
                                                               browser: webdriver.Chrome,  # noqa: F811
                                                               now: datetime, tmp_path: Path) -> None:
    base, cookies = served
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.get(base + "/login")
    for name, value in cookies.items():
        browser.add_cookie({"name": name, "value": value, "path": "/"})
    browser.get(f"{base}/kpis?period={now.astimezone(TZ).year}")
    wait_until(lambda: len(browser.find_elements(By.CSS_SELECTOR, ".kpi-card")) == 8, timeout=60, what="the cards")
    assert not browser.find_element(By.ID, "kpis-export-progress").is_displayed()
    browser.find_element(By.ID, "kpis-png").click()

    def bar_says_something() -> bool:
        label = inner_text(browser, "#kpis-export-step") or ""
        return browser.find_element(By.ID, "kpis-export-progress").is_displayed() and label.strip() != ""

    wait_until(bar_says_something, timeout=30, interval=0.05, what="the progress bar with a step")
    assert browser.find_element(By.ID, "kpis-png").get_attribute("disabled") is not None   # no second job meanwhile
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "kpis_export_progress.png"))

    wait_until(lambda: list(tmp_path.glob("kpi_*.png")), timeout=180, interval=0.5, what="the downloaded PNG")
    picture = next(tmp_path.glob("kpi_*.png")).read_bytes()
    assert png_size(picture) == (1920, 1080)
    wait_until(lambda: not browser.find_element(By.ID, "kpis-export-progress").is_displayed(), timeout=30,
               what="the bar to go once the file is there")
    assert not [m for m in browser.find_elements(By.ID, "kpis-export-msg") if m.is_displayed()]   # no failure


def test_a_viewer_cannot_start_an_export_job(demo_url: str, demo_settings: Settings, demo_pool: object) -> None:
    import psycopg

    app = create_app(demo_settings, demo_pool)  # type: ignore[arg-type]
    with psycopg.connect(demo_url, autocommit=True) as conn:
        make_user(conn, "chi-xem", "viewer")
    client = app.server.test_client()
    assert login(client, "chi-xem").status_code == 303
    body = callback_body(EXPORT, app.callback_map[EXPORT])
    refused = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    assert refused.status_code == 403 and b"export" in refused.data
