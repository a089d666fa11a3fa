"""Import files (CSV, XLSX, JSON) as numbered rows, and which column feeds which field (``--map col=field``).

Line numbers are what a person sees when opening the file: the CSV line where the record starts (the header is
line 1; a quoted field may span lines), the spreadsheet row, or the JSON item (1 = first).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ioc.errors import ImportDataError
from pipelines.reports.categories import fold
from pipelines.reports.rows import FIELDS, REQUIRED

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
UNITS = {"csv": "line", "xlsx": "row", "json": "item"}
NOT_OBJECT = "\x00not-an-object"   # the key under which a JSON item that is not an object travels
# Column names that mean a field without a --map (compared folded: case, accents and punctuation ignored).
ALIASES = {
    "id": "external_id", "ma": "external_id", "ma phan anh": "external_id", "channel": "source", "kenh": "source",
    "loai": "category", "linh vuc": "category", "service code": "category", "noi dung": "description",
    "mo ta": "description", "latitude": "lat", "vi do": "lat", "lng": "lon", "long": "lon", "longitude": "lon",
    "kinh do": "lon", "dia chi": "address", "address string": "address", "photos": "photo_urls",
    "photo url": "photo_urls", "media url": "photo_urls", "anh": "photo_urls", "time": "submitted_at",
    "submitted": "submitted_at", "requested datetime": "submitted_at", "thoi gian": "submitted_at",
    "name": "contact_name", "ho ten": "contact_name", "phone": "contact_phone", "so dien thoai": "contact_phone",
    "sdt": "contact_phone", "email": "contact_email", "don vi": "department", "public": "description_public",
    "cong khai": "description_public", "cong khai noi dung": "description_public", "consent": "consent_keep",
    "dong y luu": "consent_keep", "dong y luu lien he": "consent_keep",
}


@dataclass(frozen=True)
class Table:
    kind: str
    columns: tuple[str, ...]
    total: int
    path: Path

    @property
    def unit(self) -> str:
        return UNITS[self.kind]


def detect(path: Path, fmt: str | None = None) -> str:
    kind = fmt or FORMATS.get(path.suffix.lower())
    if kind not in UNITS:
        raise ImportDataError(f"{path.name}: unknown format; expected .csv, .xlsx or .json (or --format)")
    return kind


def open_table(path: Path, fmt: str | None = None) -> Table:
    """The file's kind, columns and row count (for the progress bar); the rows come from :func:`rows`."""
    if not path.is_file():
        raise ImportDataError(f"{path}: no such file")
    kind = detect(path, fmt)
    if kind == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header: list[str] = next(csv.reader(fh), [])
            total = sum(1 for _ in csv.reader(fh))
        return Table(kind, tuple(h.strip() for h in header), total, path)
    if kind == "xlsx":
        sheet = _worksheet(path)
        first: tuple[Any, ...] = next(sheet.iter_rows(max_row=1, values_only=True), ())
        return Table(kind, tuple(str(h).strip() for h in first if h is not None), max(0, sheet.max_row - 1), path)
    items = _json_items(path)
    return Table(kind, tuple(dict.fromkeys(k for item in items if isinstance(item, dict) for k in item)),
                 len(items), path)


def rows(table: Table) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, column → value) for every record, in file order."""
    if table.kind == "csv":
        yield from _csv_rows(table.path)
    elif table.kind == "xlsx":
        sheet = _worksheet(table.path)
        for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if any(v is not None and str(v).strip() for v in values):
                yield number, dict(zip(table.columns, values, strict=False))
    else:
        for number, item in enumerate(_json_items(table.path), start=1):
            yield number, item if isinstance(item, dict) else {NOT_OBJECT: item}


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                yield start, dict(zip(header, values, strict=False))
            start = reader.line_num + 1


def _worksheet(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for a broken file
        raise ImportDataError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    return book.active


def _json_items(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportDataError(f"{path.name}: not valid JSON ({exc})") from None
    if isinstance(data, dict):
        data = data.get("reports", data.get("service_requests"))
    if not isinstance(data, list):
        raise ImportDataError(f"{path.name}: expected a JSON array of reports (or {{\"reports\": [...]}})")
    return data


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``["Mã=external_id", …]`` → column → field; a field that does not exist is refused."""
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip() or not name.strip():
            raise ImportDataError(f"--map {pair!r}: expected COLUMN=FIELD")
        if name.strip() not in FIELDS:
            raise ImportDataError(f"--map {pair!r}: {name.strip()!r} is not a field; fields: {', '.join(FIELDS)}")
        out[column.strip()] = name.strip()
    return out


def resolve(columns: Sequence[str], mapping: Mapping[str, str], has_default_source: bool) -> dict[str, str]:
    """Field → column: the explicit mapping first, then columns named like a field or an alias of one."""
    missing = [c for c in mapping if c not in columns]
    if missing:
        raise ImportDataError(f"--map: no column {missing[0]!r} in the file; columns: {', '.join(columns)}")
    by_field = {f: c for c, f in mapping.items()}
    for column in columns:
        name = fold(column).replace(" ", "_")
        found = name if name in FIELDS else ALIASES.get(fold(column))
        if found and found not in by_field and column not in mapping:
            by_field[found] = column
    needed = [f for f in REQUIRED if f not in by_field] + ([] if has_default_source or "source" in by_field
                                                           else ["source"])
    if needed:
        raise ImportDataError(f"no column for {', '.join(needed)} (columns: {', '.join(columns)}); "
                              f"map one with --map COLUMN={needed[0]}" + (" or give --source CHANNEL"
                                                                         if needed == ["source"] else ""))
    return by_field


def ignored(columns: Sequence[str], by_field: Mapping[str, str]) -> list[str]:
    used = set(by_field.values())
    return [c for c in columns if c not in used]
