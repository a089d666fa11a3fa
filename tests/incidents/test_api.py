"""``/api/v1/incidents``: what viewers and API keys with the read scope see; anonymous callers see nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from flask.testing import FlaskClient
from psycopg_pool import ConnectionPool

from dashboards.api.openapi import PREFIX
from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from pipelines.incidents import actions, suggest
from tests.dashboards import access
from tests.incidents.support import city, offset, report

pytestmark = pytest.mark.integration


@pytest.fixture
def app(settings: Settings, pool: ConnectionPool) -> FlaskClient:
    return create_app(settings, pool).server.test_client()


@pytest.fixture
def two(db: psycopg.Connection) -> dict[str, int]:
    """A confirmed flood in 22333 and a suggested one in 22366."""
    now = datetime.now(UTC).replace(microsecond=0)
    inside = city(db)
    for ward in ("22333", "22366"):
        for i in range(2):
            report(db, "flooding", now - timedelta(minutes=10 * i), *offset(*inside[ward], north_m=50 * i), "Ngập")
    suggest.cycle(db, now)
    ids = {w: i for i, w in db.execute("SELECT id, ward_codes[1] FROM incidents")}
    users.add(db, "lan", "operator", actor="test")
    actions.confirm(db, ids["22333"], "lan")
    return ids


def test_live_incidents_and_one_with_its_playbook_and_timeline(app: FlaskClient, db: psycopg.Connection,
                                                               two: dict[str, int]) -> None:
    app.environ_base["HTTP_AUTHORIZATION"] = access.api_headers(db)["Authorization"]
    body = app.get(f"{PREFIX}/incidents").get_json()
    assert body["total"] == 2 and [i["status"] for i in body["items"]] == ["suggested", "confirmed"]
    first = body["items"][1]
    assert (first["type"], first["name_vi"], first["name_en"], first["ward_codes"], first["current_step"],
            first["version"]) == ("flooding", "Ngập úng", "Flooding", ["22333"], 1, 2)
    assert first["opened_at"].endswith("+00:00") and first["ward_names"] != ["22333"]
    assert app.get(f"{PREFIX}/incidents?status=confirmed&ward=22366").get_json()["total"] == 0
    assert app.get(f"{PREFIX}/incidents?type=crowd").get_json()["total"] == 0
    one = app.get(f"{PREFIX}/incidents/{two['22333']}").get_json()
    assert [s["position"] for s in one["steps"]] == [1, 2, 3, 4] and one["steps"][0]["current"]
    assert len(one["evidence"]) == 2 and {e["source"] for e in one["evidence"]} == {"report"}
    assert [e["action"] for e in one["timeline"]] == ["suggested", "attached", "attached", "confirmed"]
    missing = app.get(f"{PREFIX}/incidents/999999")
    assert missing.status_code == 404 and "incident 999999 does not exist" in missing.get_json()["error"]["message"]
    assert app.get(f"{PREFIX}/incidents?status=asleep").status_code == 400


def test_anonymous_callers_see_nothing(app: FlaskClient, two: dict[str, int]) -> None:
    assert app.get(f"{PREFIX}/incidents").status_code == 401
