"""Every page moved to the standby (docs/ha.md, "Reads from the standby") against a read pool that refuses writes.

The read pool is the test database with ``default_transaction_read_only``, which refuses a write exactly as a hot
standby does; the primary pool is closed, so a callback that still read the primary would fail, and one that (wrongly)
wrote through the read pool would fail too.
Each page's callbacks are called as the plain functions their pages define, in a request of the
app, with the data the seed gives them; the residents' page goes through its real routes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from dash import Dash
from dash._callback_context import context_value
from dash._utils import AttributeDict
from flask import g
from psycopg_pool import ConnectionPool

from dashboards import auth
from dashboards.app import create_app
from dashboards.views import replica_banner
from ioc.config import Settings
from ioc.security import policy, roles
from ioc.security.principal import Principal
from tests.alarms import support as alarms
from tests.dashboards import seed

WARD = seed.NHA_TRANG[0]


@pytest.fixture
def app(settings: Settings, db_url: str, read_only: ConnectionPool, seeded: list[seed.Device],
        db: psycopg.Connection) -> Dash:
    """An app whose primary pool is closed: a moved page that still read the primary would fail with PoolClosed."""
    seed.field_reports(db, WARD, open_=3, overdue=1)
    seed.add_lighting(db)
    alarms.install(db, alarms.rule())
    alarms.device(db, "env-alarm", ward=WARD)
    alarms.pm25(db, "env-alarm", 150, alarms.NOW)
    alarms.cycle(db, alarms.NOW)
    db.commit()
    with read_only.connection() as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("CREATE TEMP TABLE refused (x int)")   # the pool really refuses writes
    return create_app(settings, ConnectionPool(db_url, open=False), read_pool=read_only)


def _page(name: str) -> Any:
    import sys
    return sys.modules[f"dashboards.pages.{name}"]   # as Dash imported it for this app


def _call(page: str, callback: str, *args: Any) -> Any:
    fn: Callable[..., Any] = getattr(_page(page), callback)   # Dash registers a wrapper, the module keeps the function
    # as a refresh tick would call it (a callback that asks ctx.triggered_id sees a timer, not a filter)
    token = context_value.set(AttributeDict({"triggered_inputs": [{"prop_id": "tick.n_intervals", "value": 1}]}))
    try:
        return fn(*args)
    finally:
        context_value.reset(token)


def _text(found: Any) -> str:
    return json.dumps(found, ensure_ascii=False,
                      default=lambda c: c.to_plotly_json() if hasattr(c, "to_plotly_json") else str(c))


def test_every_moved_page_serves_its_view_from_a_read_only_standby(app: Dash, seeded: list[seed.Device],
                                                                    settings: Settings) -> None:
    year = str(datetime.now(UTC).astimezone(settings.tz).year)
    en, dev = {"lang": "en", "theme": "light"}, seeded[0].device_id
    ward = en | {"code": WARD}
    with app.server.test_request_context("/"):
        g.ioc_principal = Principal("user", "viewer", "viewer", roles.permissions_of("viewer"))   # a signed-in viewer
        assert "Phường" in _text(_call("home", "list_wards", None, en))
        title, _fig, _known, devices, reports, *_ = _call("ward", "refresh_ward", None, ward, None)
        assert title == "Phường Bắc Nha Trang" and "3" in _text(reports) and _text(devices)
        assert all(fig for fig in _call("ward", "refresh_charts", None, ward))
        for section in ("refresh_environment", "refresh_social", "refresh_lighting"):
            assert _text(_call("ward", section, None, ward))
        table, pages, total = _call("devices", "refresh_table", None, None, None, {"col": "device_id", "desc": False},
                                    1, None, en)
        assert dev in _text(table) and pages >= 1 and total
        assert dev in _text(_call("devices", "show_detail", dev, None, en))
        assert _call("devices", "refresh_system", None, en)
        assert dev in _text(_call("device", "refresh_device", None, en | {"device_id": dev}))
        periods_, scopes = _call("kpis", "fill_choices", en)
        assert periods_ and scopes
        assert _call("kpis", "refresh", year, "*", "", en)
        assert _call("kpi_ward", "refresh", en | {"code": WARD, "period": year})
        assert _call("adoption", "fill_choices", en)
        assert _call("adoption", "refresh", year, "*", "", en)
        assert _call("adoption", "refresh_socio", year, "*", "", en)
        wards_, _rules = _call("alarms", "load_options", en)
        assert [w["value"] for w in wards_] == [WARD]
        listed, _pages, _at, total = _call("alarms", "refresh_table", None, None, None, 1, None, 0, None, en)
        assert "env-alarm" in _text(listed) and total == "1 alarms"

        assert _call("incidents", "refresh_table", None, None, 0, None, en)
        assert "Lamps working" in _text(_call("lighting", "refresh_lighting", None, None, en))
        assert _call("social", "refresh", en, "24h", None, None, None, None, None, 0)
        assert _call("footage", "refresh", en, None, 0)
        for page, kwargs in (("social", {}), ("briefings", {}), ("kpis", {}), ("adoption", {}), ("home", {}),
                             ("ward", {"code": WARD}), ("kpi_ward", {"code": WARD, "period": year})):
            layout = _page(page).layout(lang="en", **kwargs)
            assert "replica-banner" in _text(layout), page        # every moved page carries the banner
        shown, css = replica_banner.show_lag(None, {"page": "ward", "lang": "en", "light": True})
        assert (shown, css) == ("", replica_banner.OFF)   # the read database here is no standby: 0 s behind
    needs = {k: v for k, v in auth.callback_requirements(app).items() if "replica-banner" in k}
    assert list(needs.values()) == [policy.SIGNED_IN]   # bound to the app; any signed-in caller's page runs it


def test_the_residents_pages_read_a_read_only_standby(app: Dash) -> None:
    client = app.server.test_client()
    for path in ("/public", f"/public/{WARD}", f"/public/{WARD}?lang=en", f"/public/{WARD}.json"):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.data[:300])
    assert "pub-lag" not in client.get(f"/public/{WARD}").get_data(as_text=True)   # no lag, no line


def test_open311_lists_from_a_read_only_standby(app: Dash, db: psycopg.Connection) -> None:
    """Its services and request list read the standby; one request by id stays on the primary (closed here)."""
    client = app.server.test_client()
    for path in ("/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/services/noise.json"):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.data[:300])
    assert client.get("/open311/v2/requests.json").get_json(), "the seeded reports are listed"
