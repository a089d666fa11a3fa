"""``ioc serve``: a taken port is one clear line; gunicorn workers answer /healthz, /wall and the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import psycopg

from ioc.stack._proc import free_port
from tests.dashboards import access
from tests.support import wait_until

REPO = Path(__file__).resolve().parents[2]


def _env(db_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    return env | {"IOC_DATABASE_URL": db_url, "IOC_MQTT_URL": "mqtt://127.0.0.1:1", "IOC_HTTP_PORT": str(port)}


def test_port_in_use_is_one_line_without_traceback(db_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "smartward", "serve"], env=_env(db_url, port), cwd=REPO,
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and f"127.0.0.1:{port}" in done.stderr and "in use" in done.stderr


def test_serve_runs_gunicorn_workers(db_url: str, db: psycopg.Connection) -> None:
    kiosk, api = access.kiosk_token(db), access.api_headers(db)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "smartward", "serve", "--workers", "2", "--threads", "2"],
                            env=_env(db_url, port), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as res:
                return res.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, timeout=40, what="ioc serve to answer /healthz")
        with urllib.request.urlopen(f"{base}/wall?kiosk={kiosk}", timeout=5) as res:
            assert res.status == 200 and b"_dash-renderer" in res.read()
        with urllib.request.urlopen(urllib.request.Request(base + "/api/v1/wards", headers=api), timeout=5) as res:
            assert res.status == 200 and b'"items"' in res.read()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert b"Booting worker" in out and out.count(b"Booting worker") >= 2
