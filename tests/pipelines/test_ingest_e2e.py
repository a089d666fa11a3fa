"""End to end with a real Mosquitto and a real TimescaleDB: publish with a real client, count rows exactly."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

from ioc.stack._proc import free_port
from tests.pipelines.ingest_support import distinct_readings, options, running, stored, valid_messages, wait_stored
from tests.support import count, publish_all, wait_until

INVALID = [
    ("ioc/v1/env/bad-1/telemetry", b"{not json"),                       # malformed JSON
    ("ioc/v1/env/bad-1/telemetry", b"\xff\xfe\x00"),                   # not UTF-8
    ("ioc/v1/env/bad-1/telemetry", b'{"pm25": "high"}'),               # wrong type
    ("ioc/v1/env/bad-1/telemetry", b'{"pm25": 5000}'),                 # out of range
    ("ioc/v1/env/bad-1/telemetry", b'{"note": "no metric"}'),          # no metric
    ("ioc/v1/drone/bad-1/telemetry", b'{"x": 1}'),                     # unknown kind
    ("ioc/v1/env/bad-1/event", b'{"type": "other", "confidence": 1}'),  # unknown channel for env
    ("ioc/v1/camera/bad-1/telemetry", b'{"vehicles": 1, "people": 2, "pad": "' + b"x" * 270_000 + b'"}'),  # oversize
    ("ioc/v1/wifi/bad-1/telemetry", b'{"ts": "2026-11-21T08:00:00", "clients": 3, "new_sessions": 0, '
                                    b'"bytes_up": 0, "bytes_down": 0}'),                               # naive ts
]


def test_every_valid_message_stored_once_and_every_invalid_dead_lettered(db_url: str, mqtt_url: str,
                                                                         tmp_path: Path) -> None:
    messages = valid_messages(3000)
    port = free_port()
    with running(options(db_url, mqtt_url, tmp_path, metrics_port=port)) as ing:
        publish_all(mqtt_url, messages + INVALID)
        publish_all(mqtt_url, messages[:500])           # redelivered readings: stored once
        wait_until(lambda: ing.counters.stored + ing.counters.duplicates >= 3500 and
                   ing.counters.dead_lettered >= len(INVALID), 60, what="all messages written")
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    assert stored(db_url) == distinct_readings(db_url) == 3000
    assert count(db_url, "SELECT count(*) FROM dead_letters") == len(INVALID)
    assert ing.counters.duplicates == 500 and ing.counters.received == 3500 + len(INVALID)
    codes = {r for r in _column(db_url, "SELECT code FROM dead_letters")}
    assert codes == {"bad_json", "not_utf8", "wrong_type", "out_of_range", "no_metric", "unknown_kind",
                     "unknown_channel", "oversize", "bad_ts"}
    assert "ioc_ingest_stored_total" in metrics and "ioc_ingest_dead_lettered_total" in metrics
    assert count(db_url, "SELECT count(*) FROM devices WHERE NOT registered") == 150 + 1   # + bad-1 (valid topic)


def test_valid_message_is_stored_within_two_seconds(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    with running(options(db_url, mqtt_url, tmp_path)):
        start = time.monotonic()
        publish_all(mqtt_url, valid_messages(1))
        wait_stored(db_url, 1, timeout=5)
        assert time.monotonic() - start < 2.0


def test_two_workers_split_the_load_without_duplicates(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    messages = valid_messages(6000, devices=60)
    a = options(db_url, mqtt_url, tmp_path / "a", share_group="split")
    b = options(db_url, mqtt_url, tmp_path / "b", share_group="split")
    with running(a) as one, running(b) as two:
        publish_all(mqtt_url, messages)
        wait_stored(db_url, 6000, timeout=60)
        time.sleep(0.5)
    assert stored(db_url) == 6000 and one.counters.duplicates + two.counters.duplicates == 0
    assert one.counters.stored > 600 and two.counters.stored > 600, (one.counters.stored, two.counters.stored)
    assert one.counters.stored + two.counters.stored == 6000


def _column(db_url: str, query: str) -> list[object]:
    import psycopg

    with psycopg.connect(db_url) as conn:
        return [r[0] for r in conn.execute(query)]  # type: ignore[arg-type]
