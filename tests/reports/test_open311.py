"""The Open311 GeoReport v2 server: responses valid against the standard's schemas, POST then GET, errors, XML."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

import psycopg
import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from pipelines.reports.actions import apply_action
from pipelines.reports.publish import coarse
from pipelines.reports.workflow import Action
from tests.reports.helpers import PHONE, SCHEMAS, TZ
from tests.reports.open311_schemas import NAMES, request_response_schema, validate, validate_errors


@pytest.fixture
def key(db: psycopg.Connection) -> str:
    """An API key allowed to submit reports (``ioc keys add … --scope reports:submit``)."""
    from ioc.security import keys

    return keys.add(db, "open311-test", "test", ("reports:submit",))[1]


@pytest.fixture
def client(settings: Settings, pool: ConnectionPool, wards: dict[str, tuple[float, float]],
           key: str) -> Iterator[FlaskClient]:
    app = create_app(settings, pool)
    with app.server.test_client() as c:
        yield c


def body(resp: Any) -> Any:
    found = resp.get_json()
    assert found is not None, resp.data[:300]
    return found


def _post(client: FlaskClient, key: str, lon: float, lat: float, **form: str) -> Any:
    data = {"api_key": key, "service_code": "flooding", "lat": str(lat), "long": str(lon),
            "description": "Ngập sâu 40 cm trước chợ", "media_url": "https://cdn.example.vn/p/1.jpg",
            "first_name": "Lan", "last_name": "Trần", "phone": PHONE, "email": "lan@example.vn"} | form
    return client.post("/open311/v2/requests.json", data=data)


def test_shipped_schemas_are_the_standards() -> None:
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "pipelines" / "reports" / "open311_schema"
    standard = sorted(SCHEMAS.glob("*.json"))
    assert [s.name for s in standard] == sorted([*NAMES, "swagger.json"])   # an empty folder would prove nothing
    for schema in standard:
        assert (shipped / schema.name).read_bytes() == schema.read_bytes(), schema.name


def test_services_follow_the_schema(client: FlaskClient) -> None:
    resp = client.get("/open311/v2/services.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    validate("services.json", resp.json)
    codes = {s["service_code"]: s for s in body(resp)}
    assert {"flooding", "noise", "traffic", "lighting", "other"} <= set(codes)
    assert (codes["lighting"]["service_name"], codes["lighting"]["group"]) == ("Chiếu sáng công cộng", "Hạ tầng đô thị")
    assert body(client.get("/open311/v2/services.json?lang=en"))[0]["service_name"] == "Traffic"
    validate("service-definition.json", client.get("/open311/v2/services/noise.json").json)
    xml = ET.fromstring(client.get("/open311/v2/services.xml").data)
    assert xml.tag == "services" and xml.find("service/service_code") is not None


def test_post_then_get_round_trip(client: FlaskClient, key: str, wards: dict[str, tuple[float, float]],
                                  db: psycopg.Connection) -> None:
    lon, lat = wards["22366"]
    resp = _post(client, key, lon, lat, description_public="true")
    assert resp.status_code == 200, resp.json
    Draft202012Validator(request_response_schema()).validate(resp.json)
    rid = resp.json[0]["service_request_id"]
    assert "expected by" in resp.json[0]["service_notice"]
    one = client.get(f"/open311/v2/requests/{rid}.json")
    assert one.status_code == 200
    validate("requests.json", one.json)
    got = body(one)[0]
    snapped_lon, snapped_lat = coarse(lon, lat)      # the exact point stays on staff pages
    assert (got["service_code"], got["status"], got["lat"], got["long"]) == ("flooding", "open", snapped_lat,
                                                                              snapped_lon)
    assert got["description"] == "Ngập sâu 40 cm trước chợ" and got["media_url"] == "https://cdn.example.vn/p/1.jpg"
    assert got["requested_datetime"].endswith("+07:00") and got["expected_datetime"].endswith("+07:00")
    assert client.get(f"/open311/v2/request/{rid}.json").json == one.json      # the swagger file's spelling
    assert PHONE not in one.get_data(as_text=True) and "Lan" not in one.get_data(as_text=True)
    row = db.execute("SELECT r.source, r.ward_code, c.phone, c.name, ST_X(r.geom), ST_Y(r.geom), r.description_public "
                     "FROM reports r JOIN report_contacts c ON c.report_id = r.id WHERE r.id = %s",
                     [int(rid)]).fetchone()
    assert row == ("open311", "22366", PHONE, "Lan Trần", lon, lat, True)
    assert db.execute("SELECT verdict FROM report_evidence WHERE report_id = %s", [int(rid)]).fetchone() == (
        "no_sensor",)


def test_filters_of_the_list(client: FlaskClient, key: str, wards: dict[str, tuple[float, float]],
                             db: psycopg.Connection) -> None:
    lon, lat = wards["22333"]
    ids = [_post(client, key, lon, lat, service_code=code).json[0]["service_request_id"]
           for code in ("flooding", "noise", "noise")]
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    for action in (Action("assign", department="urban_order"), Action("start"), Action("resolve", response="Xong")):
        apply_action(db, int(ids[2]), action, "staff", TZ, now)

    def listed(query: str) -> list[str]:
        resp = client.get(f"/open311/v2/requests.json{query}")
        assert resp.status_code == 200, resp.json
        validate("requests.json", resp.json) if resp.json else None
        return [r["service_request_id"] for r in body(resp)]

    assert listed("") == ids[::-1]
    assert listed("?service_code=noise") == [ids[2], ids[1]]
    assert listed("?status=closed") == [ids[2]] and listed("?status=open") == [ids[1], ids[0]]
    assert listed(f"?service_request_id={ids[0]},{ids[2]}&status=open") == [ids[2], ids[0]]   # ids override
    assert listed("?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z") == []
    xml = ET.fromstring(client.get("/open311/v2/requests.xml?status=closed").data)
    assert [e.text for e in xml.findall("request/service_request_id")] == [ids[2]]
    assert xml.find("request/status").text == "closed"   # type: ignore[union-attr]


@pytest.mark.parametrize(("method", "path", "form", "status", "says"), [
    ("post", "/open311/v2/requests.json", {"api_key": "KEY", "service_code": "fire"}, 400, "service_code: 'fire'"),
    ("post", "/open311/v2/requests.json", {"api_key": "KEY", "service_code": "noise", "lat": "12.2"}, 400,
     "lat/long: give both"),
    ("post", "/open311/v2/requests.json", {"api_key": "KEY", "service_code": "noise", "address_string": "1 Lê Lợi",
                                           "phone": "12"}, 400, "phone:"),
    ("get", "/open311/v2/requests.json?status=pending", None, 400, "status"),
    ("get", "/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-06-01", None, 400, "90 days"),
    ("get", "/open311/v2/requests.json?start_date=yesterday", None, 400, "ISO 8601"),
    ("get", "/open311/v2/requests/999999.json", None, 404, "not found"),
    ("get", "/open311/v2/requests.csv", None, 404, "unknown format"),
    ("get", "/open311/v2/services/fire.json", None, 404, "not found"),
    ("get", "/open311/v2/tokens/1.json", None, 404, "no such Open311 resource"),
])
def test_errors_in_the_standards_format(client: FlaskClient, key: str, method: str, path: str,
                                        form: dict[str, str] | None, status: int, says: str) -> None:
    form = {k: key if v == "KEY" else v for k, v in (form or {}).items()}
    resp = client.post(path, data=form) if method == "post" else client.get(path)
    assert resp.status_code == status
    validate_errors(resp.json)
    assert body(resp)[0]["code"] == status and says in body(resp)[0]["description"]


def test_errors_in_xml(client: FlaskClient, key: str) -> None:
    resp = client.post("/open311/v2/requests.xml", data={"service_code": "noise", "api_key": key})
    assert resp.status_code == 400 and resp.mimetype == "text/xml"
    assert ET.fromstring(resp.data).find("error/code").text == "400"   # type: ignore[union-attr]


@pytest.mark.parametrize("form", [{"service_code": "noise"}, {"service_code": "noise", "api_key": "nope"}])
def test_a_post_without_a_valid_key_is_refused(client: FlaskClient, form: dict[str, str],
                                               db: psycopg.Connection) -> None:
    resp = client.post("/open311/v2/requests.json", data=form | {"lat": "12.2", "long": "109.2"})
    assert resp.status_code in (401, 403)
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (0,)
