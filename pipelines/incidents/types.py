"""Incident types (how evidence is grouped) and playbooks (what is done) as data. Pure: no database.

``data/incidents/types.yaml`` and ``data/incidents/playbooks.yaml``; every error names the file, the line and the
field, as the alarm rules do: the person fixing them is an administrator with a text editor.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ioc.data import data_path
from ioc.errors import IocError
from pipelines.alarms.rules import SEVERITIES, Duration, Names

SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}   # critical first
_ID = r"^[a-z][a-z0-9_]{0,39}$"


class IncidentDataError(IocError):
    """The incident types or playbooks are invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sources(_Strict):
    alarm_rules: tuple[str, ...] = ()
    camera_events: tuple[str, ...] = ()
    report_categories: tuple[str, ...] = ()


class IncidentType(_Strict):
    id: str = Field(pattern=_ID)
    name: Names
    severity: Literal["critical", "major", "minor", "warning"]
    owner: str = Field(pattern=_ID)
    radius_m: float = Field(gt=0, le=20_000)
    window: Duration
    min_items: int = Field(ge=1, le=20)
    sources: Sources

    @model_validator(mode="after")
    def _check(self) -> IncidentType:
        if not 0 < self.window <= 7 * 86400:
            raise ValueError("window: more than 0 and at most 7 days")
        return self


class Step(_Strict):
    title: Names
    department: str = Field(pattern=_ID)
    within: Duration
    checklist: tuple[Names, ...] = ()


def _yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise IncidentDataError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise IncidentDataError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML") from None


def _line(node: yaml.Node | None, path: Sequence[str | int]) -> int:
    line = node.start_mark.line + 1 if node else 1
    for key in path:   # a mapping's field is on its key's line; a list item on its own
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _errors(exc: ValidationError, root: yaml.Node | None, base: tuple[str | int, ...], source: str) -> list[str]:
    out = []
    for err in exc.errors():
        msg, loc = err["msg"].removeprefix("Value error, "), tuple(err["loc"])
        if not loc and (named := re.match(r"^(\w+): ", msg)):
            loc, msg = (named.group(1),), msg.split(": ", 1)[1]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*base, *loc)).lstrip(".")
        out.append(f"{source}:{_line(root, (*base, *loc))}: {field}: {msg}")
    return out


def load_types(path: Path) -> dict[str, IncidentType]:
    data, root = _yaml(path)
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("types"), list):
        raise IncidentDataError(f"{path}:1: expected a mapping with 'version: 1' and a list 'types'")
    out: dict[str, IncidentType] = {}
    errors: list[str] = []
    for i, item in enumerate(data["types"]):
        try:
            kind = IncidentType.model_validate(item)
        except ValidationError as exc:
            errors.extend(_errors(exc, root, ("types", i), str(path)))
            continue
        if kind.id in out:
            errors.append(f"{path}:{_line(root, ('types', i, 'id'))}: types[{i}].id: {kind.id!r} is used twice")
        out[kind.id] = kind
    if errors:
        raise IncidentDataError("\n".join(errors))
    return out


def load_playbooks(path: Path, types: dict[str, IncidentType]) -> dict[str, tuple[Step, ...]]:
    data, root = _yaml(path)
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("playbooks"), dict):
        raise IncidentDataError(f"{path}:1: expected a mapping with 'version: 1' and a mapping 'playbooks'")
    out: dict[str, tuple[Step, ...]] = {}
    errors: list[str] = []
    for type_id, steps in data["playbooks"].items():
        if type_id not in types:
            errors.append(f"{path}:{_line(root, ('playbooks', type_id))}: playbooks.{type_id}: no such incident type")
            continue
        if not isinstance(steps, list) or not steps:
            errors.append(f"{path}:{_line(root, ('playbooks', type_id))}: playbooks.{type_id}: a list of steps")
            continue
        parsed = []
        for i, raw in enumerate(steps):
            try:
                parsed.append(Step.model_validate(raw))
            except ValidationError as exc:
                errors.extend(_errors(exc, root, ("playbooks", type_id, i), str(path)))
        out[type_id] = tuple(parsed)
    missing = sorted(set(types) - set(out))
    if missing and not errors:
        errors.append(f"{path}:1: playbooks: no playbook for {', '.join(missing)}")
    if errors:
        raise IncidentDataError("\n".join(errors))
    return out


@functools.cache
def catalogue() -> tuple[dict[str, IncidentType], dict[str, tuple[Step, ...]]]:
    """The shipped types and playbooks, read once per process (they are files, changed by a release)."""
    types = load_types(data_path("incidents/types.yaml"))
    return types, load_playbooks(data_path("incidents/playbooks.yaml"), types)


def incident_types() -> dict[str, IncidentType]:
    return catalogue()[0]


def playbook(type_id: str) -> tuple[Step, ...]:
    return catalogue()[1].get(type_id, ())
