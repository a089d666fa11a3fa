"""The /kpis page served for real to a signed-in leader in headless Chromium: it shows the summary's numbers, and
its screenshot with the demo data at 1920×1080 goes to docs/screenshots/kpis.png. The PNG/PDF exports too."""

from __future__ import annotations

import base64
import json
import struct
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg_pool import ConnectionPool
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from dashboards import context
from dashboards.app import create_app
from dashboards.auth import CSRF_COOKIE, SESSION_COOKIE
from dashboards.exports import kpi_export
from dashboards.views import kpi_page, kpi_socio, kpi_view
from ioc.config import Settings
from smartward.cli import cli
from tests.kpis.support import REPO, TZ
from tests.security.helpers import login, make_user
from tests.support import wait_until

pytestmark = pytest.mark.browser
SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.fixture(scope="module")
def served(demo_url: str, demo_settings: Settings, demo_pool: ConnectionPool) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a loopback port, and the cookies of a signed-in leader."""
    app = create_app(demo_settings, demo_pool)
    with psycopg.connect(demo_url, autocommit=True) as conn:
        make_user(conn, "lanh-dao", "leader")
    client = app.server.test_client()
    assert login(client, "lanh-dao").status_code == 303
    cookies = {name: c.value for name in (SESSION_COOKIE, CSRF_COOKIE) if (c := client.get_cookie(name))}
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", cookies
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=vi"):
        options.add_argument(arg)
    options.binary_location = kpi_export.chromium()
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield driver
    finally:
        driver.quit()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _cards(driver: webdriver.Chrome) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, ".kpi-card")


def test_a_leader_sees_the_summary_on_the_page(served: tuple[str, dict[str, str]], browser: webdriver.Chrome,
                                              demo_url: str, now: datetime) -> None:
    base, cookies = served
    year = str(now.astimezone(TZ).year)
    browser.get(base + "/login")
    for name, value in cookies.items():
        browser.add_cookie({"name": name, "value": value, "path": "/"})
    browser.get(f"{base}/kpis?period={year}")
    wait_until(lambda: len(_cards(browser)) == 8, timeout=30, what="the eight KPI cards")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#kpis-map .maplibregl-canvas"), timeout=30,
               what="the map")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#kpis-trend .main-svg"), timeout=30, what="the trend")
    result = CliRunner().invoke(cli, ["--database-url", demo_url, "kpis", "summary", "--period", year, "--json"])
    want = {k["key"]: k for k in json.loads(result.output)["kpis"]}
    for card in _cards(browser):
        key = card.get_attribute("data-key")
        assert card.find_element(By.CSS_SELECTOR, ".kpi-card-value").text == kpi_view.pct(want[key]["value"], "vi")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "kpis.png"))
    assert png_size((SCREENSHOTS / "kpis.png").read_bytes()) == (1920, 1080)
    browser.find_element(By.CSS_SELECTOR, '[data-key="end_to_end_online"]').click()   # a card picks the chart
    wait_until(lambda: "toàn trình" in browser.find_element(By.CSS_SELECTOR, "#kpis-trend .gtitle").text,
               timeout=30, what="the trend of the clicked card")
    # /favicon.ico is the browser's own request, refused by the security policy (only /_favicon.ico is public)
    severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"
              and "/favicon.ico" not in e.get("message", "")]
    assert not severe, severe


def test_a_leader_sees_all_100_points_of_decision_766(served: tuple[str, dict[str, str]], browser: webdriver.Chrome,
                                                      demo_url: str, now: datetime) -> None:
    base, cookies = served
    year = str(now.astimezone(TZ).year)
    browser.get(base + "/login")
    for name, value in cookies.items():
        browser.add_cookie({"name": name, "value": value, "path": "/"})
    browser.get(f"{base}/kpis?period={year}")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#k766-groups .main-svg"), timeout=60,
               what="the 766 groups chart")
    result = CliRunner().invoke(cli, ["--database-url", demo_url, "kpis", "score-766", "--period", year, "--json"])
    want = json.loads(result.output)
    headline = browser.find_element(By.ID, "k766-headline")
    assert float(headline.get_attribute("data-total") or "nan") == pytest.approx(want["total"], abs=0.01)
    assert want["covered"] == 100 and want["grade"] and want["grade"]["name"] in headline.text
    assert len(browser.find_elements(By.CSS_SELECTOR, ".k766-table > tbody > tr:not(.k766-group)")) == 23
    # 2.2 per procedure and 5.1 per group: the same breakdowns as the CLI's, in the rows
    parts = {i["id"]: i["parts"] for i in want["indicators"] if i["parts"]}
    assert set(parts) == {"2.2", "5.1"} and len(parts["2.2"]) == 10
    for ind, rows in parts.items():
        shown = browser.find_elements(By.CSS_SELECTOR, f"#k766 tr[id*='\"{ind}\"'] .k766-part")
        assert [r.find_element(By.CSS_SELECTOR, "td").text for r in shown] == [p["label"] for p in rows]
    top = "return document.getElementById('k766').getBoundingClientRect().top"

    def scrolled() -> bool:
        browser.execute_script("document.getElementById('k766').scrollIntoView({block: 'start'})")
        return abs(float(browser.execute_script(top))) < 5

    wait_until(scrolled, timeout=30, what="the 766 section at the top of the window")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "kpis_766.png"))
    assert png_size((SCREENSHOTS / "kpis_766.png").read_bytes()) == (1920, 1080)
    # 5.1's groups and the categories each counts, on screen
    row_5_1 = "document.querySelector(\"#k766 tr[id*='\\\"5.1\\\"']\")"

    def feedback_shown() -> bool:
        browser.execute_script(f"{row_5_1}.scrollIntoView({{block: 'center'}})")
        return 200 < float(browser.execute_script(f"return {row_5_1}.getBoundingClientRect().top")) < 700

    wait_until(feedback_shown, timeout=30, what="the 5.1 row in the middle of the window")
    assert browser.save_screenshot(str(SCREENSHOTS / "kpis_766_feedback.png"))
    # this month: its figures sheet has not come yet, so those points have no data and the total no grade
    month = f"{now.astimezone(TZ):%Y-%m}"
    browser.get(f"{base}/kpis?period={month}")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#k766-groups .main-svg")
               and month in browser.find_element(By.ID, "k766").text, timeout=60, what="this month's 766 section")
    headline = browser.find_element(By.ID, "k766-headline")
    assert float(headline.get_attribute("data-covered") or "nan") < 100 and "Chưa xếp loại" in headline.text
    wait_until(scrolled, timeout=30, what="the 766 section at the top of the window")
    assert browser.save_screenshot(str(SCREENSHOTS / "kpis_766_missing.png"))


def test_png_and_pdf_exports_photograph_the_view(demo_settings: Settings, demo_pool: ConnectionPool,
                                                 now: datetime) -> None:
    ctx = context.IocContext(demo_settings, given=demo_pool)
    state = kpi_page.ViewState("2025", "25210", "on_time_766", "en")
    html = kpi_export.snapshot_html(ctx, state, now)
    assert "On-time rate (766 §2.1)" in html and "Phường Đồng Xoài" in html and "Plotly.newPlot" in html
    # the Decision 766 total, its coverage and the groups' bars are in the picture too
    score = kpi_page.render(ctx, state, now).score766
    assert score is not None
    assert f'data-total="{score.total!r}"' in html and f'data-covered="{score.covered!r}"' in html
    assert 'Plotly.newPlot("k766-groups"' in html and all(g.group.name("en") in html for g in score.groups)
    png, message, shown = kpi_export.download(ctx, state, "png", now)
    assert (message, shown) == ("", False) and png["filename"] == "kpi_2025_25210_on_time_766.png"
    picture = base64.b64decode(png["content"])
    assert png_size(picture) == kpi_export.SIZE
    (SCREENSHOTS / "kpis_export.png").write_bytes(picture)
    pdf, _m, _s = kpi_export.download(ctx, state, "pdf", now)
    assert base64.b64decode(pdf["content"])[:5] == b"%PDF-"


@pytest.mark.parametrize(("lang", "title", "shot"), [("vi", "Điểm cầu", "adoption_socio.png"),
                                                     ("en", "Video-conference", "adoption_socio-en.png")])
def test_a_leader_sees_the_socio_economic_indicators(served: tuple[str, dict[str, str]], browser: webdriver.Chrome,
                                                     demo_url: str, now: datetime, lang: str, title: str,
                                                     shot: str) -> None:
    """/adoption's KT-XH cards show what ``ioc kpis indicators --json`` prints; a card picks the trend; the
    screenshot (1920×1080, the demo data) goes to docs/screenshots/adoption_socio.png (-en.png in English)."""
    base, cookies = served
    year = str(now.astimezone(TZ).year)
    browser.get(base + "/login")
    for name, value in cookies.items():
        browser.add_cookie({"name": name, "value": value, "path": "/"})
    browser.get(f"{base}/adoption?period={year}&scope=T%E1%BB%89nh%20%C4%90%E1%BB%93ng%20Nai&lang={lang}")
    socio = (By.CSS_SELECTOR, "#socio-cards .kpi-card")
    wait_until(lambda: len(browser.find_elements(*socio)) == 6, timeout=30, what="the six KT-XH cards")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#socio-trend .main-svg"), timeout=30, what="trend")
    result = CliRunner().invoke(cli, ["--database-url", demo_url, "kpis", "indicators", "--period", year, "--scope",
                                      "Tỉnh Đồng Nai", "--json", "--now", now.isoformat()])
    want = {w["key"]: w for w in json.loads(result.output)}
    for card in browser.find_elements(*socio):
        w = want[card.get_attribute("data-key")]
        assert card.get_attribute("data-status") == (w["status"] or "")
        assert card.find_element(By.CSS_SELECTOR, ".kpi-card-value").text == kpi_socio.number(w["value"], w["unit"],
                                                                                             lang)
    browser.find_element(By.CSS_SELECTOR, '#socio-cards [data-key="video_conference_points"]').click()
    wait_until(lambda: title in browser.find_element(By.CSS_SELECTOR, "#socio-trend .gtitle").text,
               timeout=30, what="the trend of the clicked card")
    browser.execute_script("document.activeElement.blur()")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / shot))
    assert png_size((SCREENSHOTS / shot).read_bytes()) == (1920, 1080)
    severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"
              and "/favicon.ico" not in e.get("message", "")]
    assert not severe, severe
