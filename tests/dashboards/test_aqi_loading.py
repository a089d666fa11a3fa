"""The AQI tile while a backfill is being rolled up says it is loading history, not that no station has enough
data (which is false: the week is on its way)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg_pool import ConnectionPool

from dashboards.views import wall

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _text(tile: Any) -> str:
    return json.dumps(wall.tile_body(tile), default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def test_the_aqi_tile_says_loading_while_history_is_rolled_up(db: psycopg.Connection, pool: ConnectionPool) -> None:
    db.execute("""INSERT INTO devices (device_id, kind, name, location, registered)
                  VALUES ('env-1', 'env', 'Trạm 1', ST_SetSRID(ST_MakePoint(109.19, 12.24), 4326), true)""")
    db.execute("INSERT INTO rollup_dirty (source, minute) VALUES ('env_telemetry', now() - interval '6 days')")
    db.commit()
    now = datetime.now(UTC)
    loading = wall.snapshot(pool, now, None, TZ)
    assert loading.backlog == 1
    assert "Đang nạp dữ liệu lịch sử" in _text(wall.aqi_tile(loading, "vi"))
    assert "Loading history" in _text(wall.aqi_tile(loading, "en"))
    db.execute("DELETE FROM rollup_dirty")
    db.commit()
    done = wall.snapshot(pool, now, None, TZ)
    assert done.backlog == 0 and "No station has enough data" in _text(wall.aqi_tile(done, "en"))
