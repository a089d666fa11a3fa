"""/social, the wall's social tile and the ward page's section in headless Chromium at 1920×1080, on the dashboard
seed with a week of the synthetic feed: an operator sees the charts and the list, presses "Tạo phản ánh" on a
negative, high-reach, local mention and lands on the new report; the mention then links to it.
Screenshots: docs/screenshots/social.png, social-wall.png, social-ward.png."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from pipelines.social.demo import LABEL
from tests.dashboards import access, seed
from tests.dashboards.test_browser import errors, shot, text, wall_size
from tests.support import wait_until

pytestmark = pytest.mark.browser
# Bootstrap scrolls smoothly: a screenshot right after a smooth scroll catches it half-way
INSTANT = "document.querySelector(arguments[0]).scrollIntoView({block: arguments[1], behavior: 'instant'})"


def _operator(db: psycopg.Connection) -> str:
    otp = users.add(db, "vanhanh", "operator", actor="test")
    users.change_password(db, users.get(db, "vanhanh").id, otp, access.PASSWORD)
    return "vanhanh"


def _loud_mention(db: psycopg.Connection) -> int:
    """A negative post in Phường Nha Trang that many people saw, ten minutes ago (synthetic, as the feed)."""
    row = db.execute("""
        INSERT INTO social_mentions (provider, source, url, published_at, topic, sentiment, reach, summary,
                                     ward_code, ward_how, synthetic)
        VALUES ('demo-mo-phong', 'facebook', 'https://mo-phong.invalid/facebook/posts/loud', %s, 'flooding',
                'negative', 48000, '(mô phỏng) Mưa lớn, đường Trần Phú ngập sâu, xe chết máy hàng loạt', '22366',
                'given', true) RETURNING id""", [datetime.now(UTC) - timedelta(minutes=10)]).fetchone()
    assert row is not None
    return int(row[0])


def test_social_page_report_button_wall_tile_and_ward(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                      pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    assert seed.social_mentions(db, days=7) > 100
    loud = _loud_mention(db)
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")
    access.sign_in(dash_duo.driver, base, _operator(db))
    dash_duo.driver.get(base + "/social")
    dash_duo.wait_for_element("#social-topics .main-svg", timeout=20)
    dash_duo.wait_for_element("#social-days .main-svg", timeout=20)
    dash_duo.wait_for_element(".ioc-social-list tbody tr", timeout=20)
    assert LABEL in text(dash_duo, "#social-synthetic")
    assert "Phường Nha Trang" in text(dash_duo, ".ioc-social-wards")
    assert "24 giờ qua" in text(dash_duo, "#social-totals")
    shot(dash_duo, "social")
    assert not (found := errors(dash_duo)), found

    button = f'[id*="social-report"][id*="\\"index\\":{loud}"]'
    dash_duo.driver.execute_script(INSTANT, ".ioc-social-list", "start")
    shot(dash_duo, "social-list")
    dash_duo.driver.find_element(By.CSS_SELECTOR, button).click()
    wait_until(lambda: "/reports?report=" in dash_duo.driver.current_url, timeout=20, what="the new report")
    rid = db.execute("SELECT report_id FROM social_mentions WHERE id = %s", [loud]).fetchone()
    assert rid is not None and dash_duo.driver.current_url.endswith(f"/reports?report={rid[0]}&lang=vi")
    assert db.execute("SELECT source, external_id FROM reports WHERE id = %s", [rid[0]]).fetchone() == \
        ("social", f"mention:{loud}")
    dash_duo.driver.get(base + "/social")
    dash_duo.wait_for_contains_text(".ioc-social-list", f"Phản ánh #{rid[0]}", timeout=20)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, button)      # the link replaces the button

    dash_duo.driver.get(base + "/ward/22366")
    dash_duo.wait_for_element("#ward-social .ioc-social-ward", timeout=20)
    assert "Ngập nước" in text(dash_duo, "#ward-social")
    dash_duo.driver.execute_script(INSTANT, "#ward-social", "center")
    shot(dash_duo, "social-ward")

    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.get(base + f"/wall?kiosk={access.kiosk_token(db)}")
    dash_duo.wait_for_element(".ioc-tile-social .ioc-tile-value", timeout=20)
    wait_until(lambda: text(dash_duo, ".ioc-tile-social .ioc-tile-value").isdigit(), timeout=20,
               what="the social tile")
    assert "MÔ PHỎNG" in text(dash_duo, ".ioc-tile-social .ioc-social-label")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas")) == 1,
               timeout=20, what="the map canvas")
    side = dash_duo.driver.execute_script(
        "const s = document.querySelector('.ioc-wall-side').getBoundingClientRect(); return s.bottom")
    assert side <= 1080, f"the side column runs off the wall ({side} px)"
    # the tile sits in the header's free band: between the language switch and the clock, inside the header
    box = dash_duo.driver.execute_script("""
        const r = e => document.querySelector(e).getBoundingClientRect();
        const t = r('.ioc-tile-social'), h = r('.ioc-wall-header'), l = r('.ioc-wall-header .ioc-lang-switch'),
              c = r('.ioc-clock');
        const d = document.querySelector('.ioc-tile-social .ioc-tile-value').getBoundingClientRect();
        return [t.top >= h.top, t.bottom <= h.bottom, t.left > l.right, t.right < c.left, d.bottom <= t.bottom]""")
    assert box == [True] * 5, box
    # the extra row must not crush the others: every tile's lines end inside the tile (the AQI band, the wifi lines)
    clipped = dash_duo.driver.execute_script("""
        return Array.from(document.querySelectorAll('.ioc-wall-side .ioc-tile')).filter(t => {
            const d = t.querySelector('.ioc-tile-detail');
            return d && d.textContent && d.getBoundingClientRect().bottom > t.getBoundingClientRect().bottom + 1;
        }).map(t => t.className + ' ' + Math.round(t.querySelector('.ioc-tile-detail').getBoundingClientRect().bottom
                                                    - t.getBoundingClientRect().bottom) + ' px over')""")
    heights = dash_duo.driver.execute_script("""
        return Array.from(document.querySelectorAll('.ioc-wall-side .ioc-tile'), t => [t.className.split(' ')[1],
            Math.round(t.getBoundingClientRect().height), Math.round(t.scrollHeight)])""")
    print("tile heights (box, content):", heights)
    assert clipped == [], clipped
    shot(dash_duo, "social-wall")
    assert not (found := errors(dash_duo)), found
