"""A mapping profile: a small YAML file telling the importer how one system's exports are laid out.

    kind: dossiers                 # optional: procedures, dossiers, monthly, indicators
    header_row: 3                  # optional: the header's line (otherwise it is searched for)
    columns:                       # header as written in the export -> field, or ignore
      Số biên nhận: dossier_id
      Ghi chú: ignore
    values:                        # field -> value as written -> the value the importer knows
      status:
        Hoàn thành trước hạn: resolved
    defaults:                      # field -> value where the export has no such column or a blank cell
      ward_code: "25210"

Headers and values are compared after folding case and diacritics, like the built-in table. Every mistake is reported
with its line in the profile and the field at fault, all at once, before any file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from ioc.errors import ImportDataError
from pipelines.kpis import values as v
from pipelines.kpis.headers import IGNORE, converter, fold
from pipelines.kpis.schema import KINDS, Column

_KEYS = ("kind", "header_row", "columns", "values", "defaults", "name", "description")
_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Profile:
    source: str
    kind: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # folded header -> field or IGNORE
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> folded value -> value
    defaults: dict[str, Any] = field(default_factory=dict)  # field -> raw value


def load(path: Path) -> Profile:
    """Read and check ``path``; ImportDataError listing every problem as ``line N, FIELD: reason``."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportDataError(f"{path}: cannot read the profile ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ImportDataError(f"{path.name}: {where}not YAML ({getattr(exc, 'problem', exc)})") from None
    errors: list[str] = []
    top = _mapping(root, "profile", errors)
    for key, (line, _node) in top.items():
        if key not in _KEYS:
            errors.append(f"line {line}, {key}: unknown key (expected {', '.join(_KEYS[:5])})")
    kind = _scalar(top, "kind", errors)
    if kind is not None and kind not in {k.name for k in KINDS}:
        errors.append(f"line {top['kind'][0]}, kind: {kind!r} is not one of {', '.join(k.name for k in KINDS)}")
        kind = None
    header_row = _scalar(top, "header_row", errors)
    if header_row is not None and not (header_row.isdigit() and int(header_row) >= 1):
        errors.append(f"line {top['header_row'][0]}, header_row: {header_row!r} is not a line number (1, 2, …)")
        header_row = None
    fields = _fields(kind)
    columns: dict[str, str] = {}
    for header, (line, node) in _mapping(top.get("columns", (0, None))[1], "columns", errors).items():
        target = _text(node)
        if target is None or (target != IGNORE and target not in fields):
            errors.append(
                f"line {line}, columns.{header}: {target!r} is not a field{_of(kind)} "
                f"(one of {', '.join(sorted(fields))}, or {IGNORE})"
            )
        else:
            columns[fold(header)] = target
    values: dict[str, dict[str, str]] = {}
    for name, (line, node) in _mapping(top.get("values", (0, None))[1], "values", errors).items():
        if name not in fields:
            errors.append(f"line {line}, values.{name}: not a field{_of(kind)}")
            continue
        for written, (vline, vnode) in _mapping(node, f"values.{name}", errors).items():
            target = _text(vnode)
            problem = _check(fields[name], target)
            if problem:
                errors.append(f"line {vline}, values.{name}.{written}: {problem}")
            else:
                values.setdefault(name, {})[fold(written)] = str(target)
    defaults: dict[str, Any] = {}
    for name, (line, node) in _mapping(top.get("defaults", (0, None))[1], "defaults", errors).items():
        problem = _check(fields[name], _text(node)) if name in fields else f"not a field{_of(kind)}"
        if problem:
            errors.append(f"line {line}, defaults.{name}: {problem}")
        else:
            defaults[name] = _text(node)
    if errors:
        raise ImportDataError(f"{path.name}: the profile has {len(errors)} problem(s):\n  " + "\n  ".join(errors))
    return Profile(path.name, kind, int(header_row) if header_row else None, columns, values, defaults)


def _fields(kind: str | None) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for k in KINDS:
        if kind is None or k.name == kind:
            for col in k.columns:
                out.setdefault(col.name, col)
    return out


def _of(kind: str | None) -> str:
    return f" of {kind}" if kind else ""


def _check(col: Column, raw: str | None) -> str | None:
    if raw is None or v.blank(raw):
        return "is empty"
    try:
        converter(col)(raw, _UTC)
    except ValueError as exc:
        return str(exc)
    return None


def _mapping(node: yaml.Node | None, where: str, errors: list[str]) -> dict[str, tuple[int, yaml.Node]]:
    """key -> (line, value node) of a YAML mapping; anything else is an error."""
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        errors.append(f"line {node.start_mark.line + 1}, {where}: expected a mapping (key: value lines)")
        return {}
    out: dict[str, tuple[int, yaml.Node]] = {}
    for key, value in node.value:
        name = str(key.value).strip()
        if name in out:
            errors.append(f"line {key.start_mark.line + 1}, {where}.{name}: repeated (first on line {out[name][0]})")
        out[name] = (key.start_mark.line + 1, value)
    return out


def _text(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null") or node.value in ("~", "null", ""):
        return None
    return str(node.value).strip()


def _scalar(top: dict[str, tuple[int, yaml.Node]], key: str, errors: list[str]) -> str | None:
    if key not in top:
        return None
    line, node = top[key]
    if not isinstance(node, yaml.ScalarNode):
        errors.append(f"line {line}, {key}: expected a single value")
        return None
    return _text(node)
