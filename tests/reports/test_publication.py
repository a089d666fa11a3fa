"""What the public Open311 GET publishes, over a real HTTP server: a snapped point, no address, no contact, the
description only where the reporter agreed; and the per-channel default of that agreement at intake."""

from __future__ import annotations

import json
import math
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from werkzeug.serving import make_server

from dashboards.app import create_app
from ioc.config import Settings
from pipelines.reports import intake, readers, store
from pipelines.reports.model import Contact, ReportIn
from pipelines.reports.publish import coarse
from tests.reports.helpers import PHONE, TZ, offset

NOW = datetime.now(UTC)
ADDRESS = "12 Trần Phú, tổ 5"
SECRET_TEXT = "Nhà tôi số 12, gọi 0987 654 321 hoặc lan@example.vn, CCCD 079123456789"


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points, in metres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@pytest.fixture
def base_url(settings: Settings, pool: ConnectionPool) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(settings, pool).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    finally:
        server.shutdown()
        thread.join(5)


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.read()


def _report(ext: str, source: str, lon: float, lat: float, public: bool | None = None,
            photos: tuple[str, ...] = ()) -> ReportIn:
    return ReportIn(source, ext, "flooding", NOW, SECRET_TEXT, lon, lat, ADDRESS, photos,
                    contact=Contact("Trần Thị Lan", PHONE, "lan.tran@example.vn"), description_public=public)


def _insert(db: psycopg.Connection, items: list[ReportIn]) -> list[int]:
    return store.insert_reports(db, items, store.reference(db), "test", TZ, NOW).ids


def test_the_public_get_publishes_a_coarse_point_and_no_personal_data(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]], base_url: str) -> None:
    lon, lat = wards["22366"]
    centre = coarse(lon, lat)                      # two reports 10 m apart, both well inside one 50 m cell
    a, b = offset(*centre, east_m=-5), offset(*centre, east_m=5)
    far = offset(lon, lat, east_m=217, north_m=-131)
    ids = _insert(db, [_report("A", "web", *a, public=True), _report("B", "hotline_1022", *b),
                       _report("C", "zalo", *far)])
    status, raw = get(f"{base_url}/requests.json")
    assert status == 200
    found = {int(r["service_request_id"]): r for r in json.loads(raw)}
    assert set(found) == set(ids)
    text = raw.decode()
    for secret in (ADDRESS, "Trần Phú", PHONE, "0987 654 321", "lan@example.vn", "079123456789", "Trần Thị Lan"):
        assert secret not in text, secret
    assert all(r["address"] is None for r in found.values())
    for rid, exact in zip(ids, (a, b, far), strict=True):
        shown = (found[rid]["long"], found[rid]["lat"])
        assert shown != exact and metres(shown, exact) <= 36.0, (rid, metres(shown, exact))
    assert (found[ids[0]]["long"], found[ids[0]]["lat"]) == (found[ids[1]]["long"], found[ids[1]]["lat"])
    assert found[ids[0]]["description"] == ("Nhà tôi số 12, gọi [số điện thoại đã ẩn] hoặc [email đã ẩn], "
                                            "CCCD [số CCCD đã ẩn]")
    assert found[ids[1]]["description"] is None and found[ids[2]]["description"] is None
    one = json.loads(get(f"{base_url}/requests/{ids[2]}.json")[1])[0]
    assert (one["long"], one["lat"], one["description"]) == (found[ids[2]]["long"], found[ids[2]]["lat"], None)


def test_the_xml_answer_publishes_the_same(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                           base_url: str) -> None:
    lon, lat = wards["22333"]
    ids = _insert(db, [_report("X1", "app", lon, lat, public=True), _report("X2", "zalo", lon, lat)])
    status, raw = get(f"{base_url}/requests.xml")
    assert status == 200
    for secret in (ADDRESS, PHONE, "0987 654 321", "079123456789"):
        assert secret.encode() not in raw
    by_id = {e.findtext("service_request_id"): e for e in ET.fromstring(raw).findall("request")}
    shown = by_id[str(ids[0])]
    assert not shown.findtext("address")
    point = (float(shown.findtext("long") or "nan"), float(shown.findtext("lat") or "nan"))
    assert point == coarse(lon, lat) and metres(point, (lon, lat)) <= 36.0
    assert "[số điện thoại đã ẩn]" in (shown.findtext("description") or "")
    assert not by_id[str(ids[1])].findtext("description")


