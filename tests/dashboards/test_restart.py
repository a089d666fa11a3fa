"""The wall survives a server restart: it says "reconnecting" while the server is away and carries on by itself."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from dashboards import context
from dashboards.app import create_app
from ioc.config import Settings
from ioc.stack._proc import free_port
from tests.dashboards import access, seed
from tests.dashboards.test_browser import TILE, wall_size
from tests.support import inner_text, wait_until

pytestmark = pytest.mark.browser


class Served:
    """A fresh app with its own pool in a threaded server, as a restarted ``ioc serve`` would be."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.app = create_app(settings)
        self.server: BaseWSGIServer = make_server("127.0.0.1", port, self.app.server, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"wall-{port}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        ctx = self.app.server.extensions[context.EXTENSION]
        if ctx.lazy is not None:
            ctx.lazy.close()


def badge(browser: Any) -> tuple[str, str]:
    """The reconnect badge's class and text, read in one go in the page: React may re-render the element between
    a WebDriver lookup and a read of it (a stale element reference under load)."""
    found = browser.driver.execute_script(
        "const e = document.getElementById('wall-reconnect'); return e ? [e.className, e.textContent] : ['', ''];")
    return str(found[0]), str(found[1])


def badge_on(browser: Any) -> bool:
    return "ioc-reconnect-on" in badge(browser)[0]


def devices_tile(browser: Any) -> str:
    return inner_text(browser.driver, f"{TILE.format('devices')} .ioc-tile-value") or ""


def test_wall_reconnects_after_a_server_restart(dash_br: Any, db: psycopg.Connection, settings: Settings,
                                                seeded: list[seed.Device]) -> None:
    port, token = free_port(), access.kiosk_token(db)
    served = Served(settings, port)
    try:
        wall_size(dash_br.driver)
        dash_br.driver.get(f"http://127.0.0.1:{port}/wall?kiosk={token}")
        wait_until(lambda: devices_tile(dash_br) == "36 / 36", timeout=30, what="the wall's first tiles")
        assert not badge_on(dash_br)
        dash_br.driver.execute_script("window.iocSamePage = true;")
    finally:
        served.stop()
    # callbacks now fail; the intervals keep firing and, after 15 s without an answer, the badge says so
    wait_until(lambda: badge_on(dash_br), timeout=40, what="the reconnecting badge")
    assert "kết nối lại" in badge(dash_br)[1]
    seed.age_devices(db, offline=["camera-22333-0001"])   # the world moves on while the server is away
    served = Served(settings, port)
    try:
        wait_until(lambda: not badge_on(dash_br), timeout=40, what="the badge to clear")
        wait_until(lambda: devices_tile(dash_br) == "35 / 36", timeout=30, what="tiles updating again")
        assert dash_br.driver.execute_script("return window.iocSamePage === true;")   # no reload, no sign-in
    finally:
        served.stop()
