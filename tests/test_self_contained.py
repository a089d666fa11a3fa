"""The repository stands alone: nothing reads a folder beside it, every shipped data file installs with the package,
and ``ioc.data`` finds the files in a checkout and in an installed wheel alike.

The proof by running is ``.ci/run``: CI runs the whole suite from a fresh copy of the repository with nothing beside
it. These tests catch the same mistakes in seconds, on any machine.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from importlib import metadata
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

import ioc
from ioc import data
from ioc.errors import IocError
from smartward.cli import cli

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
NOT_SHIPPED = {"reports/generate.py"}  # the demo reports' generator: a maintainer's tool, not data
SCANNED = ("ioc", "pipelines", "layers", "sensors", "dashboards", "tests", "bench", "scripts", "docker", "docs",
           "examples", ".ci")
TEXT = {".py", ".md", ".sh", ".toml", ".yml", ".yaml", ".cfg", ".ini", ".conf", ""}
# A path into the planning folder that sits beside the repository on the developers' machines. Spelled in pieces so
# that this file does not match itself.
_SIBLING = "sha" + "red"
BESIDE = re.compile(rf"\.\./{_SIBLING}\b|\b{_SIBLING}/(data|spec)\b|[\"']{_SIBLING}[\"']")


def _shipped() -> set[str]:
    """Every file under data/ that an install must carry (posix paths relative to data/)."""
    found = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    return {f for f in found - NOT_SHIPPED if "__pycache__" not in f and not f.endswith(".pyc")}


def _declared() -> dict[str, str]:
    """data/-relative file -> its install folder, from pyproject.toml's [tool.setuptools.data-files] globs."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared: dict[str, str] = {}
    for target, patterns in config["tool"]["setuptools"]["data-files"].items():
        for pattern in patterns:
            matches = sorted(REPO.glob(pattern))
            assert matches, f"{pattern!r} matches no file"
            declared |= {m.relative_to(DATA).as_posix(): target for m in matches}
    return declared


def test_no_file_reads_a_folder_beside_the_repository() -> None:
    offenders = []
    for top in SCANNED:
        for path in (REPO / top).rglob("*"):
            caches = any(part.endswith("cache__") or part.endswith("_cache") for part in path.relative_to(REPO).parts)
            if path.is_file() and path.suffix in TEXT and path != Path(__file__).resolve() and not caches:
                for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                    if BESIDE.search(line):
                        offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_shipped_data_file_installs_with_the_package_in_its_own_folder() -> None:
    declared = _declared()
    assert set(declared) == _shipped()
    for relative, target in declared.items():
        assert PurePosixPath(target) == data.INSTALLED / PurePosixPath(relative).parent, relative


def test_data_readme_names_every_shipped_file() -> None:
    named = re.findall(r"`([^`\s]+)`", (DATA / "README.md").read_text(encoding="utf-8"))
    missing = [f for f in _shipped() if not f.endswith("README.md") and not any(fnmatch.fnmatch(f, n) for n in named)]
    assert not missing, f"data/README.md has no row (source, attribution, terms) for {missing}"


def test_a_checkout_reads_its_own_data_folder() -> None:
    assert data.data_root() == DATA == Path(ioc.__file__).resolve().parents[1] / "data"
    assert data.data_path("boundaries/wards_2025.geojson").is_file()


def test_a_missing_data_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(data.DataFileMissing, match=r"^poi/hanoi\.geojson: not among the shipped data files") as err:
        data.data_path("poi/hanoi.geojson")
    assert isinstance(err.value, IocError)      # the CLI prints it as one line


def _site(prefix: Path) -> Path:
    return prefix / "lib" / "python3.11" / "site-packages"


def _installed(prefix: Path, record: list[str]) -> metadata.Distribution:
    """A real installed layout: dist-info with its RECORD in site-packages, data files under share/."""
    site = _site(prefix)
    info = site / "smartward_ioc-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: smartward-ioc\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "RECORD").write_text("".join(f"{line},,\n" for line in record), encoding="utf-8")
    (site / "ioc").mkdir()
    (site / "ioc" / "data.py").write_text("", encoding="utf-8")
    shared = prefix / "share" / "smartward-ioc" / "data"
    (shared / "poi").mkdir(parents=True)
    (shared / "README.md").write_text("# data\n", encoding="utf-8")
    return metadata.PathDistribution(info)


def test_an_installed_wheel_reads_the_data_its_record_lists(tmp_path: Path) -> None:
    dist = _installed(tmp_path, ["ioc/__init__.py", "../../../share/smartward-ioc/data/README.md",
                                 "../../../share/smartward-ioc/data/poi/nhatrang_poi_osm.geojson"])
    assert data._installed_data(dist) == tmp_path.resolve() / "share" / "smartward-ioc" / "data"


def test_the_data_comes_from_the_install_that_holds_the_running_module(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Two installs on the path (another venv's site-packages on PYTHONPATH): the first found is not ours.
    record = ["ioc/data.py", "../../../share/smartward-ioc/data/README.md"]
    for name in ("other", "ours"):
        _installed(tmp_path / name, record)
    monkeypatch.syspath_prepend(str(_site(tmp_path / "ours")))
    monkeypatch.syspath_prepend(str(_site(tmp_path / "other")))
    dist = data._distribution((_site(tmp_path / "ours") / "ioc" / "data.py").resolve())
    assert dist is not None
    assert data._installed_data(dist) == (tmp_path / "ours" / "share" / "smartward-ioc" / "data").resolve()


def test_an_install_without_its_data_is_not_mistaken_for_one(tmp_path: Path) -> None:
    dist = _installed(tmp_path, ["ioc/__init__.py", "../../../share/other-project/data/README.md"])
    assert data._installed_data(dist) is None
    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / "data").mkdir()
    (site / "data" / "README.md").write_text("another package's data\n", encoding="utf-8")
    assert data._checkout_data(site / "ioc") is None        # site-packages is not a checkout, even with a data/


def test_fleet_generate_uses_the_shipped_wards_and_places(tmp_path: Path) -> None:
    out = tmp_path / "nt.yaml"
    result = CliRunner().invoke(cli, ["fleet", "generate", "--city", "Nha Trang", "--cameras", "8", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "OpenStreetMap" in out.read_text(encoding="utf-8")      # the places were found without --poi
    help_text = CliRunner().invoke(cli, ["fleet", "generate", "--help"]).output
    assert "data/boundaries/wards_2025.geojson" in help_text
