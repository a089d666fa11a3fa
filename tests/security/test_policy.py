"""The pure core: path rules, decisions, callback requirements, redirects, password and token helpers, and
Mosquitto's hash format (checked against ``mosquitto_passwd`` itself)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ioc.security import mqtt_auth, passwords, policy, roles, tokens
from ioc.security.errors import InvalidInput
from ioc.security.principal import Principal

VIEWER = Principal("user", "v", "viewer", roles.permissions_of("viewer"), user_id=1)
ADMIN = Principal("user", "a", "admin", roles.permissions_of("admin"), user_id=2)


@pytest.mark.parametrize(("method", "path", "need"), [
    ("GET", "/", roles.READ), ("GET", "/wall", roles.WALL), ("HEAD", "/wall", roles.WALL),
    ("GET", "/wallet", policy.DEFAULT), ("GET", "/ward/22333", roles.READ), ("GET", "/healthz", policy.PUBLIC),
    ("POST", "/healthz", policy.DEFAULT), ("GET", "/open311/v2/services.json", policy.PUBLIC),
    ("POST", "/open311/v2/requests.json", roles.REPORTS_SUBMIT), ("GET", "/api/v1/wards", roles.READ),
    ("DELETE", "/api/v1/wards", policy.DEFAULT), ("GET", "/reports/queue", roles.REPORTS_HANDLE),
    ("GET", "/kpis/ward/1", roles.KPI), ("GET", "/something-new", policy.DEFAULT),
    ("GET", "/favicon.ico", policy.PUBLIC), ("GET", "/favicon.ico.evil", policy.DEFAULT),
    ("POST", "/_dash-update-component", policy.ROUTER), ("GET", "/_dash-layout", policy.SIGNED_IN),
])
def test_requirement_is_the_longest_matching_rule_else_admin(method: str, path: str, need: str) -> None:
    assert policy.requirement(method, path) == need


def test_decisions() -> None:
    assert policy.decide(policy.PUBLIC, None) == "allow"
    assert policy.decide(roles.READ, None) == "login"
    assert policy.decide(roles.READ, VIEWER) == "allow" and policy.decide(roles.KPI, VIEWER) == "forbidden"
    assert policy.decide(roles.ADMIN, ADMIN) == "allow" and not ADMIN.may(roles.REPORTS_SUBMIT)
    fresh = Principal("user", "n", "admin", ADMIN.permissions, must_change_password=True)
    assert policy.decide(roles.READ, fresh) == "change_password"
    assert policy.decide(policy.SIGNED_IN, fresh, password_change_ok=True) == "allow"
    assert roles.permissions_of("root") == frozenset()


@pytest.mark.parametrize("body", [None, [], "x", {}, {"output": 5}, {"output": "nope.children"},
                                  {"output": "router", "inputs": "x"}, {"output": "router", "inputs": []},
                                  {"output": "router", "inputs": [{"id": "_pages_location", "property": "pathname",
                                                                   "value": "http://evil/"}]}])
def test_malformed_callback_requests_need_the_default(body: object) -> None:
    callbacks = {"router": policy.RouterShape(0, 1), "a.b": roles.READ}
    assert policy.callback_requirement(callbacks, body) == policy.DEFAULT


def test_the_router_asks_what_the_page_needs() -> None:
    def body(path: str) -> dict[str, object]:
        return {"output": "r", "inputs": [{"id": "_pages_location", "property": "search", "value": ""},
                                          {"id": "_pages_location", "property": "pathname", "value": path}]}

    callbacks = {"r": policy.RouterShape(1, 2)}
    assert policy.callback_requirement(callbacks, body("/wall")) == roles.WALL
    assert policy.callback_requirement(callbacks, body("/reports")) == roles.REPORTS_HANDLE
    assert policy.callback_requirement(callbacks, body("/login")) == policy.SIGNED_IN   # never public via Dash


@given(st.text(max_size=60))
def test_safe_next_stays_on_this_site(target: str) -> None:
    out = policy.safe_next(target)
    assert out.startswith("/") and not out.startswith("//")
    assert urlsplit(urljoin("https://ioc.example/login", out)).netloc == "ioc.example"


def test_passwords() -> None:
    stored = passwords.hash_password("mật khẩu dài đủ")
    assert stored.startswith("$argon2id$") and passwords.verify(stored, "mật khẩu dài đủ")
    assert not passwords.verify(stored, "wrong") and not passwords.verify("garbage", "x")
    assert not passwords.verify(stored, "x" * (passwords.MAX_LENGTH + 1))
    for weak in ("short", "aaaaaaaaaaaa", "lan.nguyen", "y" * 300):
        with pytest.raises(InvalidInput):
            passwords.check_new(weak, "lan.nguyen")
    otp = passwords.one_time_password()
    assert len(otp) == 23 and otp.count("-") == 3 and otp != passwords.one_time_password()


def test_tokens() -> None:
    a = tokens.new_token(tokens.API_KEY_TAG)
    assert a.startswith("ioc_") and len(a) >= 45 and tokens.digest(a) != tokens.digest(a + "x")
    assert tokens.same(a, a) and not tokens.same(a, None) and not tokens.same("", "")
    assert not tokens.plausible("x" * 201) and not tokens.plausible(None)


def test_our_hash_is_mosquitto_passwds_format(tmp_path: Path) -> None:
    binary = shutil.which("mosquitto_passwd")
    if binary is None:
        pytest.fail("mosquitto_passwd is missing: scripts/setup.sh installs Debian's mosquitto package")
    subprocess.run([binary, "-c", "-b", str(tmp_path / "pw"), "dev-1", "s3cret pass"], check=True, timeout=30)
    theirs = dict(mqtt_auth.parse_passwd((tmp_path / "pw").read_text()))["dev-1"]
    assert mqtt_auth.verify(theirs, "s3cret pass") and not mqtt_auth.verify(theirs, "other")
    ours = mqtt_auth.hash_password("s3cret pass", salt=bytes(12), iterations=101)
    assert ours.split("$")[1:3] == theirs.split("$")[1:3] and mqtt_auth.verify(ours, "s3cret pass")


@pytest.mark.parametrize("bad", ["ingester", "gateway", "ioc", "a/b", "a\nuser admin", "a b", "x" * 65, "+", "",
                                 "ioc-ingest-host-0", "IOC-x"])
def test_device_ids_that_could_bend_the_acl_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        mqtt_auth.acl_file([], [mqtt_auth.DeviceAccount(bad, "env", "$7$1$a$b")])


@pytest.mark.parametrize("bad", ["+", "#", "env/x", "env\nuser admin", "", "Env"])
def test_device_kinds_that_could_bend_the_acl_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        mqtt_auth.acl_file([], [mqtt_auth.DeviceAccount("dev-1", bad, "$7$1$a$b")])


def test_require_checks_the_caller_inside_a_request_only() -> None:
    from flask import Flask, g
    from werkzeug.exceptions import HTTPException

    from dashboards.auth import require

    @require(roles.REPORTS_CONTACT)
    def contact() -> str:
        return "0912…67"

    assert contact() == "0912…67"   # a plain call (a test of the callback function) is no remote caller
    app = Flask(__name__)
    operator = Principal("user", "o", "operator", roles.permissions_of("operator"), user_id=3)
    with app.test_request_context("/reports"):
        g.ioc_principal = operator
        assert contact() == "0912…67"
    for who in (VIEWER, None):
        with app.test_request_context("/reports"), pytest.raises(HTTPException) as refused:
            g.ioc_principal = who
            contact()
        assert refused.value.get_response().status_code == 403
    with app.test_request_context("/open311/v2/services.json"):
        g.ioc_public = True
        assert contact() == "0912…67"
    with pytest.raises(ValueError):
        require("reports:everything")
