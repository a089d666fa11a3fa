"""Cameras and wifi as the seeds count them (issue 19) on the real database: the shipped Đồng Xoài fleet registered and
counted by ownership, type and state; wifi sessions rolled up by the real rollup job and read per point and period
(local-midnight days) and by local hour; the wall's tiles and the ward page's view model built from them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool

from dashboards.i18n import t
from dashboards.queries import camwifi
from dashboards.theme import theme_for
from dashboards.views import camwifi as view
from dashboards.views import wall
from ioc.data import data_path
from layers.assign import assign_devices
from pipelines import rollup
from sensors.fleet import Device, Fleet, Hotspot, load, register
from tests.dashboards import seed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _json(component: Any) -> str:
    return json.dumps(component, ensure_ascii=False, default=lambda c: c.to_plotly_json())


def _classes_dict(frame: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    return {(r.ownership, r.camera_type, r.state): int(r.n) for r in frame.itertuples()}


def test_the_dong_xoai_fleet_counts_its_cameras_by_ownership_type_and_state(db: psycopg.Connection,
                                                                           pool: ConnectionPool) -> None:
    fleet = load(data_path("fleets/dong_xoai.yaml"))
    cams = fleet.of_kind("camera")
    seed.load_wards(db, sorted({d.ward for d in cams if d.ward}))
    register(db, fleet)
    assign_devices(db)
    # registered but never heard from: stale. Then some report (online) and some drop their connection (offline).
    online = [d.device_id for d in cams[::3]]
    offline = [d.device_id for d in cams[1::50]]
    db.execute("UPDATE devices SET online = true, last_data_at = now() WHERE device_id = ANY(%s)", [online])
    db.execute("UPDATE devices SET online = false WHERE device_id = ANY(%s)", [offline])
    state = {d.device_id: "offline" if d.device_id in offline else "online" if d.device_id in online else "stale"
             for d in cams}

    found = _classes_dict(camwifi.camera_classes(pool))
    assert found == dict(Counter((d.ownership, d.camera_type, state[d.device_id]) for d in cams))
    by_owner = Counter()
    for (owner, kind, _), n in found.items():
        by_owner[(owner, kind)] += n
    # as Đồng Xoài reports them: 205 budget cameras and 1 PTZ, 526 socialized, 327 shared by residents
    assert by_owner == {("budget", "fixed"): 205, ("budget", "ptz"): 1, ("socialized", "fixed"): 526,
                        ("citizen_shared", "fixed"): 327}
    ward = cams[0].ward
    assert ward is not None
    in_ward = _classes_dict(camwifi.camera_classes(pool, [ward]))
    assert in_ward == dict(Counter((d.ownership, d.camera_type, state[d.device_id]) for d in cams if d.ward == ward))
    assert sum(in_ward.values()) < len(cams)

    rows = {r.ownership: r for r in view.camera_rows(camwifi.camera_classes(pool))}
    assert list(rows) == ["budget", "socialized", "citizen_shared"]
    assert (rows["budget"].total, rows["budget"].ptz) == (206, 1)
    assert rows["socialized"].counts == dict(Counter(state[d.device_id] for d in cams if d.ownership == "socialized"))
    table = _json(view.camera_table(camwifi.camera_classes(pool), "vi"))
    assert "Camera ngân sách · 1 PTZ" in table and "Camera người dân" in table and '"327"' in table


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


# (access point, local time, new sessions). "Now" is 10 March 2026, 22:00 in Vietnam.
NOW = _local(2026, 3, 10, 22, 0)
READINGS = [
    ("ap-1", _local(2026, 3, 10, 0, 30), 5),      # today, although 9 March in UTC
    ("ap-1", _local(2026, 3, 9, 23, 30), 7),      # yesterday: in the last 7 days, not today
    ("ap-2", _local(2026, 3, 10, 20, 10), 11),
    ("ap-2", _local(2026, 3, 10, 20, 40), 4),
    ("ap-2", _local(2026, 3, 1, 20, 15), 6),      # before the 7 days (4-10 March), this year
    ("ap-3", _local(2026, 1, 28, 10, 0), 9),      # the Tết point, in its season
    ("ap-3", _local(2026, 1, 1, 0, 10), 3),       # this year in Vietnam, 2025 in UTC
    ("ap-3", _local(2025, 12, 31, 23, 50), 100),  # last year
]


def _wifi_fleet() -> Fleet:
    square = Hotspot("hs-sq", "Quảng trường tỉnh", "square", 106.885, 11.531)
    tet = Hotspot("hs-tet", "Điểm wifi mùa lễ hội Tết", "seasonal", 106.876, 11.516, "06:00", "23:00", (1, 2))
    aps = (Device("ap-1", "wifi", "AP 1", 106.885, 11.531, hotspot="hs-sq"),
           Device("ap-2", "wifi", "AP 2", 106.8851, 11.5311, hotspot="hs-sq"),
           Device("ap-3", "wifi", "AP 3", 106.876, 11.516, hotspot="hs-tet"))
    return Fleet("t", "Dong Xoai", aps, (square, tet))


def _sessions(db: psycopg.Connection) -> None:
    register(db, _wifi_fleet())
    db.execute("UPDATE devices SET online = true, last_data_at = now(), "
               "ward_code = CASE WHEN device_id = 'ap-3' THEN 'W2' ELSE 'W1' END")
    db.execute("UPDATE devices SET online = false WHERE device_id = 'ap-3'")
    with db.cursor() as cur:
        cur.executemany("""
            INSERT INTO wifi_telemetry (ts, device_id, seq, received_at, clients, new_sessions, bytes_up, bytes_down,
                                        interval_s)
            VALUES (%s, %s, %s, %s, 10, %s, 1000, 5000, 60)""",
                        [(ts, ap, i, ts, n) for i, (ap, ts, n) in enumerate(READINGS)])
        cur.executemany("INSERT INTO rollup_dirty (source, minute) VALUES ('wifi_telemetry', date_trunc('minute', %s))",
                        [(ts,) for _, ts, _ in READINGS])
    while rollup.refresh(db).minutes:   # the real rollup job: local-midnight days, hours
        pass


def test_wifi_sessions_per_point_and_period_use_local_days(db: psycopg.Connection, pool: ConnectionPool) -> None:
    _sessions(db)
    points = camwifi.wifi_points(pool, NOW.astimezone(UTC), TZ)
    got = {r.point: (r.name, r.seasonal, r.aps, r.aps_online, r.today, r.week, r.year) for r in points.itertuples()}
    assert got == {"hs-sq": ("Quảng trường tỉnh", False, 2, 2, 5 + 15, 5 + 15 + 7, 5 + 15 + 7 + 6),
                   "hs-tet": ("Điểm wifi mùa lễ hội Tết", True, 1, 0, 0, 0, 9 + 3)}
    assert list(points["point"]) == ["hs-sq", "hs-tet"]                   # busiest first
    assert points.set_index("point").loc["hs-tet", "season_months"] == [1, 2]
    assert list(camwifi.wifi_points(pool, NOW, TZ, ["W2"])["point"]) == ["hs-tet"]
    # on 2 January the last 7 days reach back into last year; "since 1 January" does not
    jan2 = camwifi.wifi_points(pool, _local(2026, 1, 2, 12, 0), TZ, ["W2"]).iloc[0]
    assert (jan2["today"], jan2["week"], jan2["year"]) == (0, 100 + 3, 3)
    # the wall reads the last 7 days only
    assert camwifi.wifi_points(pool, NOW, TZ, year_to_date=False).set_index("point")["year"].tolist() == [0, 0]
    assert camwifi.wifi_points(pool, NOW, TZ, []).empty

    days = camwifi.sessions_by_day(pool, _local(2026, 1, 1), _local(2026, 3, 11))
    assert [(d.astimezone(TZ).date().isoformat(), s, int(n)) for d, s, n in days.itertuples(index=False)] == [
        ("2026-01-01", True, 3), ("2026-01-28", True, 9), ("2026-03-01", False, 6), ("2026-03-09", False, 7),
        ("2026-03-10", False, 20)]
    assert camwifi.sessions_by_day(pool, _local(2026, 1, 1), _local(2026, 3, 11), ["W2"])["sessions"].sum() == 12


def test_busiest_hours_are_local_clock_hours_averaged_over_the_days_seen(db: psycopg.Connection,
                                                                        pool: ConnectionPool) -> None:
    _sessions(db)
    hours = camwifi.sessions_by_hour(pool, _local(2026, 3, 1), _local(2026, 3, 11), TZ)
    assert [tuple(int(v) for v in r) for r in hours.itertuples(index=False)] == [
        (0, 5, 1), (20, 21, 2), (23, 7, 1)]                  # 20:00: 15 on the 10th and 6 on the 1st
    assert view.busiest_hour(hours) == 20
    mean = view.hourly_mean(hours)
    assert (mean[20], mean[0], mean[12]) == (10.5, 5.0, 0.0)
    fig = view.hours_chart(hours, theme_for("dark", "dark"), "en")
    colours = fig["data"][0]["marker"]["color"]
    assert fig["data"][0]["y"][20] == 10.5 and colours[20] == "#f59e0b" and colours.count("#f59e0b") == 1
    assert camwifi.sessions_by_hour(pool, _local(2026, 3, 1), _local(2026, 3, 11), TZ, ["W2"]).empty


def test_wall_tiles_show_cameras_by_ownership_and_wifi_sessions(db: psycopg.Connection, pool: ConnectionPool) -> None:
    seed.load_wards(db)
    made = seed.add_devices(db, 3)
    seed.add_history(db, made, days=8)
    seed.classify(db)
    seed.age_devices(db, stale=["camera-22333-0002"], offline=["camera-22366-0001"])
    now = datetime.now(UTC)
    snap = wall.snapshot(pool, now, None, TZ)
    tile = wall.devices_tile(snap, "vi", theme_for("dark", "dark"))
    devices = _json(tile.detail)
    assert "Camera ngân sách" in devices and "Camera xã hội hoá" in devices and "Camera người dân" in devices
    assert tile.caption == "hoạt động / tổng số · trong đó 2 PTZ"
    assert '"Camera"' not in devices and "Wifi" in devices          # the camera line is split, the others stay
    # a registry without ownerships (cameras that published before anyone registered them) keeps one "Camera" line
    plain = wall.devices_tile(replace(snap, cameras=snap.cameras.assign(ownership="unknown")), "en",
                              theme_for("dark", "dark"))
    assert f'"{t("kind.camera", "en")}"' in _json(plain.detail) and "Unclassified" not in _json(plain.detail)
    budget = view.camera_rows(snap.cameras)[0]
    assert (budget.ownership, budget.total, budget.ptz) == ("budget", 2 + 2, 2)
    assert sum(r.total for r in view.camera_rows(snap.cameras)) == 12

    today = camwifi.local_midnight(now.astimezone(TZ).date(), TZ)
    expected = db.execute("SELECT sum(sum)::int FROM rollup_1d WHERE metric = 'new_sessions' AND bucket = %s",
                          [today]).fetchone()
    assert expected is not None and expected[0] > 0
    wifi = wall.wifi_tile(snap, "en")
    assert f"Sessions today: {expected[0]:,}" in _json(wifi.detail) and "Busiest: " in _json(wifi.detail)
    assert wifi.caption == "4 fixed points · 4 seasonal"


def test_wifi_lines_and_points_table_say_what_is_missing() -> None:
    empty = view.wifi_summary(pd.DataFrame(columns=camwifi.POINT_COLUMNS),
                              pd.DataFrame(columns=("hour", "sessions", "days")))
    assert empty == view.WifiSummary(0, 0, 0, None)
    lines = _json(view.wifi_lines(empty, "en"))
    assert "Sessions today: 0" in lines and "Busiest" not in lines and view.points_note(empty, "en") == ""
    assert "No public wifi point" in _json(view.points_table(pd.DataFrame(columns=camwifi.POINT_COLUMNS), "en"))
    ties = pd.DataFrame({"hour": [8, 19], "sessions": [30, 30], "days": [3, 3]})
    assert view.busiest_hour(ties) == 8
    assert view.season_text([1, 2], "vi") == "Theo mùa (tháng 1, 2)" and view.season_text(None, "en") == "Fixed"
    unknown = pd.DataFrame({"ownership": ["budget", "unknown"], "camera_type": ["fixed", "fixed"],
                            "state": ["online", "unregistered"], "n": [2, 1]})
    rows = view.camera_rows(unknown)
    assert [r.ownership for r in rows] == ["budget", "socialized", "citizen_shared", "unknown"]
    assert rows[-1].counts == {"unregistered": 1} and rows[1].total == 0


def test_periods_start_at_local_midnight() -> None:
    p = camwifi.Periods.at(datetime(2026, 1, 1, 17, 30, tzinfo=UTC), TZ)     # 00:30 on 2 January in Vietnam
    assert p.today == _local(2026, 1, 2) and p.week == _local(2025, 12, 27) and p.year == _local(2026, 1, 1)
    assert p.today.astimezone(UTC) == datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
