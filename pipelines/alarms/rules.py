"""Alarm rules as data: the typed model and the YAML loader. Pure: no database.

A rules file is ``{version: 1, rules: [...]}``. Every error names the file, the line and the field, because the
person fixing it is an administrator with a text editor, not a developer with a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ioc.errors import IocError
from pipelines.rollup import FLAG_COLUMNS, METRICS

KINDS = ("threshold", "rate_of_change", "vn_aqi", "missing_data", "device_offline", "camera_event",
         "report_overdue", "report_escalated", "ingest_health", "noise_limit", "water_level")
SEVERITIES = ("critical", "major", "minor", "warning")
HEALTH_METRICS = ("dead_letter_rate", "spool_messages", "completeness", "seconds_since_commit")
# kinds whose value is 1 while the condition holds and 0 when it does not: raise/clear are implied
BOOLEAN_KINDS = ("device_offline", "camera_event", "report_overdue", "report_escalated")
# what threshold and rate rules can read: every measured column of the raw tables (not counts of messages)
MEASUREMENTS = tuple(m for table, pairs in METRICS.items() if table.endswith("_telemetry") for m, col in pairs if col)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RulesError(IocError):
    """The alarm rules are invalid."""


def seconds(value: Any) -> float:
    """A duration: a number of seconds or a string such as ``90s``, ``5m``, ``1h``, ``1d``."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or text like 90s, 5m, 1h")
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        out = float(m.group(1)) * _UNIT[m.group(2)]
    else:
        raise ValueError(f"{value!r} is not a duration: write seconds or text like 90s, 5m, 1h, 1d")
    if out < 0:
        raise ValueError("a duration cannot be negative")
    return out


