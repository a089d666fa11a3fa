"""Shared pieces of the social listening tests: the Nha Trang wards, a provider, a point inside a ward."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg

from pipelines.social import store
from pipelines.social.profile import Profile
from tests.dashboards import seed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)          # 10:00 local
NORTH, CENTRE = "22333", "22366"                        # Phường Bắc Nha Trang, Phường Nha Trang


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def city(db: psycopg.Connection, profile: Profile | None = None, name: str = "acme") -> store.Provider:
    seed.load_wards(db)
    return store.add_provider(db, name, profile, secret="s" * 40)


def inside(db: psycopg.Connection, code: str) -> tuple[float, float]:
    """(lon, lat) of a point inside the current ward ``code``."""
    row = db.execute("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM wards "
                     "WHERE code = %s AND valid_to IS NULL) x", [code]).fetchone()
    assert row is not None
    return float(row[0]), float(row[1])
