"""Who hears about which alarm, as data: ``data/alarms/routes.yaml``. Pure: no database, no secrets.

Every enabled route whose ``match`` admits an alarm sends it to its ``notify`` targets; its ``escalate`` tiers name
who is told, and after how long, when a critical alarm is still unacknowledged. Errors name the file, the line and
the field, like the rules file. Tokens and passwords are settings (``IOC_ALARM_*``), never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from pipelines.alarms.rules import Duration, RulesError, _line


def _listed(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


Names = Annotated[tuple[str, ...], BeforeValidator(_listed)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    channel: Literal["email", "webhook", "telegram", "zalo"]
    to: str = Field(min_length=1, max_length=500)


class Match(_Strict):
    """Empty lists admit everything; a string is a list of one."""

    owner: Names = ()
    severity: tuple[Literal["critical", "major", "minor", "warning"], ...] = ()
    rule: Names = ()
    ward: Names = ()

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("severity"), str):
            return data | {"severity": (data["severity"],)}
        return data

    def admits(self, owner: str, severity: str, rule: str, ward: str | None) -> bool:
        return ((not self.owner or owner in self.owner) and (not self.severity or severity in self.severity)
                and (not self.rule or rule in self.rule) and (not self.ward or ward in self.ward))


class Tier(_Strict):
    after: Duration = Field(gt=0)
    notify: tuple[Target, ...] = Field(min_length=1)


class Route(_Strict):
    name: str = Field(min_length=1, max_length=100)
    enabled: bool = True
    match: Match = Match()
    notify: tuple[Target, ...] = Field(min_length=1)
    escalate: tuple[Tier, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Route:
        afters = [t.after for t in self.escalate]
        if afters != sorted(set(afters)):
            raise ValueError("escalate: each tier's `after` must be longer than the one before")
        return self

    @property
    def delays(self) -> tuple[timedelta, ...]:
        return tuple(timedelta(seconds=t.after) for t in self.escalate)


class Routes(_Strict):
    version: Literal[1]
    group_wait: Duration = 30.0
    repeat_interval: Duration = 300.0
    routes: tuple[Route, ...] = ()

    def matching(self, owner: str, severity: str, rule: str, ward: str | None) -> list[Route]:
        return [r for r in self.routes if r.enabled and r.match.admits(owner, severity, rule, ward)]

    def channels(self) -> set[str]:
        return {t.channel for r in self.routes if r.enabled for t in (*r.notify, *(x for e in r.escalate
                                                                                 for x in e.notify))}


def parse(text: str, source: str = "<routes>") -> Routes:
    """Validated routes; :class:`RulesError` lists every problem as ``source:line: field: reason``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulesError(f"{source}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
    try:
        routes = Routes.model_validate(data)
    except ValidationError as exc:
        raise RulesError("\n".join(_describe(exc, root, source))) from None
    names = [r.name for r in routes.routes]
    if dup := sorted({n for n in names if names.count(n) > 1}):
        raise RulesError(f"{source}: routes: names used twice: {', '.join(dup)}")
    return routes


def load(path: Path) -> Routes:
    try:
        return parse(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc.strerror}") from None


def _describe(exc: ValidationError, root: yaml.Node | None, source: str) -> Sequence[str]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"{source}:{_line(root, loc)}: {field or 'routes'}: {msg}")
    return out
