"""Query functions against the real database, with rows inserted directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards.queries import aqi, devices, events, health, maplayers, rollups, wards
from layers.crs import WGS84
from tests.dashboards import seed


def test_state_counts_follow_the_device_state_view(db: psycopg.Connection, pool: ConnectionPool,
                                                   seeded: list[seed.Device]) -> None:
    seed.age_devices(db, stale=["env-22333-0001"], offline=["camera-22333-0002", "wifi-22366-0001"])
    counts = devices.state_counts(pool)
    table = {(r.kind, r.state): r.n for r in counts.itertuples()}
    assert table[("env", "stale")] == 1 and table[("env", "online")] == 11
    assert table[("camera", "offline")] == 1 and table[("wifi", "offline")] == 1
    one_ward = devices.state_counts(pool, ["22333"])
    assert one_ward["n"].sum() == 9


def test_map_sources_come_from_layers_and_the_reports(db: psycopg.Connection, pool: ConnectionPool,
                                                      seeded: list[seed.Device]) -> None:
    seed.field_reports(db, "22366", open_=2, overdue=0)
    src = maplayers.load(pool, datetime.now(UTC))
    assert len(src.wards) == 4 and len(src.devices) == 36 and src.devices.crs == WGS84
    assert len(src.stations) == 12 and src.stations["aqi"].notna().all() and src.stations.crs == WGS84
    assert len(src.wifi) == 12 and (src.wifi["clients"] > 0).all()
    assert src.reports is not None and len(src.reports) == 2
    one = maplayers.load(pool, datetime.now(UTC), ward="22333", ward_codes=["22333"])
    assert list(one.wards["code"]) == ["22333"] and len(one.devices) == 9
    assert one.reports is not None and len(one.reports) == 0


def test_page_sorts_searches_and_counts(db: psycopg.Connection, pool: ConnectionPool,
                                        seeded: list[seed.Device]) -> None:
    seed.dead_letter(db, "env-22333-0001", "pm25 -5 is below the range 0..1000", n=3)
    page = devices.page(pool, devices.DeviceFilter(search="env-22333"), sort="device_id", descending=True, limit=2)
    assert page.total == 3
    assert list(page.rows["device_id"]) == ["env-22333-0003", "env-22333-0002"]
    page = devices.page(pool, devices.DeviceFilter(search="env-22333-0001"))
    assert int(page.rows.iloc[0]["dead_letters_24h"]) == 3
    assert page.rows.iloc[0]["msg_per_min"] > 0
    assert devices.page(pool, devices.DeviceFilter(search="100%_")).total == 0
    with pytest.raises(ValueError, match="cannot sort"):
        devices.page(pool, devices.DeviceFilter(), sort="payload; DROP TABLE devices")


def test_dead_letters_keep_the_reason_and_survive_binary_payloads(db: psycopg.Connection, pool: ConnectionPool,
                                                                   seeded: list[seed.Device]) -> None:
    seed.dead_letter(db, "env-22333-0001", "pm25 -5 is below the range 0..1000")
    found = devices.dead_letters(pool, "env-22333-0001")
    assert found.iloc[0]["reason"] == "pm25 -5 is below the range 0..1000"
    assert "pm25" in found.iloc[0]["payload"]


def test_series_read_rollups_by_bucket(pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    day = rollups.device_series(pool, "env-22333-0001", "pm25", now - timedelta(hours=24), now, "1h")
    assert 23 <= len(day) <= 25 and (day["mean"] >= 0).all()
    month = rollups.device_series(pool, "env-22333-0001", "pm25", now - timedelta(days=30), now, "1d")
    assert 29 <= len(month) <= 32
    area = rollups.area_series(pool, "22333", "vehicles", now - timedelta(hours=24), now, "1h", combine="sum")
    assert (area["devices"] == 3).all() and (area["value"] > 0).all()
    with pytest.raises(ValueError, match="bucket"):
        rollups.device_series(pool, "x", "pm25", now, now, "5m")


def test_event_counts_and_wifi_against_last_week(pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    counts = rollups.event_counts(pool, now - timedelta(hours=1))
    assert set(counts["type"]) == set(seed.EVENT_TYPES) and counts["n"].sum() == 12  # the 12 seeded events
    cmp = rollups.wifi_compare(pool, now)
    assert cmp.access_points == 12 and cmp.clients_now is not None and cmp.clients_now > 0
    assert cmp.clients_last_week is not None and cmp.clients_last_week > 0


def test_station_aqi_uses_the_nowcast_and_bands(db: psycopg.Connection, pool: ConnectionPool,
                                                 seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    db.execute("UPDATE rollup_1h SET sum = 160 * n WHERE device_id = 'env-22366-0002' AND metric = 'pm25' "
               "AND bucket > %s", [hour - timedelta(hours=12)])
    stations = aqi.station_aqi(pool, now)
    assert len(stations) == 12
    worst = aqi.worst(stations)
    assert worst is not None and worst["device_id"] == "env-22366-0002"
    assert worst["aqi"] == 210 and worst["band"] == "very_bad"  # PM2.5 160 µg/m³ → 200 + 100·10/100
    db.execute("DELETE FROM rollup_1h WHERE device_id = 'env-22366-0002' AND metric IN ('pm25', 'pm10')")
    silent = aqi.station_aqi(pool, now).set_index("device_id")
    assert len(silent) == 12 and silent["aqi"].isna().sum() == 1 and pd.isna(silent.loc["env-22366-0002", "aqi"])
    assert aqi.worst(silent.reset_index())["device_id"] != "env-22366-0002"  # type: ignore[index]


def test_ingest_status_and_staleness(db: psycopg.Connection, pool: ConnectionPool) -> None:
    assert health.ingest_status(pool).stale(120)  # never heard from
    seed.heartbeat(db, age_s=3)
    status = health.ingest_status(pool)
    assert status.workers == 1 and not status.stale(120) and status.rate_in == 120.0
    seed.heartbeat(db, age_s=500)
    assert health.ingest_status(pool).stale(120)


def test_wards_outlines_extent_and_summaries(pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    assert wards.with_devices(pool) == list(wards.current(pool)["code"])
    geo = wards.outlines(pool, ["22333"])
    assert [f["properties"]["code"] for f in geo["features"]] == ["22333"]
    west, south, east, north = wards.extent(pool, None) or (0, 0, 0, 0)
    assert 109 < west < east < 109.5 and 12 < south < north < 12.5
    summary = {s["code"]: s for s in wards.summaries(pool)}
    assert summary["22333"]["devices"] == 9 and summary["22333"]["pm25_last_hour"] is not None


def test_newest_events_first(pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    feed = events.newest(pool, limit=5)
    assert len(feed) == 5 and feed["ts"].is_monotonic_decreasing
