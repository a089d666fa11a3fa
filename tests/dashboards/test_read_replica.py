"""Dashboards on a real Patroni pair: reads from the standby (IOC_DATABASE_READ_URL), writes on the primary, and the
banners when the standby trails (the wall's, the report desk's, every other moved page's, the residents' line).

The standby's replay is paused (``pg_wal_replay_pause``) so what it serves is provably older than the primary: a
report added on the primary is missing from the queue the page shows, while the action taken on the page lands on
the primary (a standby would refuse it: read-only).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from flask import g
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.app import create_app
from dashboards.queries import health, replica
from dashboards.queries import kpis as kq
from dashboards.queries import reports as q
from dashboards.views import alarm_actions, kpi_page, replica_banner, wall
from dashboards.views import report_page as act
from dashboards.views import ward as ward_view
from ioc import db, stack
from ioc.security import roles, users
from ioc.security.principal import Principal
from ioc.stack._patroni import PrivatePatroni
from ioc.stack._state import StackState
from pipelines.reports import store
from pipelines.reports.model import ReportIn
from tests.alarms import support as alarms
from tests.dashboards import seed
from tests.ha_support import ha_pair
from tests.reports.helpers import TZ, load_wards
from tests.support import StackHandle, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    """One pair for the module (each test leaves the standby replaying): bringing it up is the slow part."""
    with ha_pair("ha-reads") as made:
        yield made


def _report(conn: psycopg.Connection, title: str, lon: float, lat: float) -> int:
    made = store.insert_reports(conn, [ReportIn("web", title, "noise", datetime.now(UTC), "", lon, lat)],
                                store.reference(conn), "test", TZ, datetime.now(UTC))
    conn.commit()
    return made.ids[0]


def _on_every(pool: ConnectionPool, query: str) -> set[object]:
    """The answer of every connection the pool holds (each must be on the standby)."""
    conns = [pool.getconn() for _ in range(pool.max_size)]
    try:
        return {c.execute(query).fetchone()[0] for c in conns}  # type: ignore[index]
    finally:
        for c in conns:
            c.rollback()
            pool.putconn(c)


def test_pages_read_the_standby_write_the_primary_and_say_when_the_standby_trails(
        pair: tuple[StackHandle, stack.Endpoints]) -> None:
    handle, urls = pair
    assert urls.read_url is not None and "target_session_attrs=prefer-standby" in urls.read_url
    with psycopg.connect(urls.database_url) as conn:
        lon, lat = next(iter(load_wards(conn).values()))
        conn.commit()
        first = _report(conn, "first", lon, lat)
    root = handle.settings.state_dir.resolve()
    patroni, ha = PrivatePatroni(root), StackState.load(root).ha
    assert ha is not None
    primary, standby = db.pool(urls.database_url), db.pool(urls.read_url)
    try:
        with standby.connection() as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        wait_until(lambda: q.queue(standby, q.QueueFilter(), datetime.now(UTC))[0] == 1, 30,
                   what="the standby to replay the first report")
        patroni.maintenance(ha, True)               # or Patroni would resume the replay paused below
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        paused = {"paused", "pause requested"}   # requested: the next record waits (the standby may be idle now)
        wait_until(lambda: _on_every(standby, "SELECT pg_get_wal_replay_pause_state()") <= paused, 30,
                   what="the standby's replay to pause")
        with psycopg.connect(urls.database_url) as conn:
            _report(conn, "second", lon, lat)        # committed (the standby has flushed it) but not replayed
        app = create_app(handle.settings, primary, read_pool=standby)
        with app.server.app_context():
            ioc = context.current()
            assert act.queue_page(ioc, q.QueueFilter(), 0, 15, "en")[3] == "1 reports"   # the standby's view
            ok, message = act.handle(ioc, first, "assign", act.Form("lighting", "", "", 0), "en")
            assert ok, message
        with primary.connection() as conn:
            assert conn.execute("SELECT action FROM report_history WHERE report_id = %s ORDER BY id DESC LIMIT 1",
                                [first]).fetchone() == ("assign",)
            assert conn.execute("SELECT count(*) FROM reports").fetchone() == (2,)
        wait_until(lambda: replica.lag_s(standby) > 2, 30, what="the paused standby to trail")
        assert replica.lag_s(primary) == 0.0
        fresh = health.IngestStatus(1, datetime.now(UTC), 1.0, 10.0, 10.0, 0.1, 0, 0.0)
        text, shown = wall.banner(fresh, 120, "vi", replica.lag_s(standby), 2)
        assert shown and "chậm" in text and "bản sao" in text
        assert wall.banner(fresh, 120, "en", 1.0, 2) == ("", False)
        behind, css = replica_banner.banner(standby, 2, "en")               # the report desk's banner
        assert "behind the primary" in behind and css == replica_banner.ON
        assert replica_banner.banner(primary, 2, "en") == ("", replica_banner.OFF)
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        patroni.maintenance(ha, False)
        wait_until(lambda: replica.lag_s(standby) == 0.0, 30, what="the standby to catch up")
        assert q.queue(standby, q.QueueFilter(), datetime.now(UTC))[0] == 2
    finally:
        primary.close()
        standby.close()


WARD, NEW_WARD = seed.NHA_TRANG[0], "25195"   # NEW_WARD is added on the primary while the standby is paused
EN = {"lang": "en", "theme": "light"}


def _text(found: Any) -> str:
    return json.dumps(found, ensure_ascii=False,
                      default=lambda c: c.to_plotly_json() if hasattr(c, "to_plotly_json") else str(c))


def _call(page: str, callback: str, *args: Any) -> Any:
    """A page's callback function, called as a refresh tick would, in the current request."""
    fn: Callable[..., Any] = getattr(sys.modules[f"dashboards.pages.{page}"], callback)
    token = context_value.set(AttributeDict({"triggered_inputs": [{"prop_id": "tick.n_intervals", "value": 1}]}))
    try:
        return fn(*args)
    finally:
        context_value.reset(token)


