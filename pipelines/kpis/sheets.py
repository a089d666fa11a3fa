"""The cell lines of a spreadsheet file, whatever it is: a CSV (UTF-8, comma or semicolon) or an XLSX (first sheet).
Each line comes with its number in the file, so every import can name the line of a bad row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ioc.errors import ImportDataError


def lines(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells) of ``path``; ImportDataError for a missing file or another format."""
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
