"""The living demo's field reports: dated relative to now, handled through the real workflow by the right
department (most on time, a few overdue, some waiting for the citizen), idempotent when ticked, with evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ioc.data import data_path
from layers.assign import assign_devices
from layers.wardfile import Fields
from layers.wards import import_wards_file
from pipelines.reports import demo_db, demo_plan
from tests.reports.helpers import TZ, add_device, offset

WARDS = data_path("boundaries/wards_2025.geojson")
NHA_TRANG = ("22333", "22366", "22390", "22402")

NOW = datetime.now(UTC).replace(microsecond=0)


def test_an_hour_gives_the_same_reports_whichever_call_asks() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    whole = list(demo_plan.arrivals(start, start + timedelta(days=2), 7, TZ))
    split = [*demo_plan.arrivals(start, start + timedelta(hours=30, minutes=17), 7, TZ),
             *demo_plan.arrivals(start + timedelta(hours=30, minutes=17), start + timedelta(days=2), 7, TZ)]
    assert whole == split
    assert 25 <= len(whole) <= 90          # a few an hour by day, fewer at night
    assert len({a.external_id for a in whole}) == len(whole)


def test_a_fate_never_dates_a_step_before_the_last_entry() -> None:
    fate = demo_plan.Fate("on_time", timedelta(minutes=30), 0.1, 0.3, 0.2, timedelta(hours=1), timedelta(days=1))
    t0 = datetime(2026, 11, 2, 2, tzinfo=UTC)
    snap = demo_plan.Snapshot("DEMO-2026110202-0", "noise", "in_progress", "urban_order", t0, t0 + timedelta(days=2),
                              None, None, False, last_at=t0 + timedelta(days=1))
    step = demo_plan.next_step(snap, fate)
    assert step is not None and step.action.kind == "resolve" and step.action.response
    assert step.at > snap.last_at


@pytest.fixture
def city(db: psycopg.Connection) -> psycopg.Connection:
    db.autocommit = True
    import_wards_file(db, WARDS, fields=Fields(None, None, None, None), valid_from=date(2025, 7, 1), valid_to=None,
                      assume_crs=None)
    inside = db.execute("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM wards "
                        "WHERE code = ANY(%s) ORDER BY code) w", [list(NHA_TRANG)]).fetchall()
    for i, (lon, lat) in enumerate(inside):
        add_device(db, f"env-{i}", "env", lon, lat)
        add_device(db, f"cam-{i}", "camera", *offset(lon, lat, east_m=300))
    assign_devices(db)
    return db


def _one(db: psycopg.Connection, query: str, *args: object) -> Any:
    row = db.execute(query, list(args)).fetchone()
    assert row is not None
    return row[0]


def test_sixty_days_of_history_look_like_a_city_that_works(city: psycopg.Connection) -> None:
    done = demo_db.advance(city, NOW - timedelta(days=60), NOW, seed=2026, tz=TZ)
    total = int(_one(city, "SELECT count(*) FROM reports"))
    assert done.inserted == total and 1200 <= total <= 2600      # about 32 a day
    assert _one(city, "SELECT max(submitted_at) FROM reports") > NOW - timedelta(hours=6)
    assert _one(city, "SELECT max(at) FROM report_history") <= NOW          # nothing dated in the future
    finished = int(_one(city, "SELECT count(*) FROM reports WHERE resolved_at IS NOT NULL"))
    on_time = int(_one(city, "SELECT count(*) FROM reports WHERE outcome = 'resolved' AND resolved_at <= due_at"))
    assert on_time / finished > 0.7
    open_now = int(_one(city, "SELECT count(*) FROM reports WHERE status IN ('received', 'assigned', 'in_progress')"))
    overdue = int(_one(city, "SELECT count(*) FROM reports WHERE status IN ('received', 'assigned', 'in_progress') "
                             "AND due_at < coalesce(paused_since, %s)", NOW))
    assert 0 < overdue < open_now / 2 and open_now < total / 5
    assert _one(city, "SELECT count(*) FROM reports WHERE paused_since IS NOT NULL") > 0
    assert _one(city, "SELECT count(*) FROM reports WHERE status = 'rejected' OR outcome = 'rejected'") > 0
    # handled by the department the category names, with a public answer and a genuine history
    assert _one(city, """SELECT count(*) FROM reports r JOIN report_categories c ON c.code = r.category
                         WHERE r.department IS DISTINCT FROM c.department""") == 0
    assert _one(city, "SELECT count(*) FROM reports WHERE resolved_at IS NOT NULL AND public_response IS NULL") == 0
    assert _one(city, """SELECT count(*) FROM reports r WHERE r.status = 'closed' AND (SELECT array_agg(action
                         ORDER BY at, id) FROM report_history h WHERE h.report_id = r.id)
                         NOT IN ('{receive,assign,start,resolve,close}', '{receive,assign,reject,close}',
                                 '{receive,assign,start,pause,resume,resolve,close}')""") == 0
    assert _one(city, "SELECT count(*) FROM report_evidence") == total


def test_ticking_adds_new_reports_and_moves_old_ones_without_repeating(city: psycopg.Connection) -> None:
    start = NOW - timedelta(days=5)
    demo_db.advance(city, start, NOW - timedelta(hours=6), seed=3, tz=TZ)
    before = int(_one(city, "SELECT count(*) FROM report_history"))
    again = demo_db.advance(city, start, NOW - timedelta(hours=6), seed=3, tz=TZ)
    assert again.inserted == 0 and not again.actions
    assert _one(city, "SELECT count(*) FROM report_history") == before
    later = demo_db.advance(city, NOW - timedelta(hours=7), NOW, seed=3, tz=TZ)
    assert later.inserted > 0 and later.actions
    assert _one(city, "SELECT max(submitted_at) FROM reports") > NOW - timedelta(hours=3)


def test_a_recent_report_is_corroborated_by_the_station_next_to_it(city: psycopg.Connection) -> None:
    """Judged at arrival (the station has said nothing yet), judged again on the next tick once it has."""
    start = NOW - timedelta(days=2)
    noise = next(a for a in demo_plan.arrivals(start, NOW, 11, TZ) if a.category == "noise")
    demo_db.advance(city, start, noise.submitted_at + timedelta(minutes=5), seed=11, tz=TZ)
    report_id, device = city.execute("""
        SELECT r.id, d.device_id FROM reports r JOIN devices d ON d.kind = 'env'
        WHERE r.external_id = %s ORDER BY ST_Distance(d.location::geography, r.geom::geography) LIMIT 1""",
                                     [noise.external_id]).fetchone() or (None, None)
    assert _one(city, "SELECT verdict FROM report_evidence WHERE report_id = %s", report_id) != "corroborated"
    city.execute("INSERT INTO env_telemetry (ts, device_id, received_at, laeq) VALUES (%s, %s, %s, 88)",
                 [noise.submitted_at, device, noise.submitted_at])
    demo_db.advance(city, noise.submitted_at, noise.submitted_at + timedelta(minutes=6), seed=11, tz=TZ)
    assert _one(city, "SELECT verdict FROM report_evidence WHERE report_id = %s", report_id) == "corroborated"


def test_the_old_fixed_date_sample_is_retired_and_nothing_else(city: psycopg.Connection, tmp_path: Path) -> None:
    from pipelines.reports import intake, readers

    sample = data_path("reports/demo_reports.csv")
    old = intake.import_file(city, readers.open_table(sample), {}, tz=TZ, now=NOW, actor="import:demo_reports.csv")
    lines = sample.read_text(encoding="utf-8").splitlines()
    hotline = tmp_path / "hotline.csv"           # one of the same rows, from another channel and another file
    hotline.write_text("\n".join([lines[0], lines[1].replace(",zalo,", ",web,", 1)]) + "\n", encoding="utf-8")
    kept = intake.import_file(city, readers.open_table(hotline), {}, tz=TZ, now=NOW, actor="import:hotline.csv")
    assert (old.imported, kept.imported) == (160, 1)
    demo_db.advance(city, NOW - timedelta(hours=3), NOW, seed=1, tz=TZ)
    assert demo_db.retire_old_sample(city) == 160
    assert _one(city, "SELECT count(*) FROM reports WHERE external_id ~ '^DEMO-[0-9]{4}$'") == 1
    assert _one(city, "SELECT count(*) FROM reports WHERE external_id ~ %s", demo_db.OWN) > 0
