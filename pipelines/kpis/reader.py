"""Reading an import file (CSV or XLSX): which of the four kinds it is, its good rows, its bad rows.

The header row is searched for among the first lines (title rows above it are skipped) and matched through
:mod:`pipelines.kpis.headers`; totals rows at the bottom are skipped and noted. A bad row is reported with its line
(the spreadsheet's row number) and the field at fault, and the other rows still count. Nothing here touches the
database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.kpis import headers, sheets
from pipelines.kpis import values as v
from pipelines.kpis.headers import Layout
from pipelines.kpis.profiles import Profile
from pipelines.kpis.schema import YES_NO, Column, Kind

Progress = Callable[[int], None]
FOOTER_CELLS = 2  # below a totals row, a line with no more filled cells than this is a signature or a date


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
    rows: list[dict[str, Any]] = field(default_factory=list)  # each with "line"
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    notes: list[str] = field(default_factory=list)  # what was matched, ignored, skipped


def read(path: Path, tz: ZoneInfo, progress: Progress | None = None, profile: Profile | None = None) -> Parsed:
    """Parse ``path``; raises :class:`ImportDataError` when the file as a whole is unusable (no header of a
    known kind among its first lines, or a required field that no column gives)."""
    lines = sheets.lines(path)
    head = list(islice(lines, max(headers.SCAN, profile.header_row or 0) if profile else headers.SCAN))
    lay = headers.layout(path.name, head, profile)
    out = Parsed(lay.kind, notes=lay.describe())
    rows = _data_rows(chain((r for r in head if r[0] > lay.header_line), lines), lay, out)
    marks = _mark_columns(lay, rows, out)
    plan = _plan(lay, profile)
    for line, cells in rows:
        out.total += 1
        _row(lay, plan, line, cells, tz, out, marks)
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


# per column: the column, its position in the row (None: not in the file), a profile default, how to read a cell
Plan = list[tuple[Column, int | None, Any, headers.Convert]]


def _plan(lay: Layout, profile: Profile | None) -> Plan:
    return [
        (col, lay.where.get(col.name), lay.constants.get(col.name), headers.converter(col, profile))
        for col in lay.kind.columns
        if col.name not in lay.derived
    ]


def _row(lay: Layout, plan: Plan, line: int, cells: Sequence[Any], tz: ZoneInfo, out: Parsed, marks: set[str]) -> None:
    row: dict[str, Any] = {"line": line}
    bad = False
    width = len(cells)
    for col, pos, constant, convert in plan:
        cell = (cells[pos] if pos < width else None) if pos is not None else constant
        if constant is not None and v.blank(cell):
            cell = constant
        if v.blank(cell):
            if col.name in marks:
                row[col.name] = False
                continue
            if col.required:
                out.errors.append(RowError(line, col.name, "is empty"))
                bad = True
            row[col.name] = col.default
            continue
        try:
            row[col.name] = convert(cell, tz)
        except ValueError as exc:
            out.errors.append(RowError(line, col.name, str(exc)))
            bad = True
    if not bad:
        problems = _derive(lay, row) or lay.kind.check(row)
        out.errors.extend(RowError(line, f, m) for f, m in problems)
        bad = bool(problems)
    if not bad:
        out.rows.append(row)


def _derive(lay: Layout, row: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields the export gives in another form (headers.DERIVED); end_to_end may be left for the catalogue."""
    if "channel" in lay.derived:
        if row.get("submitted_online") is None:
            return [("submitted_online", "is empty (it tells the channel)")]
        row["channel"] = "online" if row["submitted_online"] else "in_person"
    if "end_to_end" in lay.derived:
        service = row.get("online_service")
        row["end_to_end"] = None if service is None else row["channel"] == "online" and service == "full"
    return []


def _data_rows(lines: Iterator[tuple[int, list[Any]]], lay: Layout, out: Parsed) -> list[tuple[int, list[Any]]]:
    """The rows below the header, without blank rows, a column-numbering row right under the header, totals rows
    and the lines below a totals row that have no key or hardly any cell (signatures, place and date); each skip is
    noted."""
    keys = [lay.where[f] for f in lay.kind.signature if f in lay.where]
    rows: list[tuple[int, list[Any]]] = []
    footer: list[int] = []
    after_total = False
    for line, cells in lines:
        if all(v.blank(c) for c in cells):
            continue
        if not rows and not after_total and _numbering(cells):
            out.notes.append(f"line {line}: column numbers under the header, skipped")
            continue
        total = _total(cells)
        if total is not None:
            out.notes.append(f"line {line}: a totals row ({total!r}), not imported")
            after_total = True
            continue
        if after_total and (
            sum(not v.blank(c) for c in cells) <= FOOTER_CELLS
            or all(v.blank(cells[p]) if p < len(cells) else True for p in keys)
        ):
            footer.append(line)
            continue
        rows.append((line, cells))
    if footer:
        shown = f"lines {footer[0]}–{footer[-1]}" if len(footer) > 1 else f"line {footer[0]}"
        out.notes.append(
            f"{shown}: below the totals row, {FOOTER_CELLS} cells or fewer or no "
            f"{', '.join(sorted(lay.kind.signature))} ({len(footer)} row(s)), not imported"
        )
    return rows


_TOTAL = re.compile(r"^(tong cong|tong so|tong|total)( |$)|^cong( \d|$)")
_NUMBER = re.compile(r"^\(?(\d+)\)?$")


def _total(cells: Sequence[Any]) -> str | None:
    """The text of a totals row: its first filled cell says "Tổng cộng", "Tổng số: 12", "Cộng" or "Total" (a data
    row starts with its number or its id)."""
    first = next((c for c in cells if not v.blank(c)), None)
    return first.strip() if isinstance(first, str) and _TOTAL.match(headers.fold(first)) else None


def _numbering(cells: Sequence[Any]) -> bool:
    """A row of column numbers, "1 2 3 …" or "(1) (2) (3) …", as forms print under their header."""
    found = [_NUMBER.match(str(c).strip()) for c in cells if not v.blank(c)]
    numbers = [int(m.group(1)) for m in found if m]
    return (
        len(numbers) >= 3
        and len(numbers) == len(found)
        and all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))
    )


def _mark_columns(lay: Layout, rows: list[tuple[int, list[Any]]], out: Parsed) -> set[str]:
    """Yes/no columns whose filled cells are all marks ("x", "✓"): there a blank cell means no."""
    vocab = headers.vocabulary()
    found = set()
    marked: list[str] = []
    empty: list[str] = []
    for col in lay.kind.columns:
        if col.parse is not YES_NO or col.name not in lay.where:
            continue
        pos = lay.where[col.name]
        filled = [headers.fold(cells[pos]) for _l, cells in rows if pos < len(cells) and not v.blank(cells[pos])]
        header = next(h for h, f in lay.matched if f == col.name)
        if not filled:
            empty.append(f"{header!r} ({col.name})")
        elif all(f in vocab.marks for f in filled):
            found.add(col.name)
            marked.append(header)
    if marked:
        out.notes.append(f"x-mark column(s) {', '.join(map(repr, marked))}: a blank cell is read as no")
    if empty:
        out.notes.append(
            f"column(s) {', '.join(empty)} have no filled cell: a blank is not read as no unless a "
            "profile says so (defaults: FIELD: không)"
        )
    return found
