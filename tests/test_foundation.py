"""The foundation: settings precedence, the private stack, migrations yielding the documented schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from ioc import config, migrate
from ioc.errors import ConfigError, DatabaseUnavailable

REPO = Path(__file__).resolve().parents[1]

# The contract's "Storage" table: these names and meanings hold.
DOCUMENTED = {
    "devices": {"device_id", "kind", "name", "location", "ward_code", "registered", "last_seen_at", "online"},
    "env_telemetry": {"ts", "device_id", "seq", "received_at", "pm25", "pm10", "no2", "o3", "co", "so2", "temperature",
                      "relative_humidity", "laeq", "precipitation", "water_level"},
    "camera_telemetry": {"ts", "device_id", "seq", "received_at", "vehicles", "people", "avg_speed_kmh", "interval_s"},
    "camera_events": {"ts", "device_id", "seq", "received_at", "type", "confidence", "snapshot_url", "note"},
    "wifi_telemetry": {"ts", "device_id", "seq", "received_at", "clients", "new_sessions", "bytes_up", "bytes_down",
                       "interval_s"},
    "light_telemetry": {"ts", "device_id", "seq", "received_at", "device_type", "power_state", "commanded_power_state",
                        "illuminance_level", "active_power", "lamp_failure", "supply_loss", "lamp_unexpected_on",
                        "cabinet_door_open", "interval_s"},
    "device_status": {"ts", "device_id", "received_at", "online", "battery", "rssi", "firmware", "lat", "lon"},
    "dead_letters": {"received_at", "topic", "payload", "reason"},
    "wards": {"code", "name", "province", "geom", "valid_from", "valid_to"},
}
HYPERTABLES = {"env_telemetry", "camera_telemetry", "camera_events", "wifi_telemetry", "light_telemetry",
               "device_status"}


def test_settings_precedence_flag_over_env_over_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.load().http_port == 8050
    assert config.load().timezone == "Asia/Ho_Chi_Minh" and config.load().lang == "vi"
    monkeypatch.setenv("IOC_HTTP_PORT", "9000")
    assert config.load().http_port == 9000
    assert config.load(http_port=9100).http_port == 9100
    assert config.load(http_port=None).http_port == 9000


def test_settings_mask_secrets() -> None:
    s = config.load(database_url="postgresql://ioc:s3cret@db:5432/ioc", mqtt_url="mqtt://ing:pw@broker:1883")
    text = repr(s.masked())
    assert "s3cret" not in text and "pw@" not in text
    assert "postgresql://ioc:***@db:5432/ioc" in text


@pytest.mark.parametrize(("kwargs", "expect"), [
    ({"database_url": "mysql://x@y/z"}, "IOC_DATABASE_URL"),
    ({"database_url": "postgresql://ioc@db:99999/ioc"}, "port"),
    ({"mqtt_url": "http://broker"}, "IOC_MQTT_URL"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
])
def test_bad_settings_give_one_clear_line(kwargs: dict[str, str], expect: str) -> None:
    with pytest.raises(ConfigError) as err:
        config.load(**kwargs)
    assert expect in str(err.value) and "\n" not in str(err.value)


def _ioc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")} | (env or {})
    return subprocess.run([sys.executable, "-m", "smartward", *args], capture_output=True, text=True, env=full_env,
                          cwd=REPO, timeout=60, check=False)


def test_cli_bad_url_is_one_line_without_traceback() -> None:
    done = _ioc("migrate", env={"IOC_DATABASE_URL": "not a url"})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "IOC_DATABASE_URL" in done.stderr


def test_cli_unreachable_database_says_what_and_how(tmp_path: Path) -> None:
    from ioc.stack._proc import free_port

    done = _ioc("--state-dir", str(tmp_path), "migrate",
                env={"IOC_DATABASE_URL": f"postgresql://ioc:x@127.0.0.1:{free_port()}/ioc", "IOC_MQTT_URL": "mqtt://h"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot connect to PostgreSQL" in done.stderr and "IOC_DATABASE_URL" in done.stderr
    assert "x@" not in done.stderr   # the password stays masked


def test_db_connect_translates_driver_error() -> None:
    from ioc import db
    from ioc.stack._proc import free_port

    with pytest.raises(DatabaseUnavailable, match="cannot connect"):
        db.connect(f"postgresql://ioc:x@127.0.0.1:{free_port()}/ioc", timeout=2)


def test_migrations_yield_documented_tables_and_hypertables(db: psycopg.Connection) -> None:
    for table, columns in DOCUMENTED.items():
        found = {r[0] for r in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='public' AND table_name=%s",
            [table])}
        assert columns <= found, f"{table} lacks {columns - found}"
    hyper = {r[0] for r in db.execute("SELECT hypertable_name FROM timescaledb_information.hypertables")}
    assert HYPERTABLES <= hyper
    geo = dict(db.execute("SELECT f_table_name || '.' || f_geometry_column, type || ':' || srid "
                          "FROM geometry_columns").fetchall())
    assert geo["devices.location"] == "POINT:4326" and geo["wards.geom"] == "MULTIPOLYGON:4326"
    ts_types = {r[0] for r in db.execute(
        "SELECT data_type FROM information_schema.columns WHERE column_name IN ('ts', 'received_at') "
        "AND table_schema='public' AND table_name = ANY(%s)", [list(HYPERTABLES)])}
    assert ts_types == {"timestamp with time zone"}


def test_migrate_twice_changes_nothing(db: psycopg.Connection) -> None:
    before = db.execute("SELECT count(*), max(applied_at) FROM schema_migrations").fetchone()
    assert before is not None and before[0] == len(migrate.available())
    assert migrate.apply(db) == []
    assert db.execute("SELECT count(*), max(applied_at) FROM schema_migrations").fetchone() == before


def test_changed_migration_is_refused(db: psycopg.Connection, tmp_path: Path) -> None:
    from ioc.errors import MigrationError

    for mig in migrate.available():
        (tmp_path / mig.name).write_text(mig.sql + ("\n-- edited" if mig.version == 2 else ""))
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate.apply(db, tmp_path)


def test_duplicate_reading_is_stored_once(db: psycopg.Connection) -> None:
    for seq in (None, None, 7, 7, 8):
        db.execute("INSERT INTO camera_telemetry (ts, device_id, seq, received_at, vehicles, people, interval_s) "
                   "VALUES ('2026-11-21T01:00:00Z', 'cam-1', %s, now(), 5, 3, 60) ON CONFLICT DO NOTHING", [seq])
    assert db.execute("SELECT count(*) FROM camera_telemetry").fetchone() == (3,)


def test_private_stack_status_healthy_and_idempotent() -> None:
    from ioc import stack
    from tests.support import StackHandle, service_dir

    handle = StackHandle(service_dir("idem"))
    try:
        first = handle.up()
        assert handle.up() == first  # idempotent: same ports, nothing restarted
        states = stack.status(handle.settings)
        assert [(s.name, s.managed, s.healthy) for s in states] == [("postgresql", True, True),
                                                                     ("mosquitto", True, True)]
        with psycopg.connect(first.database_url) as conn:
            exts = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
            preload = conn.execute("SHOW shared_preload_libraries").fetchone()
        assert {"timescaledb", "postgis"} <= exts and preload == ("timescaledb",)
    finally:
        assert set(handle.down()) == {"postgresql", "mosquitto"}
    assert not any(s.running for s in stack.status(handle.settings))
