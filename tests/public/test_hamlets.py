"""Hamlets (ấp, khu phố, tổ dân phố): import from GeoJSON and CSV with each bad feature or line named; a report
takes the hamlet it names (an import column, Open311's attribute[hamlet]) or the one its point lies in or is
nearest to; /public/<ward> and its JSON filter by it, and an unknown hamlet is said, not an error page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from flask import Flask

from pipelines.public import hamlets
from pipelines.reports import open311, store
from pipelines.reports.model import ReportIn
from pipelines.reports.rows import RowContext, parse_row
from tests.public.helpers import WARD
from tests.reports.helpers import TZ


def square(lon: float, lat: float, half: float) -> dict[str, object]:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
            [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(ward: object, name: object, geometry: object) -> dict[str, object]:
    return {"type": "Feature", "properties": {"ward_code": ward, "name": name}, "geometry": geometry}


def load(db: psycopg.Connection, tmp_path: Path, centre: tuple[float, float]) -> tuple[int, list[str]]:
    lon, lat = centre
    path = tmp_path / "hamlets.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature(WARD, "Khu phố 1", square(lon, lat, 0.002)),
        feature(WARD, "Khu phố 2", {"type": "Point", "coordinates": [lon + 0.01, lat]}),
        feature(WARD, "", square(lon, lat, 0.001)),
        feature(WARD, "Tổ 3", {"type": "LineString", "coordinates": [[lon, lat], [lon, lat + 0.001]]}),
        feature(WARD, "Tổ 4", {"type": "Point", "coordinates": [lat, lon]}),
        feature("99999", "Ấp Tân Hòa", {"type": "Point", "coordinates": [lon, lat]}),
    ]}, ensure_ascii=False), encoding="utf-8")
    done, problems, unit = hamlets.import_file(db, path)
    db.commit()
    return done, [f"{unit} {p.line}, {p.field}: {p.reason}" for p in problems]


def report(db: psycopg.Connection, ext: str, lon: float, lat: float, hamlet: str | None = None) -> int:
    item = ReportIn("web", ext, "roads", datetime.now(UTC) - timedelta(hours=1), "Ổ gà", lon, lat, hamlet=hamlet)
    found = store.insert_reports(db, [item], store.reference(db), "test", TZ, datetime.now(UTC)).ids[0]
    db.commit()
    return found


def test_import_names_each_bad_feature(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                       tmp_path: Path) -> None:
    done, problems = load(db, tmp_path, wards[WARD])
    assert done == 2
    assert problems[0] == "feature 3, name: empty"
    assert problems[1] == "feature 4, geometry: 'LineString' is not one of Point, Polygon, MultiPolygon"
    assert problems[2].startswith("feature 5, geometry:") and "lat and lon swapped?" in problems[2]
    assert problems[3] == "feature 6, ward_code: no current ward '99999'"
    assert hamlets.parse_csv("ward_code,name,lat\n")[1][0].field == "lon"
    found, bad = hamlets.parse_csv("ward_code,name,lat,lon\n22333,Ấp Tân Hòa,12.25,109.19\n22333,Ấp 2,abc,109\n")
    assert [h.name for h in found] == ["Ấp Tân Hòa"] and str(bad[0]) == "line 3, lat/lon: not numbers: 'abc', '109'"


def test_reports_get_their_hamlet(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                  tmp_path: Path) -> None:
    load(db, tmp_path, wards[WARD])
    lon, lat = wards[WARD]
    inside = report(db, "H-1", lon + 0.0005, lat)                 # inside Khu phố 1's square
    near = report(db, "H-2", lon + 0.009, lat)                    # outside it, 100 m from Khu phố 2's point
    named = report(db, "H-3", lon, lat, "Tổ dân phố 7")           # the reporter named it: kept as given
    far = report(db, "H-4", lon - 0.03, lat)                      # >2 km from any point, in no area: none
    got = dict(db.execute("SELECT id, hamlet FROM reports").fetchall())
    assert (got[inside], got[near], got[named], got.get(far)) == ("Khu phố 1", "Khu phố 2", "Tổ dân phố 7", None)


def test_intake_reads_the_hamlet(db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    ref = store.reference(db)
    lon, lat = wards[WARD]
    form = {"service_code": "roads", "lat": str(lat), "long": str(lon), "description": "Đèn",
            "attribute[hamlet]": "  Khu phố   5 "}
    parsed = open311.parse_post(form, ref.matcher, datetime.now(UTC), TZ, "tok-1")
    assert isinstance(parsed, ReportIn) and parsed.hamlet == "Khu phố 5"
    ctx = RowContext(ref.matcher, ref.departments, TZ, datetime.now(UTC), "web")
    row = parse_row({"external_id": "X-1", "category": "roads", "submitted_at": "2026-12-01 08:00", "lat": lat,
                     "lon": lon, "hamlet": "x" * 101}, 7, ctx)
    assert isinstance(row, list) and row[0].describe() == "line 7, hamlet: 101 characters; at most 100"


def test_the_public_page_filters_by_hamlet(server: Flask, db: psycopg.Connection,
                                           wards: dict[str, tuple[float, float]], tmp_path: Path) -> None:
    load(db, tmp_path, wards[WARD])
    lon, lat = wards[WARD]
    one, two = report(db, "H-1", lon + 0.0005, lat), report(db, "H-2", lon + 0.009, lat)
    client = server.test_client()
    page = client.get(f"/public/{WARD}").get_data(as_text=True)
    assert '<select name="hamlet">' in page and '<option value="Khu phố 2">Khu phố 2</option>' in page
    data = json.loads(client.get(f"/public/{WARD}.json?hamlet=Khu phố 1").get_data(as_text=True))
    assert data["filters"]["hamlet"] == "Khu phố 1" and data["hamlets"] == ["Khu phố 1", "Khu phố 2"]
    assert [r["code"] for r in data["reports"]] == [f"PA-{one:06d}"]
    filtered = client.get(f"/public/{WARD}?hamlet=Khu+phố+2").get_data(as_text=True)
    assert f"PA-{two:06d}" in filtered and f"PA-{one:06d}" not in filtered
    unknown = client.get(f"/public/{WARD}?hamlet=Ấp+Ma").get_data(as_text=True)
    assert "Phường không có ấp/khu phố “Ấp Ma”" in unknown and f"PA-{one:06d}" in unknown
