"""Dead letters stored once per message, capped, and budgeted per device (issue 14, item 3).

Real broker and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import psycopg

from pipelines.ingest.deadletters import PAYLOAD_CAP
from pipelines.ingest.refusals import DeadLetterBudget
from pipelines.ingest.service import Ingester
from tests.pipelines.fault_support import started
from tests.pipelines.ingest_support import options
from tests.support import count, publish_all, wait_until


def invalid_array(device: str, n: int) -> tuple[str, bytes]:
    """n readings with pm25 below its range, padded like a real multi-metric sensor (about 230 bytes each)."""
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    items = [{"ts": (t0 + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"), "seq": i, "pm25": -5.0,
              "pm10": 41.25, "no2": 18.5, "o3": 22.75, "co": 0.45, "so2": 3.5, "temperature": 29.25,
              "relative_humidity": 0.71, "laeq": 61.5, "precipitation": 0.0, "water_level": 0.12} for i in range(n)]
    return f"ioc/v1/env/{device}/telemetry", orjson.dumps(items)


def stored_bytes(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT (SELECT coalesce(sum(pg_column_size(m.*)), 0) FROM dead_letter_messages m) + "
                       "(SELECT coalesce(sum(pg_column_size(r.*)), 0) FROM dead_letter_reasons r)").fetchone()
    assert row is not None
    return int(row[0])


def test_an_array_of_invalid_readings_stores_its_payload_once(db_url: str, mqtt_url: str, tmp_path: Path,
                                                             db: psycopg.Connection) -> None:
    topic, payload = invalid_array("env-dl-1", 1000)
    assert len(payload) > 200_000
    with started(Ingester(options(db_url, mqtt_url, tmp_path))):
        publish_all(mqtt_url, [(topic, payload)])
        wait_until(lambda: count(db_url, "SELECT count(*) FROM dead_letter_reasons") == 1000, 30,
                   what="1000 reasons")
    msg = db.execute("SELECT length(payload), payload_bytes, reasons, device_id FROM dead_letter_messages").fetchall()
    assert msg == [(PAYLOAD_CAP, len(payload), 1000, "env-dl-1")]
    # was 20 copies of the payload's size (4.6 MB for 230 KB); now less than the payload itself
    assert stored_bytes(db) < len(payload)
    # readers keep the old shape: one row per refused element, with its index and its message's (capped) payload
    rows = db.execute("SELECT element_index, code, field, reason, length(payload) FROM dead_letters "
                      "WHERE device_id = 'env-dl-1' ORDER BY element_index").fetchall()
    assert len(rows) == 1000 and rows[7][:3] == (7, "out_of_range", "pm25")
    assert rows[7][3].startswith("element 7: ") and rows[7][4] == PAYLOAD_CAP


def test_one_device_cannot_spend_the_others_dead_letter_budget(db_url: str, mqtt_url: str, tmp_path: Path,
                                                              db: psycopg.Connection) -> None:
    ing = Ingester(options(db_url, mqtt_url, tmp_path))
    ing.writer.budget = DeadLetterBudget(burst=40_000, per_hour=0)
    flood = [invalid_array("env-flood", 20) for _ in range(30)]
    with started(ing):
        publish_all(mqtt_url, [*flood, invalid_array("env-quiet", 3)])
        wait_until(lambda: ing.counters.dead_letters_over_budget + count(
            db_url, "SELECT count(*) FROM dead_letter_messages WHERE device_id = 'env-flood'") == 30, 30,
            what="all 30 flood messages either stored or counted")
        wait_until(lambda: count(db_url, "SELECT count(*) FROM dead_letter_messages WHERE device_id = 'env-quiet'"),
                   30, what="the quiet device's dead letter")
    kept = count(db_url, "SELECT count(*) FROM dead_letter_messages WHERE device_id = 'env-flood'")
    assert 1 <= kept <= 10
    over = db.execute("SELECT sum(messages), sum(readings), max(last_reason) FROM dead_letter_overflow "
                      "WHERE device_id = 'env-flood'").fetchone()
    assert over is not None and over[0] == 30 - kept and over[1] == 20 * (30 - kept)
    assert "pm25" in over[2]
    assert count(db_url, "SELECT count(*) FROM dead_letter_reasons r JOIN dead_letter_messages m "
                         "ON m.id = r.message_id WHERE m.device_id = 'env-quiet'") == 3
