"""Content-Security-Policy: scripts only from the app and Dash's own inline scripts (by hash); the browser tests
(tests/dashboards/test_browser.py) check that every page still runs under it without a console error."""

from __future__ import annotations

import base64
import hashlib
import re

import psycopg
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards import csp
from dashboards.app import create_app
from ioc.config import Settings
from tests.security.helpers import login, make_user


def _directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split("; "))}


def test_every_answer_carries_the_policy_and_inline_scripts_match_its_hashes(server: Flask,
                                                                            db: psycopg.Connection) -> None:
    client = server.test_client()
    assert csp.HEADER in client.get("/login").headers                   # the sign-in form (no script at all)
    make_user(db, "lan", "viewer")
    login(client, "lan")
    page = client.get("/wall")
    assert page.status_code == 200
    policy = _directives(page.headers[csp.HEADER])
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"] and policy["worker-src"] == ["'self'", "blob:"]
    # every inline script Dash writes into the page is allowed by its hash, and nothing else inline
    html = re.sub(r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.S)   # Dash's "no IE" note is a comment
    inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
              if "src=" not in attrs and "application/json" not in attrs]
    assert inline, "Dash's renderer starts from an inline script"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    assert csp.HEADER in client.get("/api/v1/wards").headers            # JSON answers too
    assert csp.HEADER in client.get("/healthz").headers


def test_clientside_callbacks_are_in_the_policy(server: Flask) -> None:
    """The wall's clientside callbacks (reconnect badge, last-seen time) are inline scripts: hashed, so they run."""
    server.test_client().get("/login")
    app = server.extensions["ioc_auth"]["app"]
    assert len(app._inline_scripts) >= 2
    header = server.test_client().get("/login").headers[csp.HEADER]
    for script in app._inline_scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in header


def test_the_operators_tile_server_is_allowed_and_nothing_else(settings: Settings, pool: ConnectionPool) -> None:
    assert csp.tile_origin("https://{s}.tiles.example.vn/{z}/{x}/{y}.png") == ["https://*.tiles.example.vn"]
    assert csp.tile_origin("http://10.0.0.5:8080/osm/{z}/{x}/{y}.png") == ["http://10.0.0.5:8080"]
    assert csp.tile_origin("/tiles/{z}/{x}/{y}.png") == [] and csp.tile_origin(None) == []
    server = create_app(settings.model_copy(update={"tiles_url": "https://tiles.example.vn/{z}/{x}/{y}.png"}),
                        pool).server
    policy = _directives(server.test_client().get("/login").headers[csp.HEADER])
    assert policy["connect-src"][-1] == policy["img-src"][-1] == "https://tiles.example.vn"
    assert not any("example" in s for s in policy["script-src"])
