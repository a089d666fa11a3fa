"""Corroboration on constructed readings with known distances and times: inside R and T, just outside, verdicts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ioc.config import Settings
from pipelines.reports import evidence_db, store
from pipelines.reports.evidence import CategoryRule, Observations, WifiObs, judge
from pipelines.reports.evidence_rules import WifiRule, load_rules
from pipelines.reports.model import ReportIn
from tests.reports.helpers import TZ, add_device, local, offset

AT = local(2026, 11, 20, 10, 0)
RULES = load_rules()


def _report(db: psycopg.Connection, category: str, lon: float, lat: float, at: datetime = AT) -> int:
    item = ReportIn("web", f"{category}-{at.isoformat()}-{lon}", category, at, "", lon, lat)
    return store.insert_reports(db, [item], store.reference(db), "test", TZ, at).ids[0]


def _env(db: psycopg.Connection, device: str, at: datetime, **values: float) -> None:
    cols = sql.SQL(", ").join(sql.Identifier(k) for k in values)
    db.execute(sql.SQL("INSERT INTO env_telemetry (ts, device_id, received_at, {}) VALUES (%s, %s, %s, {})").format(
        cols, sql.SQL(", ").join(sql.Placeholder() * len(values))), [at, device, at, *values.values()])


def test_noise_inside_r_and_t_corroborates_and_outside_is_ignored(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    add_device(db, "env-290m", "env", *offset(lon, lat, east_m=290))
    add_device(db, "env-315m", "env", *offset(lon, lat, north_m=315))
    add_device(db, "env-100m", "env", *offset(lon, lat, east_m=-100))
    _env(db, "env-290m", AT - timedelta(minutes=59), laeq=76.5)           # in R, in T, loud: corroborates
    _env(db, "env-315m", AT, laeq=99.0)                                   # just outside R
    _env(db, "env-100m", AT + timedelta(minutes=61), laeq=95.0)           # just outside T
    _env(db, "env-100m", AT + timedelta(minutes=20), laeq=62.0)           # in R and T, quiet
    rid = _report(db, "noise", lon, lat)
    found = evidence_db.corroborate(db, rid, RULES, TZ, AT)
    assert found.verdict == "corroborated"
    got = [(f.device_id, f.value, f.threshold, f.hit, round(f.distance_m, -1)) for f in found.findings]
    assert got == [("env-290m", 76.5, 70.0, True, 290.0), ("env-100m", 62.0, 70.0, False, 100.0)]
    stored = db.execute("SELECT verdict, summary->'findings'->0->>'device_id' FROM report_evidence "
                        "WHERE report_id = %s", [rid]).fetchone()
    assert stored == ("corroborated", "env-290m")


def test_quiet_sensors_do_not_corroborate_but_night_limits_are_lower(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    add_device(db, "env-50m", "env", *offset(lon, lat, east_m=50))
    night = local(2026, 11, 20, 22, 30)
    _env(db, "env-50m", AT, laeq=62.0)
    _env(db, "env-50m", night, laeq=62.0)
    assert evidence_db.corroborate(db, _report(db, "noise", lon, lat), RULES, TZ, AT).verdict == "not_corroborated"
    late = evidence_db.corroborate(db, _report(db, "noise", lon, lat, night), RULES, TZ, night)
    assert (late.verdict, late.findings[0].threshold) == ("corroborated", 55.0)


def test_no_sensor_nearby_and_categories_no_sensor_measures(db: psycopg.Connection,
                                                            wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    add_device(db, "env-far", "env", *offset(lon, lat, east_m=900))
    _env(db, "env-far", AT, water_level=80.0, precipitation=40.0)
    add_device(db, "env-silent", "env", *offset(lon, lat, east_m=30))    # near, but nothing in the window
    flood = evidence_db.corroborate(db, _report(db, "flooding", lon, lat), RULES, TZ, AT)
    assert (flood.verdict, flood.findings, flood.radius_m) == ("no_sensor", (), 500.0)
    lights = evidence_db.corroborate(db, _report(db, "lighting", lon, lat), RULES, TZ, AT)
    assert lights.verdict == "no_sensor"


def test_flood_rain_sum_and_camera_events(db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    add_device(db, "env-rain", "env", *offset(lon, lat, north_m=400))
    for minutes in (-90, -30, 30):
        _env(db, "env-rain", AT + timedelta(minutes=minutes), precipitation=8.0)
    add_device(db, "cam-1", "camera", *offset(lon, lat, east_m=120))
    for ts, kind, conf in ((AT - timedelta(minutes=10), "flooding", 0.9), (AT, "flooding", 0.3),
                           (AT + timedelta(minutes=1), "crowd", 0.95)):
        db.execute("INSERT INTO camera_events (ts, device_id, received_at, type, confidence) VALUES (%s, 'cam-1', "
                   "%s, %s, %s)", [ts, ts, kind, conf])
    found = evidence_db.corroborate(db, _report(db, "flooding", lon, lat), RULES, TZ, AT)
    by_device = {f.device_id: f for f in found.findings}
    assert found.verdict == "corroborated"
    assert (by_device["env-rain"].measure, by_device["env-rain"].value, by_device["env-rain"].hit) == (
        "precipitation", 24.0, True)                      # three readings inside ±120 min, summed
    assert (by_device["cam-1"].measure, by_device["cam-1"].value) == ("flooding", 1.0)   # the 0.3 one is ignored


def test_traffic_camera_active_without_events_and_wifi_crowding(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    add_device(db, "cam-quiet", "camera", *offset(lon, lat, east_m=80))
    db.execute("INSERT INTO camera_telemetry (ts, device_id, received_at, vehicles, people, interval_s) "
               "VALUES (%s, 'cam-quiet', %s, 40, 10, 60)", [AT, AT])
    traffic = evidence_db.corroborate(db, _report(db, "traffic", lon, lat), RULES, TZ, AT)
    assert traffic.verdict == "not_corroborated" and traffic.findings[0].value == 0
    add_device(db, "ap-1", "wifi", *offset(lon, lat, north_m=60))
    for week, clients in ((0, 64), (7, 20)):
        ts = AT - timedelta(days=week)
        db.execute("INSERT INTO wifi_telemetry (ts, device_id, received_at, clients, new_sessions, bytes_up, "
                   "bytes_down, interval_s) VALUES (%s, 'ap-1', %s, %s, 0, 0, 0, 60)", [ts, ts, clients])
    crowd = evidence_db.corroborate(db, _report(db, "public_order", lon, lat), RULES, TZ, AT)
    wifi = [f for f in crowd.findings if f.kind == "wifi"][0]
    assert (crowd.verdict, wifi.value, wifi.baseline, wifi.threshold, wifi.hit) == (
        "corroborated", 64.0, 20.0, 30.0, True)


def test_wifi_floor_keeps_a_near_empty_week_from_crying_crowd() -> None:
    rule = CategoryRule(300, 60, 0.5, wifi=WifiRule(1.5, 5))
    found = judge(rule, Observations(wifi=(WifiObs("ap", 10.0, 3, 4.0, 1.0),)), 10)
    assert (found.verdict, found.findings[0].threshold) == ("not_corroborated", 7.5)


def test_the_nearby_query_uses_the_geography_index(db: psycopg.Connection) -> None:
    db.execute("""INSERT INTO devices (device_id, kind, location, registered)
                  SELECT 'd' || i, (ARRAY['env', 'camera', 'wifi'])[1 + i % 3],
                         ST_SetSRID(ST_MakePoint(109.0 + (i % 100) * 0.004, 12.0 + (i / 100) * 0.004), 4326), true
                  FROM generate_series(1, 6000) AS i""")
    db.execute("ANALYZE devices")
    plan = "\n".join(r[0] for r in db.execute(
        "EXPLAIN SELECT device_id FROM devices WHERE kind = 'env' AND ST_DWithin(location::geography, "
        "ST_SetSRID(ST_MakePoint(109.19, 12.23), 4326)::geography, 300)"))
    assert "devices_location_geog_gix" in plan


def test_rules_override_and_refuse_typos(tmp_path: Path) -> None:
    from ioc.errors import ConfigError

    path = tmp_path / "rules.yaml"
    path.write_text("radius_m: 150\ncategories:\n  noise:\n    env: [{metric: laeq, above: 65}]\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.radius_m == 150 and rules.for_category("noise").env[0].above == 65
    assert rules.for_category("flooding").radius_m == 500          # the shipped categories stay
    path.write_text("categories:\n  noise:\n    env: [{metric: loudness, above: 65}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"categories.noise.env\[0\].metric: unknown metric 'loudness'"):
        load_rules(path)


def test_corroborate_cli_judges_every_open_report(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                                  settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    from smartward.cli import main

    lon, lat = wards["22366"]
    add_device(db, "env-near", "env", *offset(lon, lat, east_m=40))
    _env(db, "env-near", AT, laeq=81.0)
    ids = [_report(db, "noise", lon, lat), _report(db, "roads", lon, lat)]
    assert main(["--database-url", str(settings.database_url), "reports", "corroborate"]) == 0
    out = capsys.readouterr().out
    assert "2 reports judged" in out and "corroborated 1" in out and "no sensor 1" in out
    assert db.execute("SELECT report_id, verdict FROM report_evidence ORDER BY report_id").fetchall() == [
        (ids[0], "corroborated"), (ids[1], "no_sensor")]
