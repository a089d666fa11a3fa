"""Reference (b) of the ingest benchmarks: one INSERT per message, no batching, no checks (what we must beat)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import paho.mqtt.client as mqtt
import psycopg


def naive_insert(conn: psycopg.Connection) -> Callable[[mqtt.MQTTMessage], None]:
    """An on-message handler storing each env reading with its own INSERT on an autocommit connection."""

    def insert(m: mqtt.MQTTMessage) -> None:
        body = orjson.loads(m.payload)
        conn.execute("INSERT INTO env_telemetry (ts, device_id, seq, received_at, pm25, temperature, relative_humidity)"
                     " VALUES (to_timestamp(%s / 1000.0), %s, %s, now(), %s, %s, %s) ON CONFLICT DO NOTHING",
                     [body["ts"], m.topic.split("/")[3], body["seq"], body["pm25"], body["temperature"],
                      body["relativeHumidity"]])

    return insert
