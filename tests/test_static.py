"""Static checks of the whole tree: ruff's lint rules and mypy's types (pyproject.toml configures both)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=240)


def test_ruff_finds_nothing() -> None:
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing() -> None:
    done = run("mypy", "smartward", "ioc", "pipelines", "layers", "sensors", "dashboards", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_core_the_contract_and_the_ingester_pass_mypy_strict() -> None:
    """``--strict`` on the packages every other one stands on (imports followed silently: the rest of the tree is
    held to the project's own settings by the test above)."""
    done = run("mypy", "--strict", "--follow-imports=silent", "smartward", "ioc", "sensors/contract",
               "pipelines/ingest")
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_concern_imports_only_those_below_it() -> None:
    """import-linter's layer contract in pyproject.toml: smartward > dashboards > pipelines > layers | sensors > ioc."""
    done = run("lint-imports", "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
