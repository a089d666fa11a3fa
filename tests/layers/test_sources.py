"""Loaders from PostGIS: wards at a date, devices with state, latest VN_AQI per station, wifi clients now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg

from layers import vn_aqi
from layers.sources import load_air_quality, load_devices, load_wards, load_wifi_load
from layers.wards import import_wards
from tests.layers.helpers import add_device, ward_file

AT = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)
HOUR = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


def rollup(conn: psycopg.Connection, table: str, device_id: str, metric: str, bucket: datetime, mean: float) -> None:
    query = {"rollup_1h": "INSERT INTO rollup_1h VALUES (%s, %s, %s, 2, %s, %s, %s)",
             "rollup_1m": "INSERT INTO rollup_1m VALUES (%s, %s, %s, 2, %s, %s, %s)"}[table]
    conn.execute(query, [bucket, device_id, metric, 2 * mean, mean, mean])


def test_wards_and_devices_with_state_filtered_by_ward(db: psycopg.Connection) -> None:
    import_wards(db, ward_file())
    for i, state in enumerate(["online", "stale", "offline", "unregistered"]):
        add_device(db, f"w{i}", "camera", 109.195, 12.241 + i * 0.002, state=state, attrs='{"camera_type": "ptz"}')
    add_device(db, "east", "wifi", 109.205, 12.245)
    add_device(db, "nowhere", "env", None, None)
    wards = load_wards(db, date(2025, 8, 1))
    assert wards.crs.to_epsg() == 4326 and list(wards["code"]) == ["A1", "B2"]
    assert load_wards(db, date(2025, 6, 30)).empty
    devices = load_devices(db)
    assert devices.crs.to_epsg() == 4326
    assert dict(zip(devices["device_id"], devices["state"], strict=True)) == {
        "east": "online", "w0": "online", "w1": "stale", "w2": "offline", "w3": "unregistered"}
    assert set(devices.loc[devices["kind"] == "camera", "camera_type"]) == {"ptz"}
    west = load_devices(db, ward_code="A1", on_date=date(2025, 8, 1))
    assert sorted(west["device_id"]) == ["w0", "w1", "w2", "w3"]
    assert list(load_devices(db, kinds=["wifi"])["device_id"]) == ["east"]


def test_latest_aqi_per_station_from_hourly_rollups(db: psycopg.Connection) -> None:
    import_wards(db, ward_file())
    add_device(db, "aq-1", "env", 109.195, 12.245)
    add_device(db, "aq-old", "env", 109.196, 12.245)
    add_device(db, "aq-none", "env", 109.197, 12.245)
    series = [30.0, 42.0, 55.0, 61.0]        # oldest first, ending at HOUR
    for i, value in enumerate(reversed(series)):
        rollup(db, "rollup_1h", "aq-1", "pm25", HOUR - timedelta(hours=i), value)
    rollup(db, "rollup_1h", "aq-1", "no2", HOUR, 150.0)
    rollup(db, "rollup_1h", "aq-old", "pm25", HOUR - timedelta(hours=5), 20.0)
    rollup(db, "rollup_1h", "aq-old", "pm25", HOUR - timedelta(hours=6), 22.0)
    stations = load_air_quality(db, at=AT).set_index("device_id")
    expected = vn_aqi.hourly_aqi(pm25_last12=list(reversed(series)), no2=150.0)
    assert expected is not None
    assert stations.loc["aq-1", "aqi"] == expected.value
    assert stations.loc["aq-1", "band"] == expected.band.key
    assert stations.loc["aq-1", "pm25"] == 61.0 and not stations.loc["aq-1", "stale"]
    assert stations.loc["aq-old", "stale"]
    assert stations.loc["aq-none", "aqi"] is None or str(stations.loc["aq-none", "aqi"]) == "<NA>"
    assert list(load_air_quality(db, at=AT, ward_code="B2")["device_id"]) == []


def test_wifi_clients_now_prefer_the_minute_rollup(db: psycopg.Connection) -> None:
    add_device(db, "ap-1", "wifi", 109.195, 12.245)
    add_device(db, "ap-2", "wifi", 109.205, 12.245)
    add_device(db, "ap-3", "wifi", 109.205, 12.246)
    rollup(db, "rollup_1m", "ap-1", "clients", AT - timedelta(minutes=2), 17.0)
    rollup(db, "rollup_1m", "ap-1", "clients", AT - timedelta(minutes=3), 99.0)
    rollup(db, "rollup_1h", "ap-1", "clients", HOUR, 50.0)
    rollup(db, "rollup_1h", "ap-2", "clients", HOUR, 33.0)
    aps = load_wifi_load(db, at=AT).set_index("device_id")
    assert aps.loc["ap-1", "clients"] == 17.0 and aps.loc["ap-1", "resolution"] == "1m"
    assert aps.loc["ap-2", "clients"] == 33.0 and aps.loc["ap-2", "resolution"] == "1h"
    assert str(aps.loc["ap-3", "clients"]) == "<NA>"