def test_photos_are_published_only_with_the_reporters_agreement(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]], base_url: str) -> None:
    lon, lat = wards["22366"]
    shown, kept = "https://media.example.vn/p/agreed.jpg", "https://media.example.vn/p/private-door.jpg"
    ids = _insert(db, [_report("P1", "web", lon, lat, public=True, photos=(shown,)),
                       _report("P2", "hotline_1022", lon, lat, photos=(kept,))])
    raw = get(f"{base_url}/requests.json")[1]
    found = {int(r["service_request_id"]): r for r in json.loads(raw)}
    assert found[ids[0]]["media_url"] == shown
    assert found[ids[1]]["media_url"] is None and kept.encode() not in raw
    assert db.execute("SELECT photo_urls FROM reports WHERE id = %s", [ids[1]]).fetchone() == ([kept],)


def test_the_exact_data_stays_for_staff(db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    rid = _insert(db, [_report("S1", "hotline_1022", lon, lat)])[0]
    row = db.execute("SELECT ST_X(geom), ST_Y(geom), address, description FROM reports WHERE id = %s",
                     [rid]).fetchone()
    assert row == (lon, lat, ADDRESS, SECRET_TEXT)


def test_the_intake_default_is_per_channel(db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    items = [_report(f"D-{s}", s, lon, lat) for s in ("hotline_1022", "zalo", "facebook", "web", "app",
                                                       "field_staff", "open311")]
    items += [_report("D-web-yes", "web", lon, lat, public=True), _report("D-hl-yes", "hotline_1022", lon, lat,
                                                                          public=True),
              _report("D-fs-no", "field_staff", lon, lat, public=False)]
    _insert(db, items)
    found = dict(db.execute("SELECT external_id, description_public FROM reports").fetchall())
    assert found == {"D-hotline_1022": False, "D-zalo": False, "D-facebook": False, "D-web": False,
                     "D-app": False, "D-field_staff": True, "D-open311": False, "D-web-yes": True,
                     "D-hl-yes": True, "D-fs-no": False}
    asks = dict(db.execute("SELECT source, asks_reporter FROM report_channel_defaults").fetchall())
    assert {s for s, a in asks.items() if a} == {"web", "app", "open311"}


def test_the_import_reads_the_reporters_answers(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                                tmp_path: Path) -> None:
    lon, lat = wards["22366"]
    path = tmp_path / "web.csv"
    path.write_text("Mã,Kênh,Loại,Thời gian,Nội dung,lat,lon,Công khai,Đồng ý lưu\n"
                    f"W-1,web,Ngập úng,20/11/2026 07:30,Ngập,{lat},{lon},có,không\n"
                    f"W-2,app,Ngập úng,20/11/2026 07:31,Ngập,{lat},{lon},không,có\n"
                    f"W-3,web,Ngập úng,20/11/2026 07:32,Ngập,{lat},{lon},,\n"
                    f"W-4,web,Ngập úng,20/11/2026 07:33,Ngập,{lat},{lon},chắc vậy,\n", encoding="utf-8")
    done = intake.import_file(db, readers.open_table(path), {}, tz=TZ, now=NOW)
    assert done.imported == 3 and [(p.line, p.field) for p in done.problems] == [(5, "description_public")]
    found = db.execute("SELECT external_id, description_public, consent_keep FROM reports ORDER BY 1").fetchall()
    assert found == [("W-1", True, False), ("W-2", False, True), ("W-3", False, False)]


def test_the_open311_post_records_the_answer(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                             settings: Settings, pool: ConnectionPool) -> None:
    from ioc.security import keys

    key = keys.add(db, "app", "test", ("reports:submit",))[1]
    lon, lat = wards["22366"]
    with create_app(settings, pool).server.test_client() as client:
        def post(**extra: str) -> Any:
            form = {"api_key": key, "service_code": "noise", "lat": str(lat), "long": str(lon),
                    "description": "Karaoke"} | extra
            return client.post("/open311/v2/requests.json", data=form)

        ids = [int(post(**f).json[0]["service_request_id"]) for f in
               ({}, {"description_public": "true", "consent_keep": "1"}, {"description_public": "false"})]
        assert post(description_public="maybe").status_code == 400
    found = db.execute("SELECT id, description_public, consent_keep FROM reports ORDER BY id").fetchall()
    assert found == [(ids[0], False, False), (ids[1], True, True), (ids[2], False, False)]
