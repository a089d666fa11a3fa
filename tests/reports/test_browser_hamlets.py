"""/reports in headless Chromium at 1920×1080 with hamlets: choosing a ward offers its hamlets (ấp / khu phố),
choosing one narrows the queue to what SQL gives for it, and the rows and the detail name the hamlet. Screenshot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By
from shapely import wkb

from dashboards.app import create_app
from dashboards.queries import reports as q
from ioc.config import Settings
from pipelines.public import demo, hamlets
from tests.reports import seed
from tests.reports.test_browser import ROWS, SCREENSHOTS, _row_ids, _severe, _sign_in
from tests.support import wait_until

pytestmark = pytest.mark.browser
WARD = "22366"


def _hamlets(db: psycopg.Connection) -> None:
    """The demo's hamlets (a 3×2 grid over each ward), and the reports already in given theirs, as the demo does."""
    for code, name, geom in db.execute("SELECT code, name, ST_AsBinary(geom) FROM wards WHERE valid_to IS NULL"):
        hamlets.load(db, demo.demo_hamlets(code, name, wkb.loads(bytes(geom))))
    db.execute("UPDATE reports SET hamlet = ioc_hamlet_at(ward_code, geom) WHERE geom IS NOT NULL")


def test_the_hamlet_filter(dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool) -> None:
    seed.seed(db, datetime.now(UTC))
    _hamlets(db)
    busiest = db.execute("""SELECT hamlet, count(*) FROM reports WHERE ward_code = %s AND hamlet IS NOT NULL
                            AND status IN ('received', 'assigned', 'in_progress')
                            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1""", [WARD]).fetchone()
    assert busiest is not None
    name, n = busiest
    dash_duo.start_server(create_app(settings, pool), navigate=False)
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    _sign_in(dash_duo, db, "/reports")
    dash_duo.wait_for_contains_text("#reports-total", "29 phản ánh", timeout=20)
    # four wards, 6 hamlets each: 24 are few enough to offer without a ward, each with its ward
    wait_until(lambda: dash_duo.find_element("#reports-hamlet-col").is_displayed(), timeout=10, what="the filter")
    dash_duo.select_dcc_dropdown("#reports-ward", "Phường Nha Trang")
    dash_duo.select_dcc_dropdown("#reports-hamlet", name)
    want = [int(i) for i in q.queue(pool, q.QueueFilter(WARD, status="open", hamlet=(WARD, name)),
                                    datetime.now(UTC), 0, 12)[1]["id"]]
    dash_duo.wait_for_contains_text("#reports-total", f"{n} phản ánh", timeout=15)
    wait_until(lambda: _row_ids(dash_duo) == want, timeout=10, what="the hamlet's reports as SQL gives them")
    cells = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{ROWS} .ioc-col-ward")]
    assert cells and all(c.endswith(f"· {name}") for c in cells), cells
    dash_duo.find_element(f"{ROWS} .ioc-col-summary").click()
    dash_duo.wait_for_contains_text("#reports-detail", "Ấp / khu phố / tổ dân phố", timeout=10)
    assert name in dash_duo.find_element("#reports-detail").text
    assert not (errors := _severe(dash_duo)), errors
    dash_duo.driver.execute_script("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "reports-hamlets.png"))
