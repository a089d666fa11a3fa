"""A street floods: a water-level gauge and a camera publish over MQTT (the real ingester stores them, the real
alarm evaluator raises its rule), residents report it. The suggester makes one incident of it, not three; running
it again changes nothing; a late report joins that incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ioc.data import data_path
from pipelines.alarms import rules, runner, store
from pipelines.incidents import queries, suggest
from sensors.contract import CameraEvent, EnvTelemetry, encode
from tests.incidents.support import city, offset, place, report
from tests.pipelines.ingest_support import options, running
from tests.reports.helpers import TZ
from tests.support import publish_all, wait_until

pytestmark = pytest.mark.integration


def water(device: str, at: datetime, seq: int, cm: float) -> tuple[str, bytes]:
    return encode(EnvTelemetry(at, device, seq, None, None, None, None, None, None, None, None, None, None, cm))


def test_a_flooded_street_is_one_suggested_incident_and_a_late_report_joins_it(db: psycopg.Connection,
                                                                                db_url: str, mqtt_url: str,
                                                                                tmp_path: Path) -> None:
    inside = city(db)
    (lon, lat), far = inside["22333"], inside["22402"]
    place(db, "wl-1", "env", lon, lat)
    db.execute("UPDATE devices SET attrs = attrs || %s WHERE device_id = 'wl-1'",   # a street drain's gauge, cm
               [Jsonb({"station": {"water_body": "drain", "water_levels_cm": [10, 20, 40]}})])
    place(db, "cam-1", "camera", *offset(lon, lat, east_m=120))
    store.save_rules(db, [r for r in rules.load(data_path("alarms/default_rules.yaml"))
                          if r.id == "water-level-ii"], "test")
    now = datetime.now(UTC).replace(microsecond=0)
    readings = [water("wl-1", now - timedelta(minutes=3 - i), i + 1, cm) for i, cm in enumerate([8, 16, 24, 31])]
    event = encode(CameraEvent(now - timedelta(minutes=1), "cam-1", 9, "flooding", 0.86, None, "nước ngập nửa bánh xe"))
    with running(options(db_url, mqtt_url, tmp_path)) as ing:
        publish_all(mqtt_url, [*readings, event])
        wait_until(lambda: ing.counters.stored >= 5, 15, what="the readings and the camera event stored")
    runner.cycle(db, TZ, 3600, now)
    runner.cycle(db, TZ, 3600, now + timedelta(seconds=300))     # the rule's `for: 5m` has run out
    # raised in a cycle with no newer reading: still the gauge's alarm, placed where the gauge is
    assert db.execute("SELECT rule_id, value, device_id, ward_code FROM alarms").fetchall() == [
        ("water-level-ii", 2.0, "wl-1", "22333")]
    for minutes, (east, north), text in [(-40, (0, 80), "Nước ngập ngang gối trước chợ"),
                                         (-15, (-150, 0), "Đường ngập, xe máy chết máy"),
                                         (0, (0, -250), "Cống tràn, nước không rút")]:
        report(db, "flooding", now + timedelta(minutes=minutes), *offset(lon, lat, east, north), text)
    report(db, "flooding", now, *far, "Ngập ở phường khác, xa 3 km")         # another place: not this incident
    report(db, "noise", now, lon, lat, "Karaoke quá 22 giờ")                  # another matter: not this incident

    first = suggest.cycle(db, now + timedelta(seconds=310))
    assert (first.suggested, first.joined) == (1, 0)
    assert db.execute("SELECT type, status, severity, owner, ward_codes, GeometryType(geom) FROM incidents"
                      ).fetchall() == [("flooding", "suggested", "major", "drainage", ["22333"], "POLYGON")]
    (incident_id,) = db.execute("SELECT id FROM incidents").fetchone() or (0,)
    assert sorted(s for s, in db.execute("SELECT source FROM incident_items")) == [
        "alarm", "camera_event", "report", "report", "report"]

    again = suggest.cycle(db, now + timedelta(seconds=320))
    assert (again.suggested, again.joined) == (0, 0)

    late = report(db, "flooding", now + timedelta(minutes=20), *offset(lon, lat, east_m=100), "Vẫn còn ngập")
    joined = suggest.cycle(db, now + timedelta(minutes=21))
    assert (joined.suggested, joined.joined) == (0, 1)
    assert db.execute("SELECT count(*) FROM incidents").fetchone() == (1,)
    assert (("report", str(late)) in {(i["source"], i["ref"]) for i in queries.items(db, incident_id)})
    actions = [a for a, in db.execute("SELECT action FROM incident_timeline ORDER BY id")]
    assert actions == ["suggested", *["attached"] * 6]
