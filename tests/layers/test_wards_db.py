"""Ward boundaries in PostGIS: the real import, idempotent re-import, versioned validity, placement on a date."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from ioc.data import data_path
from ioc.errors import ImportDataError
from layers.assign import assign_devices, ward_at
from layers.wards import import_wards, import_wards_file
from tests.layers.helpers import add_device, square_wards, ward_file

WARDS = "boundaries/wards_2025.geojson"


def test_real_wards_import_is_idempotent(db: psycopg.Connection) -> None:
    first = import_wards_file(db, data_path(WARDS))
    assert (first.inserted, first.updated, first.valid_from, first.valid_to) == (23, 0, date(2025, 7, 1), None)
    assert any("25843" in r for r in first.file.repaired)
    again = import_wards_file(db, data_path(WARDS))
    assert (again.inserted, again.updated) == (0, 23)
    count, valid, kinds = db.execute(
        "SELECT count(*), bool_and(ST_IsValid(geom)), array_agg(DISTINCT GeometryType(geom)) FROM wards").fetchone()
    assert (count, valid, kinds) == (23, True, ["MULTIPOLYGON"])
    # Phường Nha Trang's own centre lies in it
    assert ward_at(db, 109.1925, 12.2450, date(2025, 8, 1)) == "22366"


def test_overlapping_validity_is_refused_with_advice(db: psycopg.Connection) -> None:
    import_wards(db, ward_file())
    with pytest.raises(ImportDataError, match="A1 already has a boundary whose validity overlaps"):
        import_wards(db, ward_file(), valid_from=date(2026, 1, 1))
    with pytest.raises(ImportDataError, match="must be after"):
        import_wards(db, ward_file(), valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1))


def test_devices_inside_on_boundary_outside_and_unlocated_are_reported(db: psycopg.Connection) -> None:
    import_wards(db, ward_file())
    add_device(db, "in-west", "camera", 109.195, 12.245)
    add_device(db, "in-east", "wifi", 109.205, 12.245)
    add_device(db, "on-edge", "camera", 109.20, 12.245)        # the shared edge of A1 and B2
    add_device(db, "on-rim", "camera", 109.19, 12.245)         # the outer edge of A1 only
    add_device(db, "far-out", "env", 109.30, 12.30)
    add_device(db, "nowhere", "env", None, None)
    db.execute("UPDATE devices SET ward_code = 'stale-code' WHERE device_id = 'far-out'")
    report = assign_devices(db, date(2025, 7, 1))
    assert report.inside == ("in-east", "in-west")
    assert report.boundary == ("on-edge", "on-rim")
    assert report.candidates["on-edge"] == ("A1", "B2")
    assert report.outside == ("far-out",)
    assert report.unlocated == ("nowhere",)
    codes = dict(db.execute("SELECT device_id, ward_code FROM devices").fetchall())
    assert codes == {"in-west": "A1", "in-east": "B2", "on-edge": "A1", "on-rim": "A1", "far-out": None,
                     "nowhere": None}
    assert report.changed == 5
    assert report.summary() == ("2025-07-01: 2 inside, 2 on a boundary (on-edge, on-rim), 1 outside every ward "
                                "(far-out), 1 without a location (nowhere)")
    assert assign_devices(db, date(2025, 7, 1)).changed == 0


def test_the_ward_valid_on_the_date_is_used(db: psycopg.Connection) -> None:
    old = square_wards().assign(code=["OLD-W", "OLD-E"])
    import_wards(db, ward_file(old), valid_from=date(2020, 1, 1), valid_to=date(2025, 7, 1))
    merged = square_wards().dissolve().assign(code=["NEW"], name=["Phường Mới"])
    import_wards(db, ward_file(merged))
    assert ward_at(db, 109.205, 12.245, date(2025, 6, 30)) == "OLD-E"
    assert ward_at(db, 109.205, 12.245, date(2025, 7, 1)) == "NEW"
    assert ward_at(db, 109.205, 12.245, date(2019, 12, 31)) is None
    row = db.execute("SELECT ioc_ward_at(ST_Transform(ST_SetSRID(ST_MakePoint(109.195, 12.245), 4326), 32649),"
                     " date '2025-01-01')").fetchone()
    assert row == ("OLD-W",)     # a projected point is transformed, not misread
    add_device(db, "d1", "camera", 109.205, 12.245)
    assert assign_devices(db, date(2025, 6, 1)).inside == ("d1",)
    assert db.execute("SELECT ward_code FROM devices").fetchone() == ("OLD-E",)


def test_point_without_srid_is_an_error(db: psycopg.Connection) -> None:
    import_wards(db, ward_file())
    with pytest.raises(psycopg.errors.InternalError, match="SRID"):
        db.execute("SELECT ioc_ward_at(ST_MakePoint(109.195, 12.245), date '2025-08-01')")
