"""The local stack's PostgreSQL lets no other local account in: the password everywhere (SCRAM, socket included), a
socket folder private to the postgres account, and a state file that is never readable by others, not even briefly."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ioc import stack
from ioc.stack._postgres import PrivatePostgres
from ioc.stack._state import PgState, StackState
from tests.support import StackHandle, service_dir

PSQL = "/usr/lib/postgresql/15/bin/psql"


@pytest.fixture(scope="module")
def pg_only() -> Iterator[StackHandle]:
    """A private PostgreSQL of our own (the broker is "configured", so only PostgreSQL starts)."""
    handle = StackHandle(service_dir("pg-sec"), mqtt_url="mqtt://127.0.0.1:9")
    handle.up()
    try:
        yield handle
    finally:
        handle.down()


def _psql_as(user: str | None, handle: StackHandle, host: str) -> subprocess.CompletedProcess[str]:
    """``SELECT 1`` as the stack's superuser without its password, run as another OS account (or as us)."""
    state = StackState.load(handle.settings.state_dir)
    assert state.postgres is not None
    cmd = [PSQL, "-w", "-h", host, "-p", str(state.postgres.port), "-U", "ioc", "-d", "ioc", "-Atc", "SELECT 1"]
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}   # no PGPASSWORD, no ~/.pgpass of ours
    full = ["runuser", "-u", user, "--", *cmd] if user else cmd
    return subprocess.run(full, env=env, capture_output=True, text=True, timeout=30, check=False, cwd="/")


def test_another_local_account_cannot_connect(pg_only: StackHandle) -> None:
    pg = PrivatePostgres(pg_only.settings.state_dir)
    for host in (str(pg.run_dir), "127.0.0.1"):
        done = _psql_as("nobody", pg_only, host)
        assert done.returncode != 0 and done.stdout.strip() != "1", f"nobody got in through {host}"
    # even an account that can reach the socket (ours) must give the password
    mine = _psql_as(None, pg_only, str(pg.run_dir))
    assert mine.returncode != 0 and "password" in mine.stderr
    with psycopg.connect(stack.endpoints(pg_only.settings).database_url) as conn:   # with it, everything works
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_the_cluster_folder_and_socket_folder_are_private(pg_only: StackHandle) -> None:
    pg = PrivatePostgres(pg_only.settings.state_dir)
    for folder in (pg.root, pg.run_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    rules = [line.split() for line in (pg.data / "pg_hba.conf").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules and all(rule[-1] == "scram-sha-256" for rule in rules)


def test_a_cluster_made_with_trust_is_locked_down_on_the_next_start(pg_only: StackHandle) -> None:
    pg = PrivatePostgres(pg_only.settings.state_dir)
    hba = pg.data / "pg_hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    pg.run_dir.chmod(0o755)
    subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", str(pg.data),
                    "reload"], check=True, capture_output=True, timeout=30)
    try:
        pg_only.up()
        assert stat.S_IMODE(pg.run_dir.stat().st_mode) == 0o700 and "trust" not in hba.read_text()
        assert _psql_as(None, pg_only, str(pg.run_dir)).returncode != 0   # the reload took effect
    finally:
        pg_only.up()


def test_the_state_file_is_private_from_its_creation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a permissive umask and with chmod doing nothing, the file must still be 0600: its mode comes from
    the open() that creates it, so no other account can open it between creation and a later chmod."""
    import ioc.stack._state as state_module

    (tmp_path / "stack.tmp").write_text("{}")    # a leftover of a crash, world-readable
    os.chmod(tmp_path / "stack.tmp", 0o666)
    monkeypatch.setattr(state_module.os, "chmod", lambda *a, **k: None)
    old = os.umask(0)
    try:
        StackState(PgState(5432, "secret-password")).save(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "stack.json").stat().st_mode) == 0o600
    assert json.loads((tmp_path / "stack.json").read_text())["postgres"]["password"] == "secret-password"
