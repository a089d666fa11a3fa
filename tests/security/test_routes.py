"""Every route (Flask url_map) and every Dash callback (callback_map) of the app, as each kind of caller.

Unauthenticated: a login redirect for pages, 401 for the rest, except the public allow-list. Each role is refused
what it may not do. The expectations are written out here by hand, apart from ``ioc.security.policy``.
"""

from __future__ import annotations

from typing import Any

import dash
import psycopg
import pytest
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from ioc.security import roles
from tests.security.helpers import api_key, callback_body, csrf_header, kiosk_token, signed_in

ROLES = ("viewer", "operator", "leader", "admin")
SAMPLE = {"filename": "ioc.css", "package_name": "dash", "fingerprinted_path": "dcc/dash_core_components.js",
          "path": "no-such-page", "device_id": "env-1", "rest": "nothing", "fmt": "json", "code": "noise",
           "rid": "1", "alarm_id": "1", "incident_id": "1", "key": "online_submission", "briefing_id": 1,
           "kind": "pdf", "document": "1", "comment": "1", "point_id": "1"}
PUBLIC = {("/healthz", "GET"), ("/login", "GET"), ("/login", "POST"), ("/logout", "GET"), ("/logout", "POST"),
          ("/assets/<path:filename>", "GET"), ("/_favicon.ico", "GET"),
          ("/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>", "GET"),
          # the residents' page (issue 19): plain HTML, only what Open311 publishes
          ("/public", "GET"), ("/public/<code>", "GET"), ("/public/static/<path:filename>", "GET"),
          ("/public/", "GET"), ("/public/<path:rest>", "GET"),
          # its disclosure documents: the download, and the one anonymous POST (signed token, honeypot, limits)
          ("/public/documents/<int:document>", "GET"), ("/public/comments/<int:document>", "POST")}
# who may open each page (path prefix) besides admin: written from the issue, not read from the policy
PAGE_ROLES = {"/wall": {"viewer", "operator", "leader", "kiosk"}, "/ward": {"viewer", "operator", "leader"},
              "/devices": {"viewer", "operator", "leader"}, "/reports": {"operator"}, "/kpis": {"leader"},
               "/alarms": {"viewer", "operator", "leader"}, "/incidents": {"viewer", "operator", "leader"},
               "/footage": {"viewer", "operator", "leader"}, "/lighting": {"viewer", "operator", "leader"},
               "/adoption": {"leader"}, "/briefings": {"leader"}, "/404": {"viewer", "operator", "leader", "kiosk"},
               "/staff": {"operator"}, "/social": {"viewer", "operator", "leader"},
              "/": {"viewer", "operator", "leader"}}


def _is_public(rule: Rule, method: str) -> bool:
    return (rule.rule, method) in PUBLIC or (rule.rule.startswith("/open311/v2/") and method == "GET")


def _cases(server: Flask) -> list[tuple[Rule, str, str]]:
    adapter = server.url_map.bind("localhost")
    cases = []
    for rule in server.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            url = adapter.build(rule.endpoint, {a: SAMPLE[a] for a in rule.arguments}, method=method)
            cases.append((rule, method, url))
    return cases


def _call(client: FlaskClient, method: str, url: str, headers: dict[str, str] | None = None) -> Any:
    resp = client.open(url, method=method, headers=headers or {}, json={} if method == "POST" else None)
    resp.get_data()
    resp.close()   # a file response (assets) holds its file open until closed
    return resp


def _to_login(resp: Any) -> bool:
    return resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")


def test_every_route_refuses_strangers_except_the_allow_list(server: Flask) -> None:
    client, seen_public = server.test_client(), set()
    cases = _cases(server)
    assert len(cases) >= 25 and any(r.rule == "/_dash-update-component" for r, _, _ in cases)
    for rule, method, url in cases:
        resp = _call(client, method, url)
        if _is_public(rule, method):
            assert resp.status_code != 401 and not _to_login(resp), (rule.rule, method, resp.status_code)
            seen_public.add((rule.rule, method))
        elif method == "GET" and not url.startswith(("/api/", "/_dash-", "/open311/")):
            assert resp.status_code == 302, (rule.rule, resp.status_code)
            assert resp.headers["Location"].startswith("/login?next="), rule.rule
        else:
            assert resp.status_code == 401, (rule.rule, method, resp.status_code)
            assert resp.is_json or url.startswith("/open311/"), rule.rule
    assert PUBLIC <= seen_public | {("/logout", "GET")}


def test_every_callback_refuses_strangers(app: Dash, server: Flask) -> None:
    client = server.test_client()
    server_side = {k: v for k, v in app.callback_map.items() if v.get("callback") is not None}
    assert len(server_side) >= 12
    for key, spec in server_side.items():
        resp = client.post("/_dash-update-component", json=callback_body(key, spec))
        assert resp.status_code == 401, key


