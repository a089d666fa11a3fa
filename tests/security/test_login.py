"""Sign-in with database users: cookies, one-time passwords, rate limits across workers, CSRF, logout, revocation."""

from __future__ import annotations

from typing import Any

import psycopg
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import users
from tests.security.helpers import PASSWORD, callback_body, csrf_header, login, make_user, signed_in

WALL_TICK = "..wall-map.figure...wall-map-sig.data.."


def _cookies(resp: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in resp.headers.getlist("Set-Cookie")}


def _server(settings: Settings, pool: ConnectionPool, **changes: Any) -> Flask:
    return create_app(settings.model_copy(update=changes), pool).server


def test_login_sets_httponly_samesite_cookies_and_goes_back(server: Flask, db: psycopg.Connection) -> None:
    make_user(db, "lan", "viewer")
    client = server.test_client()
    assert client.get("/devices").headers["Location"] == "/login?next=%2Fdevices"
    resp = login(client, "Lan")   # user names are case-insensitive
    assert resp.status_code == 303 and resp.headers["Location"] == "/"
    cookies = _cookies(resp)
    assert "HttpOnly" in cookies["ioc_session"] and "SameSite=Lax" in cookies["ioc_session"]
    assert "HttpOnly" not in cookies["_csrf_token"] and "SameSite=Strict" in cookies["_csrf_token"]
    assert "Secure" not in cookies["ioc_session"]   # loopback demo over plain HTTP
    page = client.get("/devices")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_off_loopback_or_when_asked(settings: Settings, pool: ConnectionPool,
                                                       db: psycopg.Connection) -> None:
    make_user(db, "minh", "viewer")
    for changes in ({"http_host": "0.0.0.0"}, {"cookie_secure": True}):
        resp = login(_server(settings, pool, **changes).test_client(), "minh")
        assert resp.status_code == 303
        assert all("Secure" in c for c in _cookies(resp).values()), changes
    resp = login(_server(settings, pool, http_host="0.0.0.0", cookie_secure=False).test_client(), "minh")
    assert not any("Secure" in c for c in _cookies(resp).values())


def test_wrong_password_and_unknown_user_look_the_same(server: Flask, db: psycopg.Connection) -> None:
    make_user(db, "hoa", "viewer")
    client = server.test_client()
    bad, unknown = login(client, "hoa", "not the password"), login(client, "nobody", "not the password")
    assert bad.status_code == unknown.status_code == 401
    assert "ioc_session" not in _cookies(bad) and "Sai tên đăng nhập hoặc mật khẩu" in bad.get_data(as_text=True)
    assert client.get("/devices").status_code == 302


def test_next_never_leaves_the_site(server: Flask, db: psycopg.Connection) -> None:
    make_user(db, "tuan", "viewer")
    for target, where in (("https://evil.example/x", "/"), ("//evil.example", "/"), ("/ward/22333", "/ward/22333")):
        client = server.test_client()
        client.get("/login")
        csrf = client.get_cookie("_csrf_token").value  # type: ignore[union-attr]
        resp = client.post(f"/login?next={target}", data={"username": "tuan", "password": PASSWORD,
                                                           "csrf_token": csrf})
        assert resp.headers["Location"] == where, target


def test_failures_per_user_lock_the_name_for_every_worker(settings: Settings, pool: ConnectionPool,
                                                          db: psycopg.Connection) -> None:
    """Two app instances stand for two gunicorn workers: failures counted by one lock the other."""
    make_user(db, "an", "operator")
    worker_a = _server(settings, pool, login_max_failures_user=3)
    worker_b = _server(settings, pool, login_max_failures_user=3)
    for worker in (worker_a, worker_b, worker_a):
        assert login(worker.test_client(), "an", "wrong password!").status_code == 401
    locked = login(worker_b.test_client(), "an")   # the right password, refused while locked
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
    assert "ioc_session" not in _cookies(locked)
    db.execute("UPDATE security_events SET at = at - interval '16 minutes' WHERE action = 'login_failed'")
    assert login(worker_a.test_client(), "an").status_code == 303
    actions = [r[0] for r in db.execute("SELECT action FROM security_events WHERE subject = 'an' ORDER BY id")]
    assert actions.count("login_failed") == 3 and "login_refused" in actions and actions[-1] == "login_ok"


def test_a_success_clears_the_name_but_not_the_address(settings: Settings, pool: ConnectionPool,
                                                       db: psycopg.Connection) -> None:
    make_user(db, "binh", "viewer")
    make_user(db, "chi", "viewer")
    server = _server(settings, pool, login_max_failures_user=3, login_max_failures_ip=5)
    for _ in range(2):
        assert login(server.test_client(), "binh", "wrong password!").status_code == 401
    assert login(server.test_client(), "binh").status_code == 303
    for _ in range(2):
        assert login(server.test_client(), "binh", "wrong password!").status_code == 401
    assert login(server.test_client(), "binh").status_code == 303   # 2 since the success: not locked
    assert login(server.test_client(), "chi", "wrong password!").status_code == 401   # 5th from this address
    assert login(server.test_client(), "chi").status_code == 429   # the address is locked, whatever the name
    elsewhere = server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(elsewhere, "chi").status_code == 303


