"""``ioc users`` and ``ioc keys``: secrets printed once, stored hashed; lists never show them; errors are one line."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from click.testing import CliRunner, Result
from flask import Flask

from smartward.cli import cli, main
from tests.security.helpers import login

OTP = re.compile(r"^([a-z2-9]{5}-){3}[a-z2-9]{5}$", re.M)


def run(db_url: str, tmp_path: Path, *args: str) -> Result:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--database-url", db_url, "--state-dir", str(tmp_path), *args], catch_exceptions=False)
    return result


def test_users_add_list_set_role_disable(db_url: str, db: psycopg.Connection, tmp_path: Path,
                                         server: Flask) -> None:
    added = run(db_url, tmp_path, "users", "add", "Lan.Nguyen", "--role", "operator", "--name", "Nguyễn Thị Lan")
    assert added.exit_code == 0, added.output
    found = OTP.search(added.output)
    assert found, added.output
    otp = found.group(0)
    stored = db.execute("SELECT password_hash, must_change_password FROM users WHERE username = 'lan.nguyen'")
    row = stored.fetchone()
    assert row is not None and row[0].startswith("$argon2id$") and otp not in row[0] and row[1] is True
    assert login(server.test_client(), "lan.nguyen", otp).headers["Location"] == "/account/password"
    listed = run(db_url, tmp_path, "users", "list").output
    assert "lan.nguyen" in listed and "operator" in listed and "must change password" in listed and otp not in listed
    assert run(db_url, tmp_path, "users", "set-role", "lan.nguyen", "leader").exit_code == 0
    assert db.execute("SELECT role FROM users").fetchone() == ("leader",)
    assert run(db_url, tmp_path, "users", "disable", "lan.nguyen").exit_code == 0
    assert "disabled" in run(db_url, tmp_path, "users", "list").output
    assert login(server.test_client(), "lan.nguyen", otp).status_code == 401
    events = [r[0] for r in db.execute("SELECT action FROM security_events ORDER BY id")]
    assert events[:1] == ["user_added"] and "user_role_set" in events and "user_disabled" in events


def test_reset_password_gives_a_new_one_time_password(db_url: str, tmp_path: Path, server: Flask) -> None:
    first = OTP.search(run(db_url, tmp_path, "users", "add", "hoa", "--role", "viewer").output)
    again = OTP.search(run(db_url, tmp_path, "users", "reset-password", "hoa").output)
    assert first and again and first.group(0) != again.group(0)
    assert login(server.test_client(), "hoa", first.group(0)).status_code == 401
    assert login(server.test_client(), "hoa", again.group(0)).status_code == 303


def test_bad_names_and_roles_are_one_line_errors(db_url: str, tmp_path: Path, capsys: object) -> None:
    base = ["--database-url", db_url, "--state-dir", str(tmp_path)]
    assert main([*base, "users", "add", "x'; DROP TABLE users; --", "--role", "viewer"]) == 2
    assert main([*base, "users", "add", "ok", "--role", "viewer"]) == 0
    assert main([*base, "users", "add", "ok", "--role", "viewer"]) == 2
    assert main([*base, "users", "disable", "nobody"]) == 2
    assert main([*base, "keys", "revoke", "999"]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "user name" in err and "exists already" in err and "no user 'nobody'" in err and "Traceback" not in err
    assert main([*base, "users", "add", "ok2", "--role", "superuser"]) == 2


def test_keys_add_list_revoke(db_url: str, db: psycopg.Connection, tmp_path: Path, server: Flask) -> None:
    made = run(db_url, tmp_path, "keys", "add", "zalo-bot", "--scope", "reports:submit", "--scope", "read")
    secret = made.output.strip().splitlines()[-1]
    assert made.exit_code == 0 and secret.startswith("ioc_") and len(secret) > 40
    kiosk = run(db_url, tmp_path, "keys", "add", "Lobby wall", "--kiosk")
    url = kiosk.output.strip().splitlines()[-1]
    assert "/wall?kiosk=kiosk_" in url
    token = url.split("kiosk=")[1]
    assert server.test_client().get(f"/wall?kiosk={token}").status_code == 200
    listed = run(db_url, tmp_path, "keys", "list").output
    assert "zalo-bot" in listed and "Lobby wall" in listed and secret not in listed and token not in listed
    assert secret[:12] in listed and "reports:submit" in listed
    client = server.test_client()
    assert client.get("/api/v1/wards", headers={"X-API-Key": secret}).status_code == 200
    key_id = db.execute("SELECT id FROM api_keys WHERE name = 'zalo-bot'").fetchone()
    assert key_id is not None
    assert run(db_url, tmp_path, "keys", "revoke", str(key_id[0])).exit_code == 0
    assert client.get("/api/v1/wards", headers={"X-API-Key": secret}).status_code == 401
    assert "revoked" in run(db_url, tmp_path, "keys", "list", "--all").output
    refused = CliRunner().invoke(cli, ["--database-url", db_url, "keys", "add", "x", "--kiosk", "--scope", "read"])
    assert refused.exit_code != 0 and "no scopes" in refused.output