@pytest.fixture
def callers(server: Flask, db: psycopg.Connection) -> dict[str, tuple[FlaskClient, dict[str, str]]]:
    """A signed-in client per role, a kiosk, and API clients: (client, headers to send)."""
    out: dict[str, tuple[FlaskClient, dict[str, str]]] = {role: (signed_in(server, db, role), {}) for role in ROLES}
    kiosk = server.test_client()
    _, token = kiosk_token(db)
    assert kiosk.get(f"/wall?kiosk={token}").status_code == 200
    out["kiosk"] = (kiosk, {})
    out["key:read"] = (server.test_client(), {"Authorization": f"Bearer {api_key(db, roles.READ)}"})
    out["key:submit"] = (server.test_client(), {"X-API-Key": api_key(db, roles.REPORTS_SUBMIT, name="zalo")})
    return out


def _page_allowed(path: str, who: str) -> bool:
    if who == "admin":
        return True
    if who.startswith("key:"):
        return False
    best = max((p for p in PAGE_ROLES if path == p or (p != "/" and path.startswith(p + "/"))), key=len,
               default=None)
    return best is not None and who in PAGE_ROLES[best]


def test_each_caller_reaches_exactly_its_pages(server: Flask, callers: dict[str, Any]) -> None:
    paths = ["/", "/wall", "/ward/22333", "/devices", "/reports", "/alarms", "/incidents", "/incidents/1", "/kpis",
             "/kpis/ward/22333", "/adoption", "/admin/users", "/settings", "/account/password", "/staff/disclosures",
             "/staff/support-points"]
    for who, (client, headers) in callers.items():
        for path in paths:
            resp = client.get(path, headers=headers)
            expected = _page_allowed(path, who) or (path == "/account/password" and who in ROLES)
            assert (resp.status_code == 200) == expected, (who, path, resp.status_code)
            if not expected:   # an API key is no session: a page sends its bearer to the login form
                assert resp.status_code in (401, 403) or _to_login(resp), (who, path, resp.status_code)


def test_each_caller_reaches_exactly_its_api(server: Flask, callers: dict[str, Any]) -> None:
    readers = set(ROLES) | {"key:read"}
    for who, (client, headers) in callers.items():
        for url in ("/api/v1/wards", "/api/v1/devices", "/api/v1/camera-events", "/api/v1/openapi.json"):
            resp = client.get(url, headers=headers)
            assert (resp.status_code == 200) == (who in readers), (who, url, resp.status_code)
            assert resp.status_code in (200, 403), (who, url, resp.status_code)
        form = {"service_code": "noise", "api_key": headers.get("X-API-Key", "")}   # GeoReport v2: a form field
        submit = client.post("/open311/v2/requests.json", headers=headers | csrf_header(client), data=form)
        assert (submit.status_code in (401, 403)) == (who != "key:submit"), (who, submit.status_code)


def _page_of_callback(spec: dict[str, Any]) -> str | None:
    module = getattr(spec.get("callback"), "__module__", None)
    page = dash.page_registry.get(module or "")
    return (page.get("path_template") or page["path"]).split("<")[0].rstrip("/") or "/" if page else None


def test_each_caller_runs_exactly_its_callbacks(app: Dash, callers: dict[str, Any]) -> None:
    """Refusals go through HTTP; for allowed callbacks the guard must not answer 401/403 (the callback itself
    may then refuse a body without values)."""
    checked = 0
    for key, spec in app.callback_map.items():
        page = _page_of_callback(spec)
        if page is None:
            continue
        for who, (client, headers) in callers.items():
            resp = client.post("/_dash-update-component", json=callback_body(key, spec),
                               headers=headers | csrf_header(client))
            assert (resp.status_code in (401, 403)) != _page_allowed(page, who), (who, key, resp.status_code)
            checked += 1
    assert checked >= 12 * len(callers)


def test_the_pages_router_renders_only_allowed_pages(app: Dash, callers: dict[str, Any]) -> None:
    router = next(k for k in app.callback_map if "_pages_content" in k)
    for module, page in dash.page_registry.items():
        path = (page.get("path_template") or page["path"]).replace("<code>", "22333")
        for who, (client, headers) in callers.items():
            resp = client.post("/_dash-update-component", json=callback_body(router, {}, pathname=path),
                               headers=headers | csrf_header(client))
            allowed = _page_allowed(path, who)
            assert (resp.status_code in (401, 403)) != allowed, (who, module, resp.status_code)
            if allowed and module in ("pages.wall", "pages.home"):
                assert resp.status_code == 200 and "_pages_content" in resp.get_data(as_text=True)
