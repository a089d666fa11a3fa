"""Where the shipped data files (``data/`` in the repository) are: one function for a checkout and a wheel alike.

A source checkout (plain or an editable install) reads ``data/`` beside the ``ioc`` package it imported, so a
worktree uses its own files, never another checkout's. A normal install has no checkout: ``pyproject.toml``
declares ``data/`` as the distribution's data files, installed under ``<prefix>/share/smartward-ioc/data``, and
the distribution's own file list (RECORD) says where that prefix is, whatever the install scheme (venv, --user,
--prefix). Nothing outside the repository or the installed distribution is ever consulted.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata
from pathlib import Path, PurePosixPath

from ioc.errors import IocError

DISTRIBUTION = "smartward-ioc"
INSTALLED = PurePosixPath("share", DISTRIBUTION, "data")  # keep in step with [tool.setuptools.data-files]
MARKER = "README.md"  # every data folder we ship has its notes (sources, attribution, terms) at the top


class DataFileMissing(IocError):
    """A data file the IOC ships with is missing: reinstall smartward-ioc or restore the repository's data/."""


def _checkout_data(package_dir: Path) -> Path | None:
    """``data/`` of the source tree ``package_dir`` (the ``ioc`` folder) belongs to, if it is one."""
    root = package_dir.parent
    data = root / "data"
    # pyproject.toml beside the package tells a checkout from a site-packages folder with a stray data/ in it
    return data if (root / "pyproject.toml").is_file() and (data / MARKER).is_file() else None


def _installed_data(dist: metadata.Distribution) -> Path | None:
    """The data folder the distribution installed, located through its RECORD (paths relative to site-packages)."""
    for file in dist.files or ():
        parts = PurePosixPath(file.as_posix()).parts
        tail = INSTALLED.parts + (MARKER,)
        if parts[-len(tail):] == tail:
            return Path(str(dist.locate_file(file))).resolve().parent
    return None


def _owns(dist: metadata.Distribution, module: Path) -> bool:
    """Whether ``module`` is a file ``dist`` installed (its RECORD lists it at that place)."""
    return any(file.name == module.name and Path(str(dist.locate_file(file))).resolve() == module
               for file in dist.files or ())


def _distribution(module: Path) -> metadata.Distribution | None:
    """The installed smartward-ioc this very module came from: with several on the path (another venv's site-packages
    on PYTHONPATH, a --user install beside a venv), the first one found may hold other files than ours."""
    return next((d for d in metadata.distributions(name=DISTRIBUTION) if _owns(d, module)), None)


@cache
def data_root() -> Path:
    """The folder holding the shipped data files (``boundaries/``, ``poi/``, ``fleets/``, …)."""
    module = Path(__file__).resolve()
    found = _checkout_data(module.parent)
    if found is None and (dist := _distribution(module)) is not None:
        found = _installed_data(dist)
    if found is None:
        raise DataFileMissing(f"the data folder of {DISTRIBUTION} was not found: neither a source checkout's data/ "
                              f"nor an installed {INSTALLED}/ — reinstall the package")
    return found


def data_path(relative: str) -> Path:
    """A shipped data file by its path under ``data/``, e.g. ``data_path("boundaries/wards_2025.geojson")``."""
    path = data_root() / relative
    if not path.exists():
        raise DataFileMissing(f"{relative}: not among the shipped data files in {data_root()}")
    return path
