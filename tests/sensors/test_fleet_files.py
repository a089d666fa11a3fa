"""Fleet files: YAML and JSON read back to the same fleet, and a bad entry names the file, the entry and the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from ioc.errors import ImportDataError
from sensors.fleet import document, dump, load
from tests.sensors.helpers import small_fleet


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_dump_then_load_gives_the_same_fleet(tmp_path: Path, suffix: str) -> None:
    fleet = small_fleet()
    path = tmp_path / f"fleet{suffix}"
    dump(fleet, path, header="a header line")
    assert load(path) == fleet


def test_yaml_has_one_device_per_line(tmp_path: Path) -> None:
    fleet = small_fleet()
    path = tmp_path / "fleet.yaml"
    dump(fleet, path, header="first\nsecond")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["# first", "# second"]
    assert sum(line.startswith("- {id: t-") for line in lines) == len(fleet.devices) + len(fleet.hotspots)


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


Doc = dict[str, Any]


def _doc() -> Doc:
    return document(small_fleet())


def _entry(doc: Doc, key: str, index: int) -> Doc:
    entry = doc[key][index]
    assert isinstance(entry, dict)
    return entry


def _device(doc: Doc, index: int) -> Doc:
    return _entry(doc, "devices", index)


def _station(doc: Doc, index: int) -> Doc:
    station = _device(doc, index)["station"]
    assert isinstance(station, dict)
    return station


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: _device(d, 2).update(ownership="city"),
         r"devices\[2\] \(t-cam-002\): field 'ownership': expected one of"),
        (lambda d: _device(d, 1).pop("lat"), r"devices\[1\] \(t-cam-001\): field 'lat': is missing"),
        (lambda d: _device(d, 0).update(lon=190), r"devices\[0\] \(t-cam-000\): field 'lon': 190 is out of range"),
        (lambda d: _device(d, 3).update(id="cam 3"), r"devices\[3\]: field 'id': expected 1 to 64 of"),
        (lambda d: _device(d, 4).update(id="t-cam-000"),
         r"devices\[4\] \(t-cam-000\): field 'id': duplicates devices\[0\]"),
        (lambda d: _device(d, 6).update(hotspot="t-hs-99"),
         r"devices\[6\] \(t-ap-00\): field 'hotspot': 't-hs-99' is not"),
        (lambda d: _device(d, 5).update(camera_typ="ptz"),
         r"devices\[5\] \(t-cam-005\): field 'camera_typ': is not a known"),
        (lambda d: _device(d, 9).update(kind="drone"), r"devices\[9\] \(t-env-00\): field 'kind': expected one of"),
        (lambda d: _station(d, 10).update(pm25_scale=5),
         r"devices\[10\] \(t-env-01\) station: field 'pm25_scale': 5 is out of range"),
        (lambda d: d.pop("city"), r"top level: field 'city': is missing"),
        (lambda d: _entry(d, "hotspots", 0).update(opens="25:00"),
         r"hotspots\[0\] \(t-hs-01\): field 'opens': expected a local time"),
    ],
)
def test_a_bad_entry_names_the_file_the_entry_and_the_field(tmp_path: Path, change: Callable[[Doc], object],
                                                            expected: str) -> None:
    doc = _doc()
    change(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(ImportDataError, match=expected) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


def test_unreadable_and_unparsable_files_are_import_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportDataError, match="cannot read the fleet file"):
        load(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.json"
    broken.write_bytes(orjson.dumps(_doc())[:-5])
    with pytest.raises(ImportDataError, match=r"broken.json: not valid JSON"):
        load(broken)
    not_a_mapping = _write(tmp_path, ["a", "list"])
    with pytest.raises(ImportDataError, match="top level: expected a mapping"):
        load(not_a_mapping)
