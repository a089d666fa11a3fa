"""Checks of indicator-sheet rows against the socio-economic definitions (data/kpis/socioeconomic.yaml). Pure.

A row of a known indicator must carry its unit or none (a blank unit is filled in), a percentage lies in 0–100
(92% is written 92; 0.92 means 0.92%, as a poverty rate may well be), and a count (``sum`` indicators) is a whole
number ≥ 0. Rows of other indicators pass as they are.
"""

from __future__ import annotations

from typing import Any

from pipelines.kpis.reader import RowError
from pipelines.kpis.socio import SocioIndicator, shipped


def checked(rows: list[dict[str, Any]], errors: list[RowError],
            known: tuple[SocioIndicator, ...] | None = None) -> list[dict[str, Any]]:
    """The good rows of ``rows``; a bad one adds a :class:`RowError` (line and field) to ``errors``."""
    defs = {d.key: d for d in (known if known is not None else shipped())}
    kept = []
    for row in rows:
        d = defs.get(row["indicator"])
        problem = _problem(d, row) if d else None
        if problem:
            errors.append(RowError(row["line"], *problem))
            continue
        if d and not row.get("unit"):
            row["unit"] = d.unit
        kept.append(row)
    return kept


def _problem(d: SocioIndicator, row: dict[str, Any]) -> tuple[str, str] | None:
    unit, value = (row.get("unit") or "").strip(), float(row["value"])
    if unit and unit != d.unit:
        return "unit", f"{unit!r} is not the unit of {d.key} ({d.unit!r})"
    if d.percent and not 0 <= value <= 100:
        return "value", f"{value:g} is not a percentage between 0 and 100"
    if d.aggregate == "sum" and (value < 0 or value != int(value)):
        return "value", f"{value:g} is not a whole number ≥ 0 (a count of {d.unit})"
    return None
