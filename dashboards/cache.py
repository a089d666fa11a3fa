"""A short-lived cache for the dashboards' expensive reads, shared by every server when ``IOC_REDIS_URL`` is set.

Unset, each server process keeps its own (:class:`MemoryCache`): one box needs nothing new. Set, every dashboard
server behind one address reads and writes one Redis (:class:`RedisCache`), so a wall snapshot computed by one
server is served by the others for the rest of its time bucket instead of each server reading the database again.

What is cached is a value *and when it was read* (:class:`Cached`): a caller shows the data's age from that as-of
time, never from the moment it serves the copy, so a stale banner stays honest. Keys are a name, the query's scope
and the time bucket (``ttl`` seconds wide, aligned on the epoch): a bucket ends, the key changes, the next request
reads fresh data. TTLs are a few seconds, matched to how often the data changes (the wall ticks every 5 s).

Redis down, slow or refusing: the cache is bypassed (the value is computed, as without a cache), logged once a
minute, and Redis is not tried again for a few seconds, so a dead Redis costs no timeouts per callback. Values are
pickled: the Redis must be private to the dashboard servers (a password, a private network or loopback).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
PREFIX = "ioc:cache:v1:"   # bump when a cached value's shape changes: servers of two versions never share values
RETRY_AFTER_S = 5.0         # after a Redis failure, bypass it this long
LOG_EVERY_S = 60.0


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    as_of: datetime      # when the value was read from the database (UTC)
    hit: bool            # served from the cache (False: computed for this call)


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl_s: float) -> None: ...


class MemoryCache:
    """One process's cache: a bounded LRU of (expiry, bytes)."""

    def __init__(self, max_entries: int = 256) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return found[1]

    def set(self, key: str, value: bytes, ttl_s: float) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + ttl_s, value)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)


class RedisCache:
    """Redis shared by the servers; every failure is a miss (get) or a no-op (set), never an error page."""

    def __init__(self, url: str, timeout_s: float = 0.25) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        self._error = redis.RedisError
        self._down_until = 0.0
        self._logged = 0.0
        self._lock = threading.Lock()
        self.url = url

    def get(self, key: str) -> bytes | None:
        if time.monotonic() < self._down_until:
            return None
        try:
            found = self._redis.get(key)
        except self._error as exc:
            self._failed(exc)
            return None
        return found if isinstance(found, bytes) else None

    def set(self, key: str, value: bytes, ttl_s: float) -> None:
        if time.monotonic() < self._down_until:
            return
        try:
            self._redis.set(key, value, px=max(1, int(ttl_s * 1000)))
        except self._error as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        from ioc.config import mask_url

        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_AFTER_S
            if now - self._logged >= LOG_EVERY_S or not self._logged:
                self._logged = now
                log.warning("the shared cache %s failed (%s): serving without it, retrying in %.0f s",
                            mask_url(self.url), exc, RETRY_AFTER_S)


def from_url(url: str | None) -> Store:
    """Redis when a URL is configured, else this process's own cache."""
    return RedisCache(url) if url else MemoryCache()


def key(name: str, scope: Hashable, bucket: int) -> str:
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()[:20]
    return f"{PREFIX}{name}:{digest}:{bucket}"


def cached(store: Store | None, name: str, scope: Hashable, now: datetime, ttl_s: float,
           compute: Callable[[], T]) -> Cached[T]:
    """The value of ``compute()`` for (name, scope) in the time bucket of ``now``, from ``store`` when another call
    (of this server or another) computed it already. ``store`` None: computed every time."""
    if store is None:
        return Cached(compute(), now, False)
    bucket = int(now.timestamp() // ttl_s)
    k = key(name, scope, bucket)
    raw = store.get(k)
    if raw is not None:
        try:
            value, as_of = pickle.loads(raw)   # noqa: S301 - a private cache only our servers write (see above)
            return Cached(value, as_of, True)
        except Exception:   # a value of another version or a torn write: recompute it
            log.warning("dropping an unreadable cached value %s", k)
    value = compute()
    store.set(k, pickle.dumps((value, now), protocol=pickle.HIGHEST_PROTOCOL), ttl_s)
    return Cached(value, now, False)


def describe(store: Store) -> dict[str, Any]:
    """For /healthz and logs: which cache this server uses."""
    from ioc.config import mask_url

    if isinstance(store, RedisCache):
        return {"kind": "redis", "url": mask_url(store.url)}
    return {"kind": "memory"}