Duration = Annotated[float, BeforeValidator(seconds)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Condition(_Strict):
    op: Literal[">=", ">", "<=", "<"]
    value: float

    def holds(self, x: float) -> bool:
        match self.op:
            case ">=":
                return x >= self.value
            case ">":
                return x > self.value
            case "<=":
                return x <= self.value
            case _:
                return x < self.value


class Scope(_Strict):
    kinds: tuple[Literal["camera", "env", "wifi", "light"], ...] = ()
    wards: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()

    def admits(self, kind: str | None, ward: str | None, device: str | None) -> bool:
        """Empty lists admit everything; a device outside a non-empty list (or without a ward) is out."""
        return ((not self.kinds or kind in self.kinds) and (not self.wards or ward in self.wards)
                and (not self.devices or device in self.devices))


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    name: Names
    kind: Literal["threshold", "rate_of_change", "vn_aqi", "missing_data", "device_offline", "camera_event",
                  "report_overdue", "report_escalated", "ingest_health", "noise_limit", "water_level"]
    severity: Literal["critical", "major", "minor", "warning"]
    owner: str = Field(min_length=1, max_length=64)
    enabled: bool = True
    metric: str | None = None
    raise_: Condition | None = Field(None, alias="raise")
    clear: Condition | None = None
    for_: Duration = Field(0.0, alias="for")
    clear_for: Duration = 0.0
    renotify: Duration = 3600.0
    scope: Scope = Scope()
    factor: float = Field(3.0, ge=1)              # missing_data: no data for factor × the expected interval
    event_types: tuple[str, ...] = ()              # camera_event
    min_confidence: float = Field(0.5, ge=0, le=1)
    hold: Duration = 600.0                         # camera_event: clears after this long without a new event
    window: Duration = 300.0                       # rate_of_change, ingest_health, noise_limit, water_level:
                                                   # how far back to look (for the newest reading)
    period: Literal["day", "night", "any"] = "any"  # noise_limit: judged in QCVN 26's day (6–21 h) or night only

    @model_validator(mode="after")
    def _complete(self) -> Rule:
        _check_kind(self)
        if self.raise_ is None:
            object.__setattr__(self, "raise_", _implied_raise(self))
        if self.clear is None:
            object.__setattr__(self, "clear", _negation(self.trigger))
        _check_hysteresis(self.trigger, self.release)
        return self

    @property
    def trigger(self) -> Condition:
        assert self.raise_ is not None  # set by the validator
        return self.raise_

    @property
    def release(self) -> Condition:
        assert self.clear is not None  # set by the validator
        return self.clear

    def as_json(self) -> dict[str, Any]:
        """The rule as written: conditions a kind implies are left out, so the JSON validates again."""
        implied = {"raise_", "clear"} if self.kind in (*BOOLEAN_KINDS, "missing_data") else set()
        return self.model_dump(mode="json", by_alias=True, exclude=implied)


def _check_kind(rule: Rule) -> None:
    if rule.kind in ("threshold", "rate_of_change") and rule.metric not in MEASUREMENTS:
        raise ValueError(f"metric: a {rule.kind} rule names a stored measurement: {', '.join(MEASUREMENTS)}")
    if rule.kind == "rate_of_change" and rule.metric in FLAG_COLUMNS:
        raise ValueError(f"metric: {rule.metric} is a true/false flag; use a threshold rule (raise >= 1)")
    if rule.kind == "ingest_health" and rule.metric not in HEALTH_METRICS:
        raise ValueError(f"metric: an ingest_health rule measures one of {', '.join(HEALTH_METRICS)}")
    if rule.kind in ("threshold", "rate_of_change", "vn_aqi", "ingest_health", "noise_limit", "water_level") \
            and rule.raise_ is None:
        raise ValueError(f"raise: a {rule.kind} rule needs a raise condition, e.g. {{op: '>=', value: 151}}")
    if rule.kind in (*BOOLEAN_KINDS, "missing_data") and (rule.raise_ or rule.clear):
        raise ValueError(f"raise/clear: a {rule.kind} rule sets them itself; remove them")
    if rule.kind == "camera_event" and not rule.event_types:
        raise ValueError("event_types: a camera_event rule lists the types, e.g. [accident, crowd]")


def _implied_raise(rule: Rule) -> Condition:
    return Condition(op=">=", value=rule.factor if rule.kind == "missing_data" else 1.0)


def _negation(cond: Condition) -> Condition:
    flipped = {">=": "<", ">": "<=", "<=": ">", "<": ">="}[cond.op]
    return Condition(op=flipped, value=cond.value)  # type: ignore[arg-type]


def _check_hysteresis(up: Condition, down: Condition) -> None:
    """No value may satisfy both: the clear condition lies on the other side of the raise threshold."""
    rising = up.op in (">=", ">")
    if rising == (down.op in (">=", ">")):
        raise ValueError(f"clear: {down.op} {down.value:g} points the same way as raise {up.op} {up.value:g}")
    overlap = down.value > up.value if rising else down.value < up.value
    touching = down.value == up.value and {up.op, down.op} not in ({">=", "<"}, {">", "<="})
    if overlap or touching:
        raise ValueError(f"clear: {down.op} {down.value:g} overlaps raise {up.op} {up.value:g}; "
                         "hysteresis needs the clear level on the other side (raise ≥ 151, clear < 130)")


def parse(text: str, source: str = "<rules>") -> list[Rule]:
    """Validated rules from YAML text; :class:`RulesError` lists every problem as ``source:line: field: reason``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise RulesError(f"{source}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("rules"), list):
        raise RulesError(f"{source}:1: expected a mapping with 'version: 1' and a list 'rules'")
    errors: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["rules"]):
        try:
            rule = Rule.model_validate(item)
        except ValidationError as exc:
            errors.extend(_describe(exc, root, i, source))
            continue
        line = _line(root, ("rules", i))
        if rule.id in seen:
            errors.append(f"{source}:{line}: rules[{i}].id: {rule.id!r} is already used on line {seen[rule.id]}")
        seen.setdefault(rule.id, line)
        rules.append(rule)
    if errors:
        raise RulesError("\n".join(errors))
    return rules


def load(path: Path) -> list[Rule]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc.strerror}") from None
    return parse(text, str(path))


def _describe(exc: ValidationError, root: yaml.Node | None, index: int, source: str) -> list[str]:
    out = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        loc = tuple(err["loc"])
        if not loc and (named := re.match(r"^(\w+)[:/]", msg)):
            loc = ("raise" if named.group(1) == "raise" else named.group(1),)   # a whole-rule check names its field
            msg = msg.split(": ", 1)[1]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
        out.append(f"{source}:{_line(root, ('rules', index, *loc))}: rules[{index}]{field}: {msg}")
    return out


def _line(node: yaml.Node | None, path: Sequence[str | int]) -> int:
    """The 1-based line of the deepest YAML node along ``path`` (the parent's when a field is missing)."""
    line = node.start_mark.line + 1 if node else 1
    for key in path:
        child = _child(node, key)
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None
