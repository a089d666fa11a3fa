"""Helpers of the security tests: users with known passwords, signed-in test clients, API keys, callback bodies."""

from __future__ import annotations

import json
import secrets
from typing import Any

import psycopg
from flask import Flask
from flask.testing import FlaskClient

from ioc import stack
from ioc.security import broker, keys, mqtt_auth, users
from ioc.stack._mosquitto import PrivateMosquitto
from tests.support import StackHandle

PASSWORD = "correct horse battery staple"


def make_user(db: psycopg.Connection, name: str, role: str, *, changed: bool = True) -> str:
    """A user of ``role``; its password is PASSWORD (changed: past the one-time password) or the one-time one."""
    otp = users.add(db, name, role, actor="test")
    if not changed:
        return otp
    user = users.get(db, name)
    users.change_password(db, user.id, otp, PASSWORD)
    return PASSWORD


def login(client: FlaskClient, name: str, password: str = PASSWORD, **extra: Any) -> Any:
    """The browser's way: GET the form (sets the CSRF cookie), POST it back with the hidden token."""
    client.get("/login")
    csrf = client.get_cookie("_csrf_token")
    assert csrf is not None
    return client.post("/login", data={"username": name, "password": password, "csrf_token": csrf.value} | extra)


def signed_in(server: Flask, db: psycopg.Connection, role: str, name: str | None = None) -> FlaskClient:
    name = name or f"{role}-user"
    make_user(db, name, role)
    client = server.test_client()
    resp = login(client, name)
    assert resp.status_code == 303, resp.data[:300]
    return client


def csrf_header(client: FlaskClient) -> dict[str, str]:
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value if cookie else ""}


def api_key(db: psycopg.Connection, *scopes: str, name: str = "client") -> str:
    return keys.add(db, name, "test", scopes)[1]


def kiosk_token(db: psycopg.Connection, name: str = "lobby wall") -> tuple[int, str]:
    key, secret = keys.add(db, name, "test", kiosk=True)
    return key.id, secret


def outputs_of(key: str) -> list[dict[str, Any]]:
    """The outputs a callback's map key names: ``..a.b...c.d..`` or ``a.b``."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return out


def callback_body(output: str, spec: dict[str, Any], pathname: str | None = None) -> dict[str, Any]:
    """A /_dash-update-component body naming ``output``; inputs carry no values (the guard decides first)."""
    inputs = [{"id": i["id"], "property": i["property"], "value": None} for i in spec.get("inputs", [])]
    changed = []
    if pathname is not None:
        inputs = [{"id": "_pages_location", "property": "pathname", "value": pathname},
                  {"id": "_pages_location", "property": "search", "value": ""}]
        changed = ["_pages_location.pathname"]
    return {"output": output, "outputs": outputs_of(output), "inputs": inputs, "state": [],
            "changedPropIds": changed}


def device_account(handle: StackHandle, device_id: str, kind: str = "env") -> str:
    """A broker account for one device of ``kind`` on a private stack, without the database (tests of device-side
    code): what ``ioc devices credentials`` gives a registered device. Returns its password once the broker accepts
    it."""
    from tests.security.mqtt_client import attempt
    from tests.support import wait_until

    password = secrets.token_urlsafe(16)
    mq = PrivateMosquitto(handle.settings.state_dir.resolve())
    kept = [d for d in broker.load_devices(mq.root) if d.device_id != device_id]
    mine = mqtt_auth.DeviceAccount(device_id, kind, mqtt_auth.hash_password(password))
    broker.save_devices(mq.root, [*kept, mine], owner=mq.user)
    assert stack.reload_broker(handle.settings), "the private broker is not running"
    url = stack.endpoints(handle.settings).mqtt_url
    wait_until(lambda: attempt(url, device_id, password) == "Success", timeout=10, what=f"{device_id}'s account")
    return password


def browser_sign_in(dash_duo: Any, base_url: str, name: str, password: str = PASSWORD, next_path: str = "/") -> None:
    """Sign a dash[testing] browser in through the form; it lands on ``next_path``. For browser tests of pages:
    ``make_user(db, "op", "operator")`` then ``browser_sign_in(dash_duo, dash_duo.server.url, "op", next_path=…)``
    (start the server with ``navigate=False``: "/" answers with the sign-in page, not a Dash page)."""
    from urllib.parse import urlencode

    dash_duo.driver.get(f"{base_url.rstrip('/')}/login?{urlencode({'next': next_path})}")
    dash_duo.wait_for_element("#username", timeout=10)
    dash_duo.find_element("#username").send_keys(name)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("button[type=submit]").click()
