"""Data completeness (issue 16): stored ÷ expected from the accounting and the registry, its flag, and the read API.

Readings go through the real sink (so the accounting is the ingester's own), then the query and the API are read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards.api.openapi import PREFIX
from dashboards.app import create_app
from dashboards.queries import completeness
from dashboards.views import timeline
from ioc.config import Settings
from pipelines.ingest.message import Message
from pipelines.ingest.sink import PgSink
from sensors.contract import EnvTelemetry, encode, parse
from tests.dashboards import access


def send(db_url: str, device: str, minutes: Iterable[int], now: datetime) -> None:
    sink = PgSink(psycopg.connect(db_url))
    msgs = []
    for m in minutes:
        ts = now - timedelta(minutes=m)
        topic, payload = encode(EnvTelemetry(ts, device, m, 9.0, None, None, None, None, None, None, None, None, None,
                                             None))
        msgs.append(Message(0, 0, topic, payload, ts, parse(topic, payload, ts)))
    sink.write(msgs)
    sink.close()


@pytest.fixture
def fleet(db: psycopg.Connection, db_url: str) -> datetime:
    """Two env stations registered 2 h ago in ward W9 (60 s interval): one sent every minute, one every other.
    Returns when: expected keeps growing by one a minute after it (a loaded machine takes minutes to get here)."""
    now = datetime.now(UTC).replace(microsecond=0)   # here, not at import: expected counts from registration
    db.execute("INSERT INTO devices (device_id, kind, registered, registered_at, ward_code) VALUES "
               "('cm-full', 'env', true, %(at)s, 'W9'), ('cm-half', 'env', true, %(at)s, 'W9')",
               {"at": now - timedelta(hours=2)})
    db.commit()
    send(db_url, "cm-full", range(0, 120), now)
    send(db_url, "cm-half", range(0, 120, 2), now)
    return now


def _late(since: datetime) -> float:
    """Minutes since the fleet was registered + 2 h: what its expected count has grown by since then."""
    return (datetime.now(UTC) - since).total_seconds() / 60


def test_completeness_per_device_ward_and_network(db: psycopg.Connection, fleet: datetime) -> None:
    rows = {r["device_id"]: r for r in completeness.by_device(db, timedelta(hours=24), ward="W9")}
    assert rows["cm-full"]["stored"] == 120 and rows["cm-half"]["stored"] == 60
    # 2 h of 60 s since registration, plus the minutes the test itself took
    assert 119.9 < rows["cm-full"]["expected"] < 122 + _late(fleet)
    assert rows["cm-full"]["ratio"] > 0.98 and not rows["cm-full"]["flagged"]
    assert 0.45 < rows["cm-half"]["ratio"] < 0.51 and rows["cm-half"]["flagged"]
    (ward,) = completeness.grouped(rows.values(), "ward")
    assert (ward.key, ward.stored) == ("W9", 180) and 0.7 < (ward.ratio or 0) < 0.76


def test_a_silent_hour_is_a_gap_in_the_timeline(pool: ConnectionPool, db: psycopg.Connection, db_url: str,
                                               fleet: datetime) -> None:
    hours = completeness.hourly(pool, "cm-half", timedelta(hours=24))
    assert len(hours) in (25, 26) and sum(s for _, s, _ in hours) == 60
    # expected is prorated: nothing before the registration 2 h ago, the current hour only so far
    assert [e for _, _, e in hours[:-3]] == [0.0] * (len(hours) - 3)
    assert 119.9 < sum(e for _, _, e in hours) < 122 + _late(fleet) and 0 < hours[-1][2] <= 60
    # a station registered 5 h ago that sent in its first hour and its last, and nothing in between
    now = datetime.now(UTC).replace(microsecond=0)
    db.execute("INSERT INTO devices (device_id, kind, registered, registered_at) VALUES ('cm-gap', 'env', true, %s)",
               [now - timedelta(hours=5)])
    send(db_url, "cm-gap", [*range(0, 60), *range(240, 300)], now)
    cells = timeline.cells(completeness.hourly(pool, "cm-gap", timedelta(hours=24)))
    levels = [c.level for c in cells]
    assert sum(c.stored for c in cells) == 120 and levels[:18] == ["none"] * 18
    gaps = [c for c in cells if c.level == "gap"]
    assert len(gaps) >= 2 and all(c.stored == 0 and c.expected == 60 for c in gaps)
    # the first hour's readings come before the gap; which level its cells get depends on the minute the test runs
    # (registered at xx:52, the first clock hour expects 8 readings and holds 7: "low", not "ok")
    first = next(i for i, c in enumerate(cells) if c.stored)
    assert first < levels.index("gap") and levels[-1] != "gap"


def test_timeline_cells_levels_and_the_week_grid() -> None:
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 1, 17, tzinfo=UTC)          # local midnight of 2 December
    assert [timeline.Cell(at, s, e).level for s, e in ((60, 60), (54, 60), (53, 60), (29, 60), (0, 60), (0, 0), (3, 0))
            ] == ["ok", "ok", "low", "poor", "gap", "none", "ok"]
    hours = [(at + timedelta(hours=i), 60 if i % 24 != 5 else 0, 60.0) for i in range(24 * 8)]
    grid = timeline.week(timeline.cells(hours), ZoneInfo("Asia/Ho_Chi_Minh"), "vi")
    text = json.dumps(grid.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    body = grid.children[1].children
    assert len(body) == 7 and all(len(row.children) == 25 for row in body)   # 7 local days × (label + 24 hours)
    assert text.count("ioc-tl-gap") == 7 and "09/12" in text and "02/12" not in text   # the newest seven days
    assert "05:00–06:00 · 0 / 60,0 bản tin (0,0 %)" in text                           # local hours, on hover


def test_the_read_api_serves_completeness(settings: Settings, pool: ConnectionPool, db: psycopg.Connection,
                                          fleet: datetime) -> None:
    client = create_app(settings, pool).server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = access.api_headers(db)["Authorization"]
    got = client.get(f"{PREFIX}/completeness?by=device&ward=W9").get_json()
    flags = {i["key"]: i["flagged"] for i in got["items"]}
    assert flags == {"cm-full": False, "cm-half": True} and got["flag_below"] == 0.9
    timeline = client.get(f"{PREFIX}/devices/cm-half/completeness?span=24h").get_json()
    assert sum(h["stored"] for h in timeline["hours"]) == 60
    assert client.get(f"{PREFIX}/devices/nobody/completeness").status_code == 404
    week = client.get(f"{PREFIX}/devices/cm-half/completeness?span=7d").get_json()
    assert len(week["hours"]) in (169, 170) and sum(h["stored"] for h in week["hours"]) == 60
    assert week["hours"][0]["expected"] == 0 and 119.9 < sum(h["expected"] for h in week["hours"]) < 122
    spec = client.get(f"{PREFIX}/openapi.json").get_json()
    (span,) = [p for p in spec["paths"]["/devices/{device_id}/completeness"]["get"]["parameters"]
               if p["name"] == "span"]
    assert span["schema"]["enum"] == ["24h", "7d", "30d"]


def test_devices_table_shows_completeness_and_flags_the_low_one(settings: Settings, pool: ConnectionPool,
                                                                fleet: datetime) -> None:
    from dashboards import context
    from dashboards.queries.devices import DeviceFilter
    from dashboards.views import devices as devices_view

    table, _, _ = devices_view.device_page(context.IocContext(settings, given=pool), DeviceFilter(search="cm-"),
                                           {"col": "device_id", "desc": False}, 1, "vi")
    text = json.dumps(table.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "Đủ dữ liệu 24h" in text
    assert text.count("⚠") == 1 and "Dưới 90 % số bản tin mong đợi" in text   # cm-half only
    assert text.count("ioc-tl ioc-tl-mini") == 2 and "24 giờ qua: 0 giờ mất dữ liệu" in text   # a strip per row


def test_the_device_page_shows_identity_completeness_timeline_and_readings(settings: Settings, pool: ConnectionPool,
                                                                         fleet: datetime) -> None:
    from dashboards import context
    from dashboards.views import device_page

    ioc = context.IocContext(settings, given=pool)
    content, heading = device_page.body(ioc, "cm-half", "vi", datetime.now(UTC))
    text = json.dumps(content, default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert heading == "Thiết bị cm-half"
    assert "Môi trường" in text and "W9" in text and "60 s" in text                 # identity
    assert "24 giờ: ⚠ 5" in text and "text-warning" in text                         # half of what it should send
    assert "ioc-tl ioc-tl-large" in text and "ioc-tl-week" in text                  # the 24 h strip and the week
    assert text.count('"PM2.5 (µg/m³)"') == 1 and "Nhiệt độ" not in text            # only the columns it sends
    assert text.count("ioc-tl-cell ioc-tl-low") >= 4   # its last two hours at half, in the strip and in the week
    assert "Không có tin lỗi." in text
    missing, _ = device_page.body(ioc, "nobody", "en", datetime.now(UTC))
    assert "There is no device “nobody”." in json.dumps(missing, default=lambda c: c.to_plotly_json(),
                                                        ensure_ascii=False)


def test_the_wall_availability_tile_shows_the_completeness_and_the_devices_under_the_line(
        settings: Settings, pool: ConnectionPool, fleet: datetime) -> None:
    from dashboards.views import wall

    snap = wall.snapshot(pool, datetime.now(UTC), None, settings.tz)
    assert snap.completeness is not None and 0.7 < snap.completeness < 0.76 and (snap.under, snap.measured) == (1, 2)
    tile = wall.availability_tile(snap, "vi")
    text = json.dumps(tile.detail, default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert tile.value.startswith("7") and tile.value.endswith(" %") and tile.color == "#b45309"   # under 90 %: amber
    assert "⚠ 1 / 2 thiết bị" in text and "dưới 90 % (50 % số thiết bị)" in text
    system = json.dumps(wall.system_tile(snap, "vi", settings.stale_ingest_s).detail,
                        default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "Đủ dữ liệu" not in system   # its own tile now, not a line of the ingest tile
    nowhere = wall.snapshot(pool, datetime.now(UTC), ["NOWHERE"], settings.tz)
    assert nowhere.completeness is None and wall.availability_tile(nowhere, "en").unavailable


def test_the_ward_page_charts_completeness_per_day(settings: Settings, pool: ConnectionPool, fleet: datetime) -> None:
    from dashboards.views import ward

    ratio = ward.daily_completeness(pool, "W9", settings.tz)
    assert len(ratio) == 30 and ratio.iloc[:-1].isna().sum() >= 27     # registered 2 h ago: earlier days expect nothing
    days = completeness.ward_daily(pool, "W9", str(settings.tz))
    assert sum(s for _, s, _ in days) == 180 and 239 < sum(e for _, _, e in days) < 245
    fig = ward.completeness_chart(ratio, ward.theme_for("dark", "dark"), "vi")
    assert fig["layout"]["title"]["text"] == "Đủ dữ liệu theo ngày (30 ngày)"
    assert fig["data"][0]["type"] == "bar" and fig["layout"]["shapes"][0]["y0"] == 90
    assert "#f59e0b" in fig["data"][0]["marker"]["color"]            # the day under 90 % is marked
