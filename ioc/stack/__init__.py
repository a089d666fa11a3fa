"""The local stack for machines without Docker: a private PostgreSQL (+TimescaleDB, PostGIS) and Mosquitto.

A service is private only when its URL is not configured; a configured ``IOC_DATABASE_URL`` or ``IOC_MQTT_URL``
is used as it is and never started or stopped by us.

The private Mosquitto refuses anonymous clients. :func:`endpoints` hands out its ``ioc`` account (read and write
``ioc/#``: what processes started by hand and tests need); :func:`account_url` gives the narrower ``ingester``
(read only) and ``gateway`` (write only) accounts that ``ioc demo`` passes to the ingester and the simulators.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ioc.config import Settings, mask_url
from ioc.stack._mosquitto import PrivateMosquitto
from ioc.stack._postgres import PrivatePostgres
from ioc.stack._redis import PrivateRedis
from ioc.stack._state import MqttState, PgState, RedisState, StackState

__all__ = ["Endpoints", "ServiceStatus", "account_url", "bridge_password", "down", "endpoints", "redis_url",
           "reload_broker", "status", "up"]


@dataclass(frozen=True)
class Endpoints:
    database_url: str
    mqtt_url: str


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    managed: bool        # a private instance of ours (False: configured by URL)
    running: bool
    healthy: bool
    url: str             # masked
    detail: str = ""


def _state_dir(settings: Settings) -> Path:
    path = settings.state_dir.resolve()
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)   # the postgres and mosquitto accounts must traverse it
    return path


def up(settings: Settings, mqtt_auth_conf: str = "", *, redis: bool = False) -> Endpoints:
    """Start what is not configured by URL; idempotent. Returns the URLs every process should use. ``redis``: also
    a private Redis for the dashboards' shared cache (unless ``IOC_REDIS_URL`` names one)."""
    root = _state_dir(settings)
    state = StackState.load(root)
    if settings.database_url is None:
        state.postgres = PrivatePostgres(root).ensure(state.postgres)
        state.save(root)
    if settings.mqtt_url is None:
        state.mosquitto = PrivateMosquitto(root).ensure(state.mosquitto, mqtt_auth_conf)
        state.save(root)
    if (redis or state.redis is not None) and settings.redis_url is None:
        state.redis = PrivateRedis(root).ensure(state.redis)
        state.save(root)
    return endpoints(settings, state)


def redis_url(settings: Settings) -> str | None:
    """The configured ``IOC_REDIS_URL``, else the private Redis's when one runs, else None (each dashboard server
    then keeps its own cache)."""
    if settings.redis_url is not None:
        return settings.redis_url
    root = settings.state_dir.resolve()
    state = StackState.load(root) if (root / "stack.json").exists() else None
    if state is None or state.redis is None or not PrivateRedis(root).running():
        return None
    return state.redis.url()


def endpoints(settings: Settings, state: StackState | None = None) -> Endpoints:
    """The configured URLs, or those of the private stack (which must have been brought up)."""
    from ioc.errors import StackError

    state = state or StackState.load(settings.state_dir.resolve())
    db, mq = settings.database_url, settings.mqtt_url
    if db is None:
        if state.postgres is None:
            raise StackError("no database configured and no local stack: run `ioc stack up` or set IOC_DATABASE_URL")
        db = state.postgres.url()
    if mq is None:
        if state.mosquitto is None:
            raise StackError("no MQTT broker configured and no local stack: run `ioc stack up` or set IOC_MQTT_URL")
        mq = state.mosquitto.url("ioc")
    return Endpoints(db, mq)


def account_url(settings: Settings, account: str) -> str:
    """The private broker's URL for a service account (``ingester``, ``gateway``); a configured IOC_MQTT_URL as is."""
    from ioc.errors import StackError

    if settings.mqtt_url is not None:
        return settings.mqtt_url
    state = StackState.load(settings.state_dir.resolve())
    if state.mosquitto is None or account not in state.mosquitto.accounts:
        raise StackError(f"the local stack has no MQTT account {account!r}: run `ioc stack up`")
    return state.mosquitto.url(account)


def reload_broker(settings: Settings) -> bool:
    """Write the private broker's password file and ACL again and make it reload them; False when it is not ours
    or not running."""
    if settings.mqtt_url is not None:
        return False
    root = settings.state_dir.resolve()
    state = StackState.load(root)
    mq = PrivateMosquitto(root)
    if state.mosquitto is None or not mq.running():
        return False
    mq.write_auth(state.mosquitto)
    return mq.reload()


