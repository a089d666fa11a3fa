"""fleet register into the real registry: rows, locations, attrs, idempotent, and the `ioc fleet` commands."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from sensors.fleet import dump, load, register
from smartward.cli import main
from tests.sensors.helpers import small_fleet

REPO = Path(__file__).resolve().parents[2]


def _rows(db: psycopg.Connection) -> dict[str, tuple[object, ...]]:
    rows = db.execute(
        "SELECT device_id, kind, name, ST_X(location), ST_Y(location), ST_SRID(location), registered, attrs, "
        "registered_at, ward_code FROM devices ORDER BY device_id"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_register_writes_every_device_with_location_and_attrs(db: psycopg.Connection) -> None:
    fleet = small_fleet()
    assert register(db, fleet) == len(fleet.devices)
    rows = _rows(db)
    assert set(rows) == {d.device_id for d in fleet.devices}
    for device in fleet.devices:
        kind, name, lon, lat, srid, registered, attrs, registered_at, ward_code = rows[device.device_id]
        assert (kind, name, srid, registered, ward_code) == (device.kind, device.name, 4326, True, None)
        assert (lon, lat) == pytest.approx((device.lon, device.lat), abs=1e-9)
        assert registered_at is not None
        assert isinstance(attrs, dict) and attrs["city"] == "Dong Xoai" and attrs["fleet"] == "test"
    cam, ptz = rows["t-cam-001"][6], rows["t-cam-000"][6]
    assert (cam["ownership"], cam["camera_type"], ptz["camera_type"]) == ("budget", "fixed", "ptz")  # type: ignore[index]
    ap = rows["t-ap-00"][6]
    assert (ap["hotspot"], ap["hotspot_name"], ap["place"]) == ("t-hs-01", "Quảng trường", "square")  # type: ignore[index]
    station = rows["t-env-01"][6]["station"]  # type: ignore[index]
    assert (station["pm25_year"], station["pm25_shift_hours"], station["pm25_scale"]) == (2018, -2, 0.75)


def test_register_again_is_idempotent_and_keeps_the_first_registration(db: psycopg.Connection) -> None:
    fleet = small_fleet()
    register(db, fleet)
    before = _rows(db)
    assert register(db, fleet) == len(fleet.devices)
    assert _rows(db) == before
    assert db.execute("SELECT count(*) FROM devices").fetchone() == (len(fleet.devices),)


def test_register_adopts_a_device_that_published_unregistered(db: psycopg.Connection) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered, first_seen_at) VALUES ('t-cam-002', 'camera', false, "
               "now() - interval '1 day')")
    register(db, small_fleet())
    row = db.execute(
        "SELECT registered, first_seen_at, attrs->>'ownership' FROM devices WHERE device_id = 't-cam-002'").fetchone()
    assert row is not None
    registered, first_seen, ownership = row
    assert registered is True and first_seen is not None and ownership == "socialized"


def test_fleet_commands(tmp_path: Path, db_url: str, db: psycopg.Connection,
                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nt.json"
    args = ["--database-url", db_url, "--state-dir", str(tmp_path / "state")]
    assert main([*args, "fleet", "generate", "--city", "Nha Trang", "--cameras", "40", "-o", str(out)]) == 0
    fleet = load(out)
    assert len(fleet.of_kind("camera")) == 40
    assert main([*args, "fleet", "show", str(out)]) == 0
    assert main([*args, "fleet", "register", str(out)]) == 0
    assert f"registered {len(fleet.devices)} devices" in capsys.readouterr().out
    assert db.execute("SELECT count(*) FROM devices WHERE registered").fetchone() == (len(fleet.devices),)


def test_fleet_register_of_a_bad_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_url = "postgresql://nobody@127.0.0.1:1/none"  # the file is refused before any connection
    path = tmp_path / "fleet.yaml"
    dump(small_fleet(), path)
    path.write_text(path.read_text(encoding="utf-8").replace("ownership: socialized", "ownership: private", 1),
                    encoding="utf-8")
    assert main(["--database-url", db_url, "fleet", "register", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "devices[2] (t-cam-002): field 'ownership'" in err
