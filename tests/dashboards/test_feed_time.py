"""Nothing on a wall is dated in the future: a camera or a status whose clock runs ahead (the contract tolerates
ten minutes of skew) must not put an entry in the feed later than the wall's own clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.queries import devices, events
from dashboards.views import wall
from ioc.config import Settings

OPTS = {"lang": "en", "theme": "dark", "ward": None, "rotate": 0}
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _skewed_camera(db: psycopg.Connection, now: datetime) -> None:
    """A camera 45 s ahead: its event received a second ago says it happened 44 s from now."""
    db.execute("""INSERT INTO devices (device_id, kind, name, registered, online, online_changed_at)
                  VALUES ('cam-fast', 'camera', 'Fast clock', true, false, %s)""", [now + timedelta(seconds=45)])
    db.execute("""INSERT INTO camera_events (ts, device_id, received_at, type, confidence)
                  VALUES (%s, 'cam-fast', %s, 'accident', 0.9), (%s, 'cam-fast', %s, 'crowd', 0.8)""",
               [now + timedelta(seconds=44), now - timedelta(seconds=1),
                now - timedelta(minutes=3), now - timedelta(minutes=3)])
    db.commit()


def test_the_feed_queries_date_nothing_after_the_wall_clock(db: psycopg.Connection, pool: ConnectionPool) -> None:
    now = datetime.now(UTC)
    _skewed_camera(db, now)
    found = events.newest(pool, 10, now=now)
    assert list(found["type"]) == ["accident", "crowd"]          # the skewed event is shown, dated when received
    assert (found["ts"] <= now).all() and found["ts"].iloc[0] == now - timedelta(seconds=1)
    assert events.newest(pool, 10, now=now - timedelta(seconds=2))["type"].tolist() == ["crowd"]
    assert devices.state_changes(pool, 10, now=now).empty       # the status change comes when its time does
    assert len(devices.state_changes(pool, 10, now=now + timedelta(minutes=1))) == 1


def test_the_wall_feed_shows_no_entry_after_its_render_time(db: psycopg.Connection, settings: Settings,
                                                            pool: ConnectionPool) -> None:
    now = datetime.now(UTC)
    _skewed_camera(db, now)
    out = wall.wall_refresh(context.IocContext(settings, given=pool), {"i": 0, "ward": None}, OPTS, now)
    feed = json.dumps(out[4], default=lambda c: c.to_plotly_json())
    times = [li.children[0].children for li in out[4]]
    assert len(times) == 2 and "Fast clock" in feed
    assert max(times) <= now.astimezone(TZ).strftime("%H:%M:%S")


def test_feed_items_drop_what_is_dated_after_now() -> None:
    import pandas as pd

    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    camera = pd.DataFrame({"ts": [now + timedelta(seconds=45), now], "type": ["accident", "crowd"],
                           "name": ["a", "b"]})
    changes = pd.DataFrame({"ts": [now + timedelta(seconds=5)], "online": [True], "name": ["c"]})
    items = wall.feed_items(camera, changes, now, TZ, "en")
    assert len(items) == 1 and "b" in json.dumps(items, default=lambda c: c.to_plotly_json())
