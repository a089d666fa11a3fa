"""``/api/v1/alarms``: what viewers and API keys with the read scope see; anonymous callers see nothing."""

from __future__ import annotations

import psycopg
import pytest
from flask.testing import FlaskClient
from psycopg_pool import ConnectionPool

from dashboards.api.openapi import PREFIX
from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from pipelines.alarms import actions
from tests.alarms.support import NOW, cycle, device, install, pm25, rule
from tests.dashboards import access


@pytest.fixture
def client(settings: Settings, pool: ConnectionPool, db: psycopg.Connection) -> FlaskClient:
    made = create_app(settings, pool).server.test_client()
    made.environ_base["HTTP_AUTHORIZATION"] = access.api_headers(db)["Authorization"]
    return made


@pytest.fixture
def alarms(db: psycopg.Connection) -> dict[str, int]:
    install(db, rule(), rule(id="pm25-critical", severity="critical", **{"raise": {"op": ">=", "value": 200}},
                             clear={"op": "<", "value": 150}))
    for i, value in enumerate([120, 250]):
        device(db, f"env-{i}", ward=f"2673{i}")
        pm25(db, f"env-{i}", value, NOW)
    cycle(db, NOW)
    users.add(db, "lan", "operator", actor="test")
    first = db.execute("SELECT id FROM alarms WHERE entity = 'env-0'").fetchone()
    assert first is not None
    actions.act(db, first[0], "resolve", "lan", "đã kiểm tra")
    return {e: i for i, e in db.execute("SELECT id, entity FROM alarms")}


def test_live_alarms_most_severe_first_with_names_in_both_languages(client: FlaskClient,
                                                                    alarms: dict[str, int]) -> None:
    body = client.get(f"{PREFIX}/alarms").get_json()
    assert body["total"] == 2 and [a["rule_id"] for a in body["items"]] == ["pm25-critical", "pm25-high"]
    top = body["items"][0]
    assert (top["severity"], top["state"], top["entity"], top["value"], top["name_vi"], top["name_en"]) == (
        "critical", "open", "env-1", 250.0, "Bụi mịn cao", "High PM2.5")
    assert top["raised_at"].endswith("+00:00")
    assert client.get(f"{PREFIX}/alarms?state=resolved&ward=26730").get_json()["total"] == 1
    assert client.get(f"{PREFIX}/alarms?severity=critical&rule=pm25-high").get_json()["total"] == 0


def test_one_alarm_with_its_audit_trail(client: FlaskClient, alarms: dict[str, int]) -> None:
    body = client.get(f"{PREFIX}/alarms/{alarms['env-0']}").get_json()
    assert body["alarm"]["state"] == "resolved"
    assert [(h["actor"], h["action"], h["note"]) for h in body["history"]] == [
        ("system", "raised", None), ("lan", "resolve", "đã kiểm tra")]
    missing = client.get(f"{PREFIX}/alarms/999999")
    assert missing.status_code == 404 and "alarm 999999 does not exist" in missing.get_json()["error"]["message"]
    assert client.get(f"{PREFIX}/alarms?state=sleeping").status_code == 400


def test_anonymous_callers_are_refused(settings: Settings, pool: ConnectionPool, alarms: dict[str, int]) -> None:
    anonymous = create_app(settings, pool).server.test_client()
    assert anonymous.get(f"{PREFIX}/alarms").status_code in (401, 403)