def _prepare(url: str) -> int:
    """Wards, devices and one open alarm on the primary; returns the alarm's id."""
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT count(*) FROM wards").fetchone() == (0,):
            seed.load_wards(conn)
        seed.add_devices(conn, 1, wards=(WARD,))
        seed.heartbeat(conn, age_s=2)
        alarms.install(conn, alarms.rule())
        alarms.device(conn, "env-replica", ward=WARD)
        alarms.pm25(conn, "env-replica", 150, alarms.NOW)
        alarms.cycle(conn, alarms.NOW)
        users.add(conn, "lan", "operator", actor="test")
        row = conn.execute("SELECT id FROM alarms WHERE entity = 'env-replica'").fetchone()
        assert row is not None
        return int(row[0])


def _received(body: str) -> int:
    """The reports the ward's public page counts (published as a formatted number)."""
    return int("".join(c for c in str(json.loads(body)["figures"]["received"]) if c.isdigit()))


def _public(app: Any, path: str) -> str:
    resp = app.server.test_client().get(path)
    assert resp.status_code == 200, (path, resp.data[:300])
    return str(resp.get_data(as_text=True))


def test_ward_kpis_and_public_pages_show_the_standby_and_its_lag_alarm_actions_the_primary(
        pair: tuple[StackHandle, stack.Endpoints]) -> None:
    handle, urls = pair
    assert urls.read_url is not None
    alarm_id = _prepare(urls.database_url)
    root = handle.settings.state_dir.resolve()
    patroni, ha = PrivatePatroni(root), StackState.load(root).ha
    assert ha is not None
    settings = handle.settings.model_copy(update={"replica_lag_s": 2})
    primary, standby = db.pool(urls.database_url), db.pool(urls.read_url)
    on_primary = context.IocContext(settings, given=primary)   # what the page would show read on the primary
    try:
        wait_until(lambda: _on_every(standby, "SELECT count(*) FROM alarms WHERE entity = 'env-replica'") == {1}, 30,
                   what="the standby to replay the alarm")
        patroni.maintenance(ha, True)               # or Patroni would resume the replay paused below
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        wait_until(lambda: _on_every(standby, "SELECT pg_get_wal_replay_pause_state()") <= {"paused",
                                                                                              "pause requested"},
                   30, what="the standby's replay to pause")
        app = create_app(settings, primary, read_pool=standby)
        with app.server.test_request_context("/"):
            before = ward_view.ward_overview(context.current(), {"code": WARD} | EN, datetime.now(UTC))
        received = _received(_public(app, f"/public/{WARD}.json?v=0"))
        with psycopg.connect(urls.database_url) as conn:     # committed on both nodes, replayed on the primary only
            seed.field_reports(conn, WARD, open_=3, overdue=1)
            seed.load_wards(conn, (NEW_WARD,))
        wait_until(lambda: replica.lag_s(standby) > 2, 30, what="the paused standby to trail")

        with app.server.test_request_context("/"):
            g.ioc_principal = Principal("user", "lan", "operator", roles.permissions_of("operator"))
            ioc, now = context.current(), datetime.now(UTC)
            # the ward page: the standby's older report counts, while the primary has the new ones
            shown = _call("ward", "refresh_ward", None, {"code": WARD} | EN, None)
            assert _text(shown[4]) == _text(before[4])
            assert _text(ward_view.ward_overview(on_primary, {"code": WARD} | EN, now)[4]) != _text(shown[4])
            unknown = _call("ward", "refresh_ward", None, {"code": NEW_WARD} | EN, None)
            assert unknown[0] == f"No ward with code {NEW_WARD}"
            # /kpis: its scope choices are the standby's wards (the new one is not there yet)
            _periods, scopes = _call("kpis", "fill_choices", EN)
            assert NEW_WARD not in {o["value"] for o in scopes}
            assert NEW_WARD in {o["value"] for o in kpi_page.scope_options(kq.wards(primary), "en")}
            # every moved staff page's banner says the standby trails
            text, css = replica_banner.show_lag(None, {"page": "ward", "lang": "en", "light": True})
            assert "behind the primary" in text and css == replica_banner.LIGHT_ON
            text, css = replica_banner.show_lag(None, {"page": "kpis", "lang": "vi", "light": False})
            assert "chậm" in text and css == replica_banner.ON
            # /alarms: the list reads the standby, the action lands on the primary
            ok, message = alarm_actions.handle(ioc, alarm_id, "acknowledge", alarm_actions.Form("đã xem", "", 0),
                                               "lan", "en")
            assert ok, message
        with primary.connection() as conn:
            assert conn.execute("SELECT state FROM alarms WHERE id = %s", [alarm_id]).fetchone() == ("acknowledged",)
        with standby.connection() as conn:
            assert conn.execute("SELECT state FROM alarms WHERE id = %s", [alarm_id]).fetchone() == ("open",)

        # /public: the standby's figures and the plain lag line, in both languages
        assert _received(_public(app, f"/public/{WARD}.json?v=1")) == received
        assert _received(_public(create_app(settings, primary, read_pool=primary), f"/public/{WARD}.json")) == (
            received + 4)
        page_vi, page_en, index = (_public(app, f"/public/{WARD}"), _public(app, f"/public/{WARD}?lang=en"),
                                   _public(app, "/public"))
        assert 'class="pub-lag"' in page_vi and "Số liệu chậm" in page_vi and "giây" in page_vi
        assert "Data " in page_en and " s behind" in page_en and 'class="pub-lag"' in index

        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        patroni.maintenance(ha, False)
        wait_until(lambda: replica.lag_s(standby) == 0.0, 30, what="the standby to catch up")
        assert 'class="pub-lag"' not in _public(app, f"/public/{WARD}?v=2")
        assert _received(_public(app, f"/public/{WARD}.json?v=2")) == received + 4
        with app.server.test_request_context("/"):
            assert replica_banner.show_lag(None, {"page": "ward", "lang": "en", "light": True}) == (
                "", replica_banner.OFF)
    finally:
        primary.close()
        standby.close()
