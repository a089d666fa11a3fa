"""The read API: checked against its own OpenAPI document with schemathesis, and its errors one by one."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import psycopg
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg_pool import ConnectionPool
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dashboards.api.errors import ApiError
from dashboards.api.openapi import PREFIX
from dashboards.api.params import parse_datetime
from dashboards.api.routes import endpoints
from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import roles
from tests.dashboards import access, seed


@pytest.fixture
def api_server(settings: Settings, pool: ConnectionPool, seeded: list[seed.Device]) -> Flask:
    return create_app(settings, pool).server


@pytest.fixture
def auth(db: psycopg.Connection) -> dict[str, str]:
    """An API key with every read scope (read, kpi, reports:read): the API refuses anonymous callers
    (dashboards.auth); what each scope opens is tested in test_api_kpis_reports.py."""
    return access.api_headers(db, (roles.READ, roles.KPI, roles.REPORTS_READ))


@pytest.fixture
def client(api_server: Flask, auth: dict[str, str]) -> FlaskClient:
    made = api_server.test_client()
    made.environ_base["HTTP_AUTHORIZATION"] = auth["Authorization"]
    return made


def test_api_conforms_to_its_openapi_document(api_server: Flask, auth: dict[str, str]) -> None:
    """schemathesis generates requests for every operation and checks each response against the document
    (status codes, content type, response schema, no server errors). Driven through hypothesis directly: the
    schemathesis pytest plugin does not support pytest 9 yet."""
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", api_server, headers=auth)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err would raise here, failing the test

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def conforms(case: Any) -> None:
            # Cross-parameter limits (a range too long for its bucket) cannot be written in OpenAPI, so a
            # schema-valid request may rightly get a 400: that one check is left out, every other one runs.
            case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

        conforms()
        checked.append(operation.label)
    assert len(checked) == len(endpoints())


def test_openapi_document_lists_every_route(api_server: Flask, client: FlaskClient) -> None:
    doc = client.get(f"{PREFIX}/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {r.rule.removeprefix(PREFIX) for r in api_server.url_map.iter_rules() if r.rule.startswith(PREFIX)}
    documented = {ep.path for ep in endpoints()}
    # the listening providers' signed push (docs/social.md) shares the prefix but is not part of the read API
    assert documented == routes - {"/openapi.json", "/<path:rest>", "/social/mentions"}
    assert set(doc["paths"]) == {ep.openapi_path for ep in endpoints()}


@pytest.mark.parametrize(("url", "status", "reason"), [
    ("/devices/env-22333-0001/series?metric=pm25&from=yesterday", 400, "from: 'yesterday' is not an ISO 8601"),
    ("/devices/env-22333-0001/series?metric=pm25&bucket=1m&from=2025-01-01", 400, "range too large"),
    ("/devices/env-22333-0001/series?metric=pm25&from=2026-01-02&to=2026-01-01", 400, "must be before"),
    ("/devices/env-22333-0001/series", 400, "metric is required"),
    ("/devices/nobody/latest", 404, "device 'nobody' is not known"),
    ("/devices?state=sleepy", 400, "state: 'sleepy' is not one of"),
    ("/devices?limit=0", 400, "limit: 0 is below the minimum 1"),
    ("/devices?colour=red", 400, "unknown parameter 'colour'"),
    ("/camera-events?from=2026-01-01T00:00:00%2B07:00&to=2026-03-01T00:00:00%2B07:00", 400, "range too large"),
    ("/nothing-here", 404, "no such endpoint"),
])
def test_errors_are_json_with_the_reason(client: FlaskClient, url: str, status: int, reason: str) -> None:
    res = client.get(PREFIX + url)
    assert res.status_code == status and res.is_json
    assert reason in res.get_json()["error"]["message"]


def test_series_and_filters_return_rollup_values(client: FlaskClient) -> None:
    series = client.get(f"{PREFIX}/devices/env-22333-0001/series?metric=pm25&bucket=1d&from=2025-01-01T00:00:00"
                        "&to=2030-01-01").get_json()
    assert 30 <= len(series["points"]) <= 32 and series["points"][0]["n"] > 0
    page = client.get(f"{PREFIX}/devices?kind=wifi&ward=22366&limit=2").get_json()
    assert page["total"] == 3 and [d["kind"] for d in page["items"]] == ["wifi", "wifi"]
    latest = client.get(f"{PREFIX}/devices/wifi-22366-0001/latest").get_json()
    assert {"clients", "messages"} <= {v["metric"] for v in latest["values"]}
    assert client.post(f"{PREFIX}/devices").status_code in (403, 405)  # the read API takes no writes


def test_healthz_reports_database_and_ingest(api_server: Flask, db: Any) -> None:
    res = api_server.test_client().get("/healthz")
    assert res.status_code == 200 and res.get_json()["status"] == "ok"
    seed.heartbeat(db, age_s=10_000)
    body = api_server.test_client().get("/healthz").get_json()
    assert body["status"] == "degraded" and body["ingest"]["stale"] is True


def test_healthz_says_when_an_ingester_cannot_acknowledge(api_server: Flask, db: Any) -> None:
    seed.heartbeat(db, age_s=1)
    assert api_server.test_client().get("/healthz").get_json()["ingest"]["acknowledging"] is True
    db.execute("UPDATE ingest_heartbeat SET counters = counters || %s::jsonb",
               ['{"acknowledging": false, "spool_disk_full": true}'])
    body = api_server.test_client().get("/healthz").get_json()
    assert body["status"] == "degraded" and body["ingest"]["stale"] is False
    assert body["ingest"]["acknowledging"] is False and body["ingest"]["spool_disk_full"] is True


EXTREME_DATES = ("0001-01-01", "9999-12-31", "10000-01-01", "0000-01-01", "+10000-01-01T00:00:00Z",
                 "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-12:00", "1969-12-31", "2200-01-01")
DATE_PARAMETERS = (
    ("/api/v1/devices/env-22333-0001/series?metric=pm25&", ("from", "to")),
    ("/api/v1/camera-events?", ("from", "to")),
    ("/api/v1/reports?", ("from", "to")),
    ("/open311/v2/requests.json?", ("start_date", "end_date")),
    ("/open311/v2/requests.xml?", ("start_date", "end_date")),
)


@pytest.fixture
def bare_client(settings: Settings, pool: ConnectionPool, auth: dict[str, str]) -> FlaskClient:
    """The app on an empty database: date parameters are refused before any data is looked at."""
    made = create_app(settings, pool).server.test_client()
    made.environ_base["HTTP_AUTHORIZATION"] = auth["Authorization"]
    return made


@pytest.mark.parametrize("value", EXTREME_DATES)
def test_extreme_dates_are_a_400_naming_the_parameter(bare_client: FlaskClient, value: str) -> None:
    for base, names in DATE_PARAMETERS:
        for name in names:
            res = bare_client.get(base + urlencode({name: value}))
            text = res.get_data(as_text=True)
            assert res.status_code == 400, (base, name, value, res.status_code, text[:300])
            if base.endswith(".xml?"):
                message = ET.fromstring(res.data).findtext("error/description") or ""
            elif base.startswith("/open311/"):
                message = res.get_json()[0]["description"]
            else:
                message = res.get_json()["error"]["message"]
            assert message.startswith(f"{name}: ") and "out of range" in message and "1970-01-01" in message, \
                (base, name, message)


def test_dates_at_the_edges_of_the_range_are_accepted(bare_client: FlaskClient) -> None:
    assert bare_client.get("/api/v1/camera-events?from=1970-01-01&to=1970-01-20").status_code == 200
    assert bare_client.get("/api/v1/camera-events?from=2199-12-01&to=2199-12-31T23:59:59").status_code == 200
    assert bare_client.get("/open311/v2/requests.json?start_date=1970-01-01T00:00:00Z").status_code == 200


YEARS = st.sampled_from([1, 2, 1969, 1970, 2199, 2200, 9998, 9999]) | st.integers(1, 9999)


@given(YEARS, st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
       st.sampled_from(["", "Z", "+07:00", "-12:00", "+14:00", "-23:59"]))
@settings(max_examples=300, deadline=None)
def test_any_date_is_a_value_safe_for_arithmetic_or_a_400(year: int, month: int, day: int, hour: int,
                                                          suffix: str) -> None:
    """Whatever the year and offset: a value the handlers' spans and time-zone shifts cannot overflow, or a 400."""
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:00:00{suffix}"
    try:
        value = parse_datetime("to", text, ZoneInfo("Asia/Ho_Chi_Minh"))
    except ApiError as exc:
        assert exc.status == 400 and exc.message.startswith("to: ")
        return
    span = timedelta(days=90)
    assert (value - span).astimezone(UTC) < (value + span).astimezone(UTC)
