"""``ioc incidents demo`` makes what the demo city shows: camera detections published over MQTT and stored by the
real ingester, residents' reports, and the suggester's incidents, handled as a duty operator would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from pipelines.incidents import demo, queries
from tests.incidents.support import TZ, city, offset, place
from tests.pipelines.ingest_support import options, running

pytestmark = pytest.mark.integration


def test_the_demo_makes_a_resolved_flood_one_in_progress_and_an_accident_waiting(
        db: psycopg.Connection, db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    for i, (ward, (lon, lat)) in enumerate(sorted(city(db).items())):
        place(db, f"cam-{i}", "camera", *offset(lon, lat, east_m=50), ward=ward)
    now = datetime.now(UTC).replace(microsecond=0)
    with running(options(db_url, mqtt_url, tmp_path)):
        assert demo.run(db, mqtt_url, TZ, now) == 3
        assert demo.run(db, mqtt_url, TZ, now) == 0          # a second start of the demo adds nothing
    found = db.execute("SELECT id, type, status FROM incidents ORDER BY opened_at").fetchall()
    assert [(t, s) for _, t, s in found] == [("flooding", "resolved"), ("flooding", "confirmed"),
                                             ("traffic_accident", "suggested")]
    steps = queries.steps(db, found[1][0], now)
    assert [s["current"] for s in steps] == [False, True, False, False] and steps[0]["done_at"] is not None
    assert db.execute("SELECT count(*) FROM incident_items WHERE source = 'camera_event'").fetchone() == (4,)
    answered = db.execute("SELECT count(*) FROM reports WHERE status = 'resolved' AND public_response IS NOT NULL"
                          ).fetchone()
    assert answered == (3,)      # yesterday's three reporters had their answer from the incident
