"""Reading an import file (CSV or XLSX): which of the four kinds it is, its good rows, its bad rows.

A bad row is reported with its line (the spreadsheet's row number; 1 is the header) and the field at fault, and
the other rows still count. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ioc.errors import ImportDataError
from pipelines.kpis import values as v
from pipelines.kpis.schema import KINDS, Kind, detect, header_name, resolve_headers

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class Parsed:
    kind: Kind
    rows: list[dict[str, Any]] = field(default_factory=list)   # each with "line"
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def read(path: Path, tz: ZoneInfo, progress: Progress | None = None) -> Parsed:
    """Parse ``path``; raises :class:`ImportDataError` when the file as a whole is unusable."""
    lines = _open(path)
    try:
        header_line, headers = next(lines)
    except StopIteration:
        raise ImportDataError(f"{path.name}: the file is empty") from None
    names = [header_name(h) for h in headers]
    kind = detect(names)
    if kind is None:
        raise ImportDataError(f"{path.name}: cannot tell which KPI file this is from its columns "
                              f"({', '.join(n for n in names if n) or 'none'}); {_expected()}")
    where = resolve_headers(kind, names)
    missing = [c.name for c in kind.columns if c.required and c.name not in where]
    if missing:
        raise ImportDataError(f"{path.name}: a {kind.title} needs column(s) {', '.join(missing)} "
                              f"(line {header_line})")
    out = Parsed(kind)
    for line, cells in lines:
        if all(v.blank(c) for c in cells):
            continue
        out.total += 1
        _row(kind, where, line, cells, tz, out)
        if progress and out.total % 1000 == 0:
            progress(1000)
    if progress:
        progress(out.total % 1000)
    return out


def count_rows(path: Path) -> int:
    """About how many data rows a file has, for a progress bar (cheap: no parsing)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            return max(0, (wb.worksheets[0].max_row or 1) - 1)
        finally:
            wb.close()
    with path.open("rb") as fh:
        return max(0, sum(1 for _ in fh) - 1)


def _row(kind: Kind, where: dict[str, int], line: int, cells: list[Any], tz: ZoneInfo, out: Parsed) -> None:
    row: dict[str, Any] = {"line": line}
    bad = False
    for col in kind.columns:
        cell = cells[where[col.name]] if col.name in where and where[col.name] < len(cells) else None
        if v.blank(cell):
            if col.required:
                out.errors.append(RowError(line, col.name, "is empty"))
                bad = True
            row[col.name] = col.default
            continue
        try:
            row[col.name] = col.parse(cell, tz)
        except ValueError as exc:
            out.errors.append(RowError(line, col.name, str(exc)))
            bad = True
    if not bad:
        problems = kind.check(row)
        out.errors.extend(RowError(line, f, m) for f, m in problems)
        bad = bool(problems)
    if not bad:
        out.rows.append(row)


def _open(path: Path) -> Iterator[tuple[int, list[Any]]]:
    if not path.is_file():
        raise ImportDataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx(path)
    if suffix in (".csv", ".txt"):
        return _csv(path)
    raise ImportDataError(f"{path.name}: expected a .csv or .xlsx file")


def _csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportDataError(f"{path.name}: not UTF-8 text (save the CSV as UTF-8)") from None
    first = raw.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not a workbook
        raise ImportDataError(f"{path.name}: cannot be read as XLSX ({type(exc).__name__}: {exc})") from None
    try:
        for number, cells in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        wb.close()


def _expected() -> str:
    return "expected one of: " + "; ".join(f"{k.title} ({', '.join(sorted(k.signature))})" for k in KINDS)