def test_one_time_password_must_be_changed_first(server: Flask, db: psycopg.Connection) -> None:
    otp = make_user(db, "dung", "operator", changed=False)
    client = server.test_client()
    resp = login(client, "dung", otp)
    assert resp.status_code == 303 and resp.headers["Location"] == "/account/password"
    assert client.get("/wall").headers["Location"] == "/account/password"
    assert client.get("/api/v1/wards").status_code == 403
    form = {"current": otp, "new": "a new secret phrase", "repeat": "a new secret phrase"}
    no_token = client.post("/account/password", data=form)
    assert no_token.status_code == 403
    weak = client.post("/account/password", data=form | {"new": "short", "repeat": "short"},
                       headers=csrf_header(client))
    assert weak.status_code == 400
    done = client.post("/account/password", data=form, headers=csrf_header(client))
    assert done.status_code == 303 and client.get("/wall").status_code == 200
    assert login(server.test_client(), "dung", otp).status_code == 401
    assert login(server.test_client(), "dung", "a new secret phrase").status_code == 303


def test_logout_ends_the_session_for_good(server: Flask, db: psycopg.Connection) -> None:
    client = signed_in(server, db, "viewer")
    token = client.get_cookie("ioc_session").value  # type: ignore[union-attr]
    assert client.post("/logout").status_code == 403   # no CSRF token: not a logout another site can force
    resp = client.post("/logout", data={"csrf_token": csrf_header(client)["X-CSRFToken"]})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    assert client.get("/devices").status_code == 302
    client.set_cookie("ioc_session", token)   # a copy of the old cookie is worth nothing
    assert client.get("/devices").status_code == 302


def test_disable_and_role_change_take_effect_at_once(server: Flask, db: psycopg.Connection) -> None:
    client = signed_in(server, db, "operator", "em")
    assert client.get("/reports").status_code == 200
    users.set_role(db, "em", "viewer", actor="test")
    assert client.get("/reports").status_code == 403 and client.get("/devices").status_code == 200
    users.disable(db, "em", actor="test")
    assert client.get("/devices").status_code == 302
    assert login(server.test_client(), "em").status_code == 401


def test_idle_sessions_end(server: Flask, db: psycopg.Connection) -> None:
    client = signed_in(server, db, "viewer")
    db.execute("UPDATE auth_sessions SET last_seen_at = now() - interval '9 hours'")
    assert client.get("/devices").status_code == 302


def test_callbacks_need_the_csrf_token_and_a_same_site_origin(app: Any, server: Flask,
                                                            db: psycopg.Connection) -> None:
    client = signed_in(server, db, "viewer")
    body = callback_body(WALL_TICK, app.callback_map[WALL_TICK])
    token = csrf_header(client)

    def post(headers: dict[str, str]) -> int:
        return client.post("/_dash-update-component", json=body, headers=headers).status_code

    assert post({}) == 403
    assert post({"X-CSRFToken": "guessed"}) == 403
    assert post(token | {"Origin": "https://evil.example"}) == 403
    assert post(token | {"Origin": "http://localhost"}) not in (401, 403)
    assert post(token) not in (401, 403)


def test_login_form_needs_its_token_and_origin(server: Flask, db: psycopg.Connection) -> None:
    make_user(db, "giang", "viewer")
    client = server.test_client()
    assert client.post("/login", data={"username": "giang", "password": PASSWORD}).status_code == 403
    assert login(client, "giang").status_code == 303
    other = server.test_client()
    other.get("/login")
    csrf = other.get_cookie("_csrf_token").value  # type: ignore[union-attr]
    resp = other.post("/login", data={"username": "giang", "password": PASSWORD, "csrf_token": csrf},
                      headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403 and "ioc_session" not in _cookies(resp)


def test_behind_one_proxy_the_forwarded_address_counts(settings: Settings, pool: ConnectionPool,
                                                      db: psycopg.Connection) -> None:
    make_user(db, "khanh", "viewer")

    def client(server: Flask, forwarded: str) -> Any:
        c = server.test_client()
        c.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
        return c

    proxied = _server(settings, pool, proxy_hops=1, login_max_failures_ip=2)
    for name in ("x1", "x2"):
        assert login(client(proxied, "203.0.113.7"), name, "wrong password!").status_code == 401
    assert login(client(proxied, "203.0.113.7"), "khanh").status_code == 429
    assert login(client(proxied, "203.0.113.8"), "khanh").status_code == 303
    direct = _server(settings, pool, login_max_failures_ip=2)   # no proxy: a forged header changes nothing
    for name in ("y1", "y2"):
        assert login(client(direct, f"198.51.100.{len(name)}{name[-1]}"), name, "wrong password!").status_code == 401
    assert login(client(direct, "198.51.100.99"), "khanh").status_code == 429
    ips = {r[0] for r in db.execute("SELECT ip FROM security_events WHERE action = 'login_failed'")}
    assert ips == {"203.0.113.7", "127.0.0.1"}


def test_a_database_outage_is_a_503_not_an_open_door(settings: Settings, db_url: str) -> None:
    from ioc import db as ioc_db

    closed = ioc_db.pool(db_url, min_size=1, max_size=1)
    client = create_app(settings, closed).server.test_client()
    closed.close()
    client.set_cookie("ioc_session", "some-session-token")
    for url in ("/devices", "/api/v1/wards"):
        resp = client.get(url)
        assert resp.status_code == 503 and resp.get_json()["error"]["status"] == 503, url
    assert client.get("/api/v1/wards", headers={"X-API-Key": "k"}).status_code == 503
