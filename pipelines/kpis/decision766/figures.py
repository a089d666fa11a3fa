"""The monthly figures sheet of Decision 766 (CSV or XLSX), read and checked, pure: no database.

One row per unit, ward, month and indicator (the layout in docs/kpis.md):

    unit, ward_code, month, indicator, numerator, denominator[, denominator_2]

Headers fold case, diacritics, spaces and hyphens, and take the Vietnamese names (đơn vị, mã phường, tháng, chỉ
tiêu, tử số, mẫu số, mẫu số 2). ``indicator`` is one of the ids the sheet supplies (1.1, 1.2, … 4.6); 1.4 may give
``denominator_2`` (the portal's count beside the national report's: the larger one divides). Every bad row is
reported with its line (1 is the header; XLSX: the sheet's row) and field; the other rows still count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ioc.errors import ImportDataError
from ioc.textfold import unmarked
from pipelines.kpis import sheets
from pipelines.kpis import values as v
from pipelines.kpis.reader import RowError

COLUMNS = ("unit", "ward_code", "month", "indicator", "numerator", "denominator", "denominator_2")
REQUIRED = COLUMNS[:-1]
ALIASES = {
    "unit": ("unit", "don_vi", "co_quan", "don_vi_bao_cao"),
    "ward_code": ("ward_code", "ward", "ma_phuong", "ma_xa", "ma_phuong_xa", "ma_don_vi_hanh_chinh"),
    "month": ("month", "thang", "ky", "ky_bao_cao"),
    "indicator": ("indicator", "chi_tieu", "ma_chi_tieu", "chi_so"),
    "numerator": ("numerator", "tu_so"),
    "denominator": ("denominator", "mau_so"),
    "denominator_2": ("denominator_2", "mau_so_2", "mau_so_cong"),
}


@dataclass(frozen=True)
class Figure:
    line: int
    unit: str
    ward_code: str
    month: date
    indicator: str
    numerator: float
    denominator: float
    denominator_2: float | None


@dataclass
class FiguresFile:
    rows: list[Figure] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def fold(header: object) -> str:
    """``Mẫu số 2`` → ``mau_so_2``: lower case, no diacritics (đ → d), spaces and hyphens as underscores."""
    text = unmarked(header or "").strip()
    return "_".join(text.replace("-", " ").replace("(", " ").replace(")", " ").split())


def columns_of(headers: list[Any]) -> dict[str, int]:
    by_alias = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    where: dict[str, int] = {}
    for pos, header in enumerate(headers):
        name = by_alias.get(fold(header))
        if name and name not in where:
            where[name] = pos
    return where


def parse(lines: Iterator[tuple[int, list[Any]]], ids: list[str], name: str = "figures") -> FiguresFile:
    """Rows and bad rows of a figures sheet; ``ids`` are the indicator ids a sheet may give."""
    try:
        header_line, headers = next(lines)
    except StopIteration:
        raise ImportDataError(f"{name}: the file is empty") from None
    where = columns_of(headers)
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        raise ImportDataError(
            f"{name}: a 766 figures sheet needs column(s) {', '.join(missing)} (line {header_line}"
            f"; columns: {', '.join(COLUMNS)})"
        )
    out = FiguresFile()
    seen: dict[tuple[str, str, date, str], int] = {}
    for line, cells in lines:
        if all(v.blank(c) for c in cells):
            continue
        out.total += 1
        row = _row(line, {c: cells[i] if i < len(cells) else None for c, i in where.items()}, ids, out.errors)
        if row is None:
            continue
        key = (row.unit, row.ward_code, row.month, row.indicator)
        if key in seen:
            out.errors.append(
                RowError(
                    line,
                    "indicator",
                    f"repeats line {seen[key]} ({row.indicator} of {row.unit}, {row.ward_code}, {row.month:%Y-%m})",
                )
            )
            continue
        seen[key] = line
        out.rows.append(row)
    return out


def _row(line: int, cells: dict[str, Any], ids: list[str], errors: list[RowError]) -> Figure | None:
    got: dict[str, Any] = {}
    before = len(errors)
    for col in COLUMNS:
        cell = cells.get(col)
        if v.blank(cell):
            if col in REQUIRED:
                errors.append(RowError(line, col, "is empty"))
            got[col] = None
            continue
        try:
            got[col] = _value(col, cell, ids)
        except ValueError as exc:
            errors.append(RowError(line, col, str(exc)))
    if len(errors) > before:
        return None
    whole = max(got["denominator"], got["denominator_2"] or 0.0)
    if got["denominator_2"] is not None and got["indicator"] != "1.4":
        errors.append(RowError(line, "denominator_2", "only 1.4 has a second denominator"))
        return None
    if got["numerator"] > whole:
        errors.append(RowError(line, "numerator", f"{got['numerator']:g} exceeds the denominator {whole:g}"))
        return None
    return Figure(
        line,
        got["unit"],
        got["ward_code"],
        got["month"],
        got["indicator"],
        got["numerator"],
        got["denominator"],
        got["denominator_2"],
    )


def _value(col: str, cell: Any, ids: list[str]) -> Any:
    if col == "month":
        return v.month(cell)
    if col in ("numerator", "denominator", "denominator_2"):
        return v.count(cell)
    text = v.text(cell)
    if col == "ward_code" and isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    if col == "indicator":
        text = text.lower().removeprefix("§").strip()
        if text not in ids:
            raise ValueError(f"{text!r} is not an indicator of the figures sheet (one of {', '.join(ids)})")
    if col == "ward_code":
        text = text.zfill(5) if text.isdigit() else text
    return text


def read(path: Path, ids: list[str]) -> FiguresFile:
    """Parse a CSV (UTF-8, comma or semicolon) or XLSX (first sheet) figures sheet."""
    return parse(sheets.lines(path), ids, path.name)
