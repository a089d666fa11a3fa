"""The read API on a read-only standby: every operation but the one that writes (camera events with snapshots: the
access log) reads from ``read_pool``, and none of them writes there. The read pool here is the test database with
``default_transaction_read_only``, which refuses a write exactly as a hot standby does."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from psycopg_pool import ConnectionPool
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dashboards.api.openapi import PREFIX
from dashboards.api.routes import endpoints
from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import roles
from tests.dashboards import access, seed


def test_every_read_operation_works_on_a_read_only_standby(settings: Settings, pool: ConnectionPool,
                                                           read_only: ConnectionPool, seeded: list[seed.Device],
                                                           db: psycopg.Connection) -> None:
    with read_only.connection() as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("CREATE TEMP TABLE refused (x int)")   # the pool really refuses writes
    server: Flask = create_app(settings, pool, read_pool=read_only).server
    auth = access.api_headers(db, (roles.READ, roles.KPI, roles.REPORTS_READ))
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", server, headers=auth)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]

        @given(case=operation.as_strategy())
        @examples(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers(case: Any) -> None:
            case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

        answers()
        checked.append(operation.label)
    assert len(checked) == len(endpoints())
    assert [ep.name for ep in endpoints() if ep.writes] == ["camera_events"]
