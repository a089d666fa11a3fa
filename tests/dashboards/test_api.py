"""The read API: checked against its own OpenAPI document with schemathesis, and its errors one by one."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from psycopg_pool import ConnectionPool
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dashboards.api.openapi import PREFIX
from dashboards.api.routes import endpoints
from dashboards.app import create_app
from ioc.config import Settings
from tests.dashboards import access, seed


@pytest.fixture
def api_server(settings: Settings, pool: ConnectionPool, seeded: list[seed.Device]) -> Flask:
    return create_app(settings, pool).server


@pytest.fixture
def auth(db: psycopg.Connection) -> dict[str, str]:
    """An API key with the read scope: the API refuses anonymous callers (dashboards.auth)."""
    return access.api_headers(db)


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
    assert documented == routes - {"/openapi.json", "/<path:rest>"}
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
