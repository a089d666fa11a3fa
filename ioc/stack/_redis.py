"""A private Redis under the state dir (``ioc stack up --redis``): the dashboard servers' shared cache.

Loopback only, a generated password, no persistence (a cache: a restart starts empty), bounded memory with LRU
eviction. Several dashboard servers on one machine share it; across machines, point ``IOC_REDIS_URL`` at one Redis.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

from ioc.errors import StackError
from ioc.stack import _proc
from ioc.stack._state import RedisState

log = logging.getLogger(__name__)


class PrivateRedis:
    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir.resolve() / "redis"
        self.conf = self.root / "redis.conf"
        self.pid_file = self.root / "redis.pid"
        self.log_file = self.root / "redis.log"

    def ensure(self, state: RedisState | None) -> RedisState:
        binary = _proc.require("redis-server", ["/usr/bin/redis-server"], package="redis-server")
        state = state or RedisState(_proc.free_port(), secrets.token_urlsafe(24))
        if self.running():
            return state
        if _proc.port_in_use(state.port):
            state = RedisState(_proc.free_port(), state.password)
        self._write_conf(state)
        log.info("starting the private Redis on 127.0.0.1:%d", state.port)
        _proc.run([binary, str(self.conf)])
        deadline = time.monotonic() + 15
        while self.health(state):
            if time.monotonic() > deadline:
                raise StackError(f"the private Redis did not start: {_proc.log_tail(self.log_file)}")
            time.sleep(0.1)
        return state

    def _write_conf(self, state: RedisState) -> None:
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        text = (
            "# written by ioc stack: a private cache, loopback only\n"
            f"bind 127.0.0.1\nport {state.port}\nprotected-mode yes\n"
            f"requirepass {state.password}\n"
            f"daemonize yes\npidfile {self.pid_file}\nlogfile {self.log_file}\ndir {self.root / 'data'}\n"
            # a cache: nothing on disk, and the oldest entries go when it is full
            "save \"\"\nappendonly no\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\n"
        )
        fd = os.open(self.conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)   # it holds the password
        with os.fdopen(fd, "w") as fh:
            fh.write(text)

    def pid(self) -> int | None:
        return _proc.read_pid(self.pid_file)

    def running(self) -> bool:
        pid = self.pid()
        return pid is not None and _proc.pid_alive(pid)

    def stop(self) -> bool:
        return _proc.stop_pid(self.pid_file)

    def health(self, state: RedisState) -> str:
        """'' when Redis answers PING within a second, else why not."""
        import redis

        try:
            redis.Redis.from_url(state.url(), socket_timeout=1, socket_connect_timeout=1).ping()
        except redis.RedisError as exc:
            return str(exc) or type(exc).__name__
        return ""
