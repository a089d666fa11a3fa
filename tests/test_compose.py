"""docker-compose.yml is valid for Debian's docker-compose (no engine needed) and runs the same system; its secrets
come from scripts/compose-env, which generates strong ones and refuses placeholders."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "compose-env"
SECRETS = ("IOC_DB_PASSWORD", "IOC_MQTT_INGESTER_PASSWORD", "IOC_MQTT_GATEWAY_PASSWORD")
STRONG = {name: f"strong-secret-{i}-0123456789" for i, name in enumerate(SECRETS)}


def _env(**extra: str) -> dict[str, str]:
    """The environment without any IOC_ variable of the developer's shell."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("IOC_")}, **extra}


def _compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is not installed: scripts/setup.sh installs Debian's package")
    return subprocess.run([binary, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)


def _script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], env=env or _env(), capture_output=True, text=True, timeout=30,
                          check=False)


def test_compose_file_validates_with_secrets_and_refuses_to_run_without(tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"   # not the checkout's .env: a developer's secrets must not make this pass
    empty.touch()
    done = _compose("--env-file", str(empty), "config", "-q", env=_env(**STRONG))
    assert done.returncode == 0, done.stderr
    missing = _compose("--env-file", str(empty), "config", "-q", env=_env())
    assert missing.returncode != 0 and "run scripts/compose-env first" in missing.stderr
    assert _script(str(tmp_path / ".env")).returncode == 0
    generated = _compose("--env-file", str(tmp_path / ".env"), "config", "-q", env=_env())
    assert generated.returncode == 0, generated.stderr


def test_compose_runs_the_same_services_with_health_checks_and_volumes() -> None:
    doc = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = doc["services"]
    assert services["db"]["image"].startswith("timescale/timescaledb-ha")
    assert {"ingester", "simulator", "dashboard", "migrate", "mqtt"} <= set(services)
    assert all("healthcheck" in services[s] for s in ("db", "mqtt", "ingester", "dashboard"))
    assert set(doc["volumes"]) >= {"db-data", "mqtt-data"}
    assert services["dashboard"]["environment"]["IOC_DATABASE_URL"].startswith("postgresql://")


def test_no_secret_has_a_default_and_the_preflight_gates_the_database() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    assert not re.search(r"\$\{IOC_\w*PASSWORD:?-", text), "a secret with a default value"
    services = yaml.safe_load(text)["services"]
    assert services["db"]["depends_on"]["preflight"]["condition"] == "service_completed_successfully"
    assert services["preflight"]["entrypoint"] == ["ioc-compose-env", "--check"]
    assert "COPY scripts/compose-env /usr/local/bin/ioc-compose-env" in (REPO / "Dockerfile").read_text()
    assert "/.env" in (REPO / ".gitignore").read_text().splitlines()


def test_compose_env_generates_strong_secrets_once_into_a_private_file(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    os.umask(0o022)   # a usual umask: the file must still never be readable by others
    done = _script(str(target))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    values = dict(line.split("=", 1) for line in target.read_text().splitlines())
    assert set(values) == set(SECRETS) and len(set(values.values())) == 3
    assert all(re.fullmatch(r"[0-9a-f]{48}", v) for v in values.values())
    assert _script(str(target)).returncode == 0 and dict(
        line.split("=", 1) for line in target.read_text().splitlines()) == values   # never replaced


def test_compose_env_keeps_other_settings_of_the_file(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_text(f"COMPOSE_PROJECT_NAME=ward\nIOC_DB_PASSWORD={STRONG['IOC_DB_PASSWORD']}")   # no final newline
    target.chmod(0o644)
    assert _script(str(target)).returncode == 0
    lines = target.read_text().splitlines()
    assert lines[:2] == ["COMPOSE_PROJECT_NAME=ward", f"IOC_DB_PASSWORD={STRONG['IOC_DB_PASSWORD']}"]
    assert [line.split("=")[0] for line in lines[2:]] == ["IOC_MQTT_INGESTER_PASSWORD", "IOC_MQTT_GATEWAY_PASSWORD"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600   # an existing file holding secrets is made private


@pytest.mark.parametrize("weak", ["change-me", "change-me-ingester", "CHANGE-ME-please-0123456789", "short",
                                  "has@at-sign-0123456789", ""])
def test_compose_env_refuses_weak_secrets(tmp_path: Path, weak: str) -> None:
    target = tmp_path / ".env"
    target.write_text(f"IOC_DB_PASSWORD={STRONG['IOC_DB_PASSWORD']}\nIOC_MQTT_INGESTER_PASSWORD={weak}\n")
    done = _script(str(target))
    assert done.returncode == 1 and "IOC_MQTT_INGESTER_PASSWORD" in done.stderr
    assert "IOC_DB_PASSWORD" not in done.stderr
    assert "IOC_MQTT_GATEWAY_PASSWORD=" in target.read_text()   # the missing one was still generated
    # the environment wins over the file in compose, so a weak value there is refused too
    shell = _script(str(tmp_path / "other.env"), env=_env(IOC_DB_PASSWORD="change-me"))
    assert shell.returncode == 1 and "IOC_DB_PASSWORD" in shell.stderr
    assert _script("--check", env=_env(**{**STRONG, "IOC_MQTT_INGESTER_PASSWORD": weak})).returncode == 1


def test_the_preflight_check_passes_strong_secrets_only() -> None:
    assert _script("--check", env=_env(**STRONG)).returncode == 0
    missing = _script("--check", env=_env(IOC_DB_PASSWORD=STRONG["IOC_DB_PASSWORD"]))
    assert missing.returncode == 1 and "IOC_MQTT_GATEWAY_PASSWORD" in missing.stderr
