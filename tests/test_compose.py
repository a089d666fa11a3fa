"""docker-compose.yml is valid for Debian's docker-compose (no engine needed) and runs the same system."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def test_compose_file_validates() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is not installed: scripts/setup.sh installs Debian's package")
    done = subprocess.run([binary, "config", "-q"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_compose_runs_the_same_services_with_health_checks_and_volumes() -> None:
    doc = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = doc["services"]
    assert services["db"]["image"].startswith("timescale/timescaledb-ha")
    assert {"ingester", "simulator", "dashboard", "migrate", "mqtt"} <= set(services)
    assert all("healthcheck" in services[s] for s in ("db", "mqtt", "ingester", "dashboard"))
    assert set(doc["volumes"]) >= {"db-data", "mqtt-data"}
    assert services["dashboard"]["environment"]["IOC_DATABASE_URL"].startswith("postgresql://")
