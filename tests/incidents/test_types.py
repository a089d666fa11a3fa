"""Types and playbooks as data: the shipped files load; a wrong file is refused naming its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.incidents.types import IncidentDataError, catalogue, load_playbooks, load_types

GOOD = """version: 1
types:
  - id: flooding
    name: {vi: "Ngập úng", en: "Flooding"}
    severity: major
    owner: drainage
    radius_m: 400
    window: 3h
    min_items: 2
    sources: {report_categories: [flooding]}
"""


def test_the_shipped_types_each_have_a_playbook_in_both_languages() -> None:
    types, books = catalogue()
    assert set(types) == {"flooding", "traffic_accident", "crowd", "fire_smoke", "air_pollution", "infrastructure"}
    assert set(books) == set(types)
    assert all(s.title.vi and s.title.en and s.within > 0 for steps in books.values() for s in steps)
    assert types["flooding"].window == 3 * 3600


def test_a_wrong_field_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "types.yaml"
    path.write_text(GOOD.replace("severity: major", "severity: awful").replace("radius_m: 400", "radius_m: -1"),
                    encoding="utf-8")
    with pytest.raises(IncidentDataError) as err:
        load_types(path)
    text = str(err.value)
    assert f"{path}:7: types[0].radius_m: Input should be greater than 0" in text
    assert f"{path}:5: types[0].severity: Input should be 'critical'" in text


def test_a_playbook_for_an_unknown_type_or_a_missing_one_is_refused(tmp_path: Path) -> None:
    types_file = tmp_path / "types.yaml"
    types_file.write_text(GOOD, encoding="utf-8")
    types = load_types(types_file)
    books = tmp_path / "playbooks.yaml"
    books.write_text("version: 1\nplaybooks:\n  floods:\n    - title: {vi: a, en: b}\n", encoding="utf-8")
    with pytest.raises(IncidentDataError, match=r"playbooks.yaml:3: playbooks.floods: no such incident type"):
        load_playbooks(books, types)
    books.write_text("version: 1\nplaybooks:\n  flooding:\n    - title: {vi: a, en: b}\n      department: drainage\n",
                     encoding="utf-8")
    with pytest.raises(IncidentDataError, match=r"playbooks.yaml:4: playbooks.flooding\[0\].within: Field required"):
        load_playbooks(books, types)
