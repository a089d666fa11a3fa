"""The dashboards' cache layer (dashboards/cache.py): buckets, the as-of time, honest ages, a dead Redis bypassed."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest

from dashboards import cache
from dashboards.queries.health import IngestStatus
from dashboards.views import wall
from ioc.stack._proc import free_port

T0 = datetime(2026, 12, 5, 3, 0, 0, tzinfo=UTC)   # on a 5 s bucket boundary


def test_a_value_is_shared_within_its_bucket_and_carries_its_as_of() -> None:
    store, calls = cache.MemoryCache(), []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    first = cache.cached(store, "x", ("w1",), T0, 5, compute)
    again = cache.cached(store, "x", ("w1",), T0 + timedelta(seconds=4.9), 5, compute)
    other_scope = cache.cached(store, "x", ("w2",), T0 + timedelta(seconds=1), 5, compute)
    next_bucket = cache.cached(store, "x", ("w1",), T0 + timedelta(seconds=5), 5, compute)
    assert (first.value, first.hit, again.value, again.hit) == (1, False, 1, True)
    assert again.as_of == T0                      # when it was read, not when it was served
    assert (other_scope.value, next_bucket.value) == (2, 3)
    assert cache.cached(None, "x", ("w1",), T0, 5, compute).value == 4   # no store: always computed


def test_memory_cache_expires_and_stays_bounded() -> None:
    store = cache.MemoryCache(max_entries=3)
    store.set("gone", b"1", 0.05)
    time.sleep(0.1)
    assert store.get("gone") is None
    for i in range(5):
        store.set(f"k{i}", b"v", 60)
    assert [store.get(f"k{i}") for i in range(5)] == [None, None, b"v", b"v", b"v"]


def _snapshot(commit_age_s: float) -> wall.WallSnapshot:
    import pandas as pd

    from dashboards.queries import report_counts, rollups

    ingest = IngestStatus(1, T0 - timedelta(seconds=commit_age_s), commit_age_s, 10.0, 10.0, 0.1, 0, 0.0)
    empty = pd.DataFrame()
    return wall.WallSnapshot(T0, empty, empty, empty, rollups.WifiCompare(None, None, 0, None), empty, ingest,
                             report_counts.ReportCounts(0, 0, 0, 0))


def test_a_cached_snapshot_never_looks_fresher_than_it_is() -> None:
    snap = _snapshot(100.0)
    shown = wall.seen_at(snap, T0 + timedelta(seconds=30))
    assert shown.ingest.commit_age_s == 130.0 and shown.now == T0 + timedelta(seconds=30)
    assert not snap.ingest.stale(120) and shown.ingest.stale(120)   # the banner shows on the cached copy too
    assert wall.banner(shown.ingest, 120, "en")[1]


def test_redis_down_is_a_logged_bypass_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    store = cache.RedisCache(f"redis://:pw@127.0.0.1:{free_port()}/0", timeout_s=0.2)   # nobody listens there
    with caplog.at_level(logging.WARNING, logger="dashboards.cache"):
        got = cache.cached(store, "x", (), T0, 5, lambda: "computed")
        started = time.monotonic()
        for _ in range(50):   # within the retry pause Redis is not tried: no timeout per call
            cache.cached(store, "x", (), T0, 5, lambda: "computed")
        assert time.monotonic() - started < 0.5
    assert got == cache.Cached("computed", T0, False)
    warnings = [r for r in caplog.records if "serving without it" in r.getMessage()]
    assert len(warnings) == 1 and ":pw@" not in warnings[0].getMessage()


def test_redis_url_is_checked_and_masked() -> None:
    from ioc import config
    from ioc.errors import ConfigError

    with pytest.raises(ConfigError, match="IOC_REDIS_URL: 'http://cache:6379' is not a redis URL"):
        config.load(redis_url="http://cache:6379")
    shown = config.load(redis_url="redis://:s3cret@cache:6379/0").masked()["redis_url"]
    assert "s3cret" not in shown and "cache:6379" in shown
    assert isinstance(cache.from_url(None), cache.MemoryCache)
    assert isinstance(cache.from_url("redis://:pw@127.0.0.1:1/0"), cache.RedisCache)
