"""Rules as data: the shipped file loads, and each mistake is reported with its line and field."""

from __future__ import annotations

import pytest

from ioc.data import data_path
from pipelines.alarms import rules
from pipelines.alarms.rules import RulesError

GOOD = """\
version: 1
rules:
  - id: pm25-high
    name: {vi: "Bụi mịn cao", en: "High PM2.5"}
    kind: threshold
    metric: pm25
    severity: major
    raise: {op: ">=", value: 55.5}
    clear: {op: "<", value: 35}
    for: 5m
    owner: environment
"""


def test_the_default_rules_load_and_cover_the_issue() -> None:
    loaded = {r.id: r for r in rules.load(data_path("alarms/default_rules.yaml"))}
    aqi = loaded["vn-aqi-bad"]
    assert (aqi.trigger.op, aqi.trigger.value, aqi.release.op, aqi.release.value) == (">=", 151, "<", 130)
    assert aqi.name.vi.startswith("Chất lượng không khí Xấu")
    assert {r.kind for r in loaded.values()} >= {"vn_aqi", "device_offline", "missing_data", "report_overdue",
                                                 "ingest_health", "camera_event"}
    assert loaded["missing-data"].trigger.value == 3
    assert {r.metric for r in loaded.values() if r.kind == "ingest_health"} >= {"dead_letter_rate", "spool_messages"}


def test_durations_and_implied_conditions() -> None:
    rule = rules.parse(GOOD)[0]
    assert rule.for_ == 300 and rule.renotify == 3600
    offline = rules.parse(GOOD.replace("kind: threshold", "kind: device_offline").replace("    metric: pm25\n", "")
                          .replace('    raise: {op: ">=", value: 55.5}\n    clear: {op: "<", value: 35}\n', ""))[0]
    assert (offline.trigger.op, offline.trigger.value, offline.release.op) == (">=", 1.0, "<")
    assert rules.seconds("1.5h") == 5400 and rules.seconds(90) == 90


@pytest.mark.parametrize(("edit", "expected"), [
    (("severity: major", "severity: huge"), "f.yaml:7: rules[0].severity: Input should be 'critical'"),
    (("for: 5m", "for: soon"), "f.yaml:10: rules[0].for: 'soon' is not a duration"),
    (('clear: {op: "<", value: 35}', 'clear: {op: "<", value: 60}'), "f.yaml:9: rules[0].clear: < 60 overlaps raise"),
    (('clear: {op: "<", value: 35}', 'clear: {op: ">", value: 35}'), "f.yaml:9: rules[0].clear: > 35 points the same"),
    (("    metric: pm25\n", ""), "f.yaml:3: rules[0].metric: a threshold rule names a stored measurement: pm25"),
    (("metric: pm25", "metric: pm2.5"), "f.yaml:6: rules[0].metric: a threshold rule names a stored measurement"),
    (("owner: environment", "owner: environment\n    colour: red"), "f.yaml:12: rules[0].colour: Extra inputs"),
    (('name: {vi: "Bụi mịn cao", en: "High PM2.5"}', 'name: {vi: "Bụi mịn cao"}'), "f.yaml:4: rules[0].name.en:"),
])
def test_each_mistake_names_its_line_and_field(edit: tuple[str, str], expected: str) -> None:
    with pytest.raises(RulesError) as err:
        rules.parse(GOOD.replace(*edit), "f.yaml")
    assert str(err.value).startswith(expected), str(err.value)


def test_a_duplicate_id_points_at_the_first_use() -> None:
    twice = GOOD + GOOD.split("rules:\n", 1)[1]
    with pytest.raises(RulesError, match=r"f.yaml:12: rules\[1\].id: 'pm25-high' is already used on line 3"):
        rules.parse(twice, "f.yaml")


def test_broken_yaml_and_wrong_shape() -> None:
    with pytest.raises(RulesError, match=r"^f.yaml:4: not valid YAML"):
        rules.parse("version: 1\nrules:\n  - id: x\n   bad: [\n", "f.yaml")
    with pytest.raises(RulesError, match="version: 1"):
        rules.parse("rules: []\n", "f.yaml")
