"""Kiosk tokens on /wall and scoped API keys: hashed at rest, revocable, never more than they were made for."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import psycopg
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import keys, personal, roles
from tests.security.helpers import api_key, callback_body, csrf_header, kiosk_token

WALL_MAP = "..wall-map.figure...wall-map-sig.data.."
REPORT_PATHS = ("/reports", "/api/v1/camera-events", "/devices", "/kpis", "/admin")


def _kiosk_client(server: Flask, token: str) -> FlaskClient:
    client = server.test_client()
    resp = client.get(f"/wall?kiosk={token}")
    assert resp.status_code == 200, resp.status_code
    session = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("ioc_session=")]
    assert session and "Max-Age=" in session[0] and "HttpOnly" in session[0]   # a wall screen keeps it
    return client


def test_kiosk_token_opens_the_wall_and_its_callbacks_only(app: Dash, server: Flask, db: psycopg.Connection) -> None:
    _, token = kiosk_token(db)
    client = _kiosk_client(server, token)
    tick = client.post("/_dash-update-component", json=callback_body(WALL_MAP, app.callback_map[WALL_MAP]),
                       headers=csrf_header(client))
    assert tick.status_code not in (401, 403)
    for path in REPORT_PATHS:
        assert client.get(path).status_code == 403, path
    router = next(k for k in app.callback_map if "_pages_content" in k)
    for page in ("/reports", "/devices", "/kpis"):
        resp = client.post("/_dash-update-component", json=callback_body(router, {}, pathname=page),
                           headers=csrf_header(client))
        assert resp.status_code == 403, page
    reports_callbacks = [k for k, v in app.callback_map.items()
                         if getattr(v.get("callback"), "__module__", "") == "pages.reports"]
    for key in reports_callbacks:
        resp = client.post("/_dash-update-component", json=callback_body(key, app.callback_map[key]),
                           headers=csrf_header(client))
        assert resp.status_code == 403, key
    submit = client.post("/open311/v2/requests.json", data={"service_code": "noise", "api_key": token})
    assert submit.status_code == 401


def test_kiosk_cannot_see_personal_data(db: psycopg.Connection) -> None:
    _, token = kiosk_token(db)
    found = keys.authenticate(db, token, kind="kiosk")
    assert found is not None
    kiosk = found[0]
    assert kiosk.permissions == roles.KIOSK
    for data_class in (personal.REPORT_CONTACT, personal.CAMERA_SNAPSHOT):
        assert not personal.may_see(kiosk, data_class)
    assert keys.authenticate(db, token) is None   # a kiosk token is not an API key


def test_kiosk_survives_a_restart_and_dies_with_its_revocation(settings: Settings, pool: ConnectionPool,
                                                                 server: Flask, db: psycopg.Connection) -> None:
    key_id, token = kiosk_token(db)
    client = _kiosk_client(server, token)
    restarted = create_app(settings, pool).server.test_client()
    cookie = client.get_cookie("ioc_session")
    assert cookie is not None
    restarted.set_cookie("ioc_session", cookie.value)
    assert restarted.get("/wall").status_code == 200
    keys.revoke(db, key_id, actor="test")
    assert restarted.get("/wall").status_code == 302
    again = server.test_client().get(f"/wall?kiosk={token}")
    assert again.status_code == 401 and "không còn hiệu lực" in again.get_data(as_text=True)


def test_keys_and_sessions_are_hashed_at_rest(server: Flask, db: psycopg.Connection) -> None:
    key_id, kiosk = kiosk_token(db)
    read = api_key(db, roles.READ)
    session = _kiosk_client(server, kiosk).get_cookie("ioc_session")
    assert session is not None
    cookie = session.value
    dump = " ".join(r[0] for r in db.execute("SELECT t::text FROM api_keys t UNION ALL SELECT t::text FROM "
                                              "auth_sessions t"))
    for secret in (kiosk, read, cookie):
        assert secret not in dump and secret[12:30] not in dump
    stored = db.execute("SELECT secret_hash FROM api_keys WHERE id = %s", [key_id]).fetchone()
    assert stored is not None and bytes(stored[0]) == hashlib.sha256(kiosk.encode()).digest()


def test_api_keys_are_scoped_revocable_and_expire(server: Flask, db: psycopg.Connection) -> None:
    client = server.test_client()
    read, submit = api_key(db, roles.READ), api_key(db, roles.REPORTS_SUBMIT, name="zalo-bot")
    assert client.get("/api/v1/wards", headers={"Authorization": f"Bearer {read}"}).status_code == 200
    assert client.get("/api/v1/wards", headers={"X-API-Key": read}).status_code == 200
    assert client.get(f"/api/v1/wards?api_key={read}").status_code == 401   # never in a URL
    assert client.get("/api/v1/wards", headers={"X-API-Key": submit}).status_code == 403
    assert client.get("/devices", headers={"X-API-Key": read}).status_code == 302   # keys open APIs, not pages
    refused = client.post("/open311/v2/requests.json", data={"service_code": "noise", "api_key": read})
    assert refused.status_code == 403 and refused.get_json()[0]["code"] == 403
    accepted = client.post("/open311/v2/requests.json", data={"service_code": "noise", "api_key": submit})
    assert accepted.status_code not in (401, 403)
    assert client.get("/open311/v2/services.json").status_code == 200   # public, as the standard intends
    row = db.execute("SELECT id FROM api_keys WHERE name = 'client'").fetchone()
    assert row is not None
    keys.revoke(db, row[0], actor="test")
    assert client.get("/api/v1/wards", headers={"X-API-Key": read}).status_code == 401
    _, soon = keys.add(db, "short-lived", "test", (roles.READ,), expires_in=timedelta(seconds=1))
    db.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'short-lived'")
    assert client.get("/api/v1/wards", headers={"X-API-Key": soon}).status_code == 401