def bridge_password(settings: Settings, district: str) -> str:
    """The password of district ``district``'s bridge account on the private (central) broker: made and added to its
    password file and ACL on first use (kept in stack.json), the same afterwards. The broker reloads if it runs."""
    import secrets

    from ioc.errors import StackError
    from ioc.stack.bridge import Bridge

    if settings.mqtt_url is not None:
        raise StackError("the broker is configured by IOC_MQTT_URL, not ours: add the bridge's account to it by hand "
                         "(docs/scaling.md, \"Bridged brokers\")")
    root = _state_dir(settings)
    state = StackState.load(root)
    if state.mosquitto is None:
        raise StackError("no private broker yet: run `ioc stack up` first")
    try:
        name = Bridge(district, "127.0.0.1", 1883, "x").username   # validates the district name
    except ValueError as exc:
        raise StackError(str(exc)) from exc
    accounts = dict(state.mosquitto.accounts)
    if name not in accounts:
        accounts[name] = secrets.token_urlsafe(24)
        state.mosquitto = MqttState(state.mosquitto.port, accounts)
        state.save(root)
        reload_broker(settings)
    return accounts[name]


def down(settings: Settings) -> list[str]:
    """Stop the private services; returns what was stopped."""
    root = settings.state_dir.resolve()
    stopped = []
    if settings.redis_url is None and PrivateRedis(root).stop():
        stopped.append("redis")
    if settings.mqtt_url is None and PrivateMosquitto(root).stop():
        stopped.append("mosquitto")
    if settings.database_url is None and PrivatePostgres(root).stop():
        stopped.append("postgresql")
    return stopped


def status(settings: Settings) -> list[ServiceStatus]:
    root = settings.state_dir.resolve()
    state = StackState.load(root)
    found = [_pg_status(settings, root, state.postgres), _mqtt_status(settings, root, state.mosquitto)]
    if settings.redis_url is not None or state.redis is not None:
        found.append(_redis_status(settings, root, state.redis))
    return found


def _redis_status(settings: Settings, root: Path, st: RedisState | None) -> ServiceStatus:
    """Optional: the dashboards serve without it (each server then caches for itself), so it is shown, not needed."""
    if settings.redis_url is not None:
        import redis

        try:
            redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            problem = ""
        except redis.RedisError as exc:
            problem = str(exc) or type(exc).__name__
        return ServiceStatus("redis", False, not problem, not problem, mask_url(settings.redis_url) or "", problem)
    rd = PrivateRedis(root)
    if st is None or not rd.running():
        return ServiceStatus("redis", True, False, False, "", "not running: `ioc stack up --redis`")
    problem = rd.health(st)
    return ServiceStatus("redis", True, True, not problem, mask_url(st.url()) or "", problem or f"pid {rd.pid()}")


def _pg_status(settings: Settings, root: Path, st: PgState | None) -> ServiceStatus:
    import psycopg

    if settings.database_url is not None:
        try:
            with psycopg.connect(settings.database_url, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            problem = ""
        except psycopg.Error as exc:
            problem = str(exc).strip().splitlines()[0]
        return ServiceStatus("postgresql", False, not problem, not problem, mask_url(settings.database_url) or "",
                             problem)
    pg = PrivatePostgres(root)
    if st is None or not pg.running():
        return ServiceStatus("postgresql", True, False, False, "", "not running: `ioc stack up`")
    problem = pg.health(st)
    return ServiceStatus("postgresql", True, True, not problem, mask_url(st.url()) or "", problem or f"pid {pg.pid()}")


def _mqtt_status(settings: Settings, root: Path, st: MqttState | None) -> ServiceStatus:
    from ioc.mqtt import MqttTarget, probe

    if settings.mqtt_url is not None:
        problem = probe(MqttTarget.parse(settings.mqtt_url))
        return ServiceStatus("mosquitto", False, not problem, not problem, mask_url(settings.mqtt_url) or "", problem)
    mq = PrivateMosquitto(root)
    if st is None or not mq.running():
        return ServiceStatus("mosquitto", True, False, False, "", "not running: `ioc stack up`")
    problem = probe(MqttTarget.parse(st.url("ioc")))
    return ServiceStatus("mosquitto", True, True, not problem, mask_url(st.url("ioc")) or "",
                         problem or f"pid {mq.pid()}")
