"""A provider's file as numbered items: CSV (UTF-8, with or without a BOM), a JSON array (or an object holding one
under ``mentions``/``items``/``data``), or JSON Lines. A number is what a person finds when opening the file: the CSV
line where the record starts (the header is line 1), the JSON Lines line, the JSON array's item (1 = first).

An item that is not an object (or a JSON Lines line that is not JSON) comes as its reason instead of its fields,
so one broken line costs that line only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ioc.errors import ImportDataError

FORMATS: Final = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
UNITS: Final = {"csv": "line", "json": "item", "jsonl": "line"}
Item = tuple[int, dict[str, Any] | str]


@dataclass(frozen=True)
class Source:
    kind: str
    text: str
    name: str

    @property
    def unit(self) -> str:
        return UNITS[self.kind]


def detect(name: str, fmt: str | None = None) -> str:
    kind = fmt or FORMATS.get(Path(name).suffix.lower())
    if kind not in UNITS:
        raise ImportDataError(f"{name}: unknown format; expected .csv, .json or .jsonl (or --format)")
    return kind


def from_bytes(data: bytes, name: str, fmt: str | None = None) -> Source:
    """The file's text (a UTF-8 BOM dropped); bytes that are not UTF-8 are refused with where they are."""
    kind = detect(name, fmt)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportDataError(f"{name}: line {line} is not UTF-8 (byte {exc.start}); save the file as UTF-8") from exc
    return Source(kind, text, name)


def open_source(path: Path, fmt: str | None = None) -> Source:
    if not path.is_file():
        raise ImportDataError(f"{path}: no such file")
    return from_bytes(path.read_bytes(), path.name, fmt)


def columns(source: Source) -> list[str]:
    """The CSV header, or every key the JSON items use (in order of first use)."""
    if source.kind == "csv":
        return [h.strip() for h in next(csv.reader(io.StringIO(source.text)), [])]
    return list(dict.fromkeys(k for _, item in items(source) if isinstance(item, dict) for k in item))


def items(source: Source) -> Iterator[Item]:
    if source.kind == "csv":
        yield from _csv(source.text)
    elif source.kind == "jsonl":
        yield from _jsonl(source.text)
    else:
        yield from _json(source.text, source.name)


def _csv(text: str) -> Iterator[Item]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    line = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            if len(record) > len(header):
                yield line, f"{len(record)} fields but the header has {len(header)}; is a comma unquoted?"
            else:
                yield line, dict(zip(header, record, strict=False))
        line = reader.line_num + 1


def _jsonl(text: str) -> Iterator[Item]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            found = json.loads(raw)
        except ValueError as exc:
            yield number, f"not valid JSON: {exc}"
            continue
        yield number, found if isinstance(found, dict) else "not a JSON object"


def _json(text: str, name: str) -> Iterator[Item]:
    try:
        found = json.loads(text)
    except ValueError as exc:
        raise ImportDataError(f"{name}: not valid JSON: {exc}") from exc
    if isinstance(found, dict):
        found = next((found[k] for k in ("mentions", "items", "data") if isinstance(found.get(k), list)), None)
    if not isinstance(found, list):
        raise ImportDataError(f"{name}: expected a JSON array of mentions (or an object with a 'mentions' array)")
    for number, item in enumerate(found, start=1):
        yield number, item if isinstance(item, dict) else "not a JSON object"
