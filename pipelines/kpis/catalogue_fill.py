"""What dossier rows take from the procedure catalogue, and what the catalogue may take from dossier rows.

A dossier's blank ``fee_bearing`` / ``paper_result`` and, when the export says nothing about it, its ``end_to_end``
(online and the procedure's service is toàn trình) come from the catalogue. The other way round, an export that
names each dossier's online-service level ("Mức độ DVC": Toàn trình / Một phần) adds the procedures the catalogue
lacks, so the level mix and the toàn trình counts work before any catalogue is loaded; a catalogue imported later
replaces those entries. Disagreements are noted, never silently resolved.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

import psycopg

from pipelines.kpis.reader import RowError

SHOWN = 5


class Result(Protocol):
    errors: list[RowError]
    notes: list[str]


def fill(
    conn: psycopg.Connection, rows: list[dict[str, Any]], result: Result, source: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows that could be completed, and the catalogue entries to add (shaped like ``kpi_procedures``)."""
    catalogue = {
        code: (fee, paper, service)
        for code, fee, paper, service in conn.execute(
            "SELECT code, fee_bearing, paper_result, online_service FROM kpi_procedures"
        )
    }
    levels: dict[str, Counter[str]] = {}
    for r in rows:
        if r.get("online_service"):
            levels.setdefault(r["procedure_code"], Counter())[r["online_service"]] += 1
    from_rows = {code: seen.most_common(1)[0][0] for code, seen in levels.items() if code not in catalogue}
    kept = []
    for r in rows:
        known = catalogue.get(r["procedure_code"])
        if _complete(r, known, from_rows.get(r["procedure_code"]), result):
            kept.append(r)
    _note_levels(levels, catalogue, result)
    entries = _entries(from_rows, [r for r in kept if r["procedure_code"] in from_rows], source)
    if entries:
        codes = ", ".join(e["code"] for e in entries[:SHOWN]) + (" …" if len(entries) > SHOWN else "")
        result.notes.append(
            f"{len(entries)} procedure(s) not in the catalogue added from the dossier rows "
            f"(online-service level from the rows): {codes}"
        )
    return kept, entries


def _complete(r: dict[str, Any], known: tuple[bool, bool, str] | None, row_level: str | None, result: Result) -> bool:
    for col, pos in (("fee_bearing", 0), ("paper_result", 1)):
        if r.get(col) is None:
            if known is None:
                result.errors.append(
                    RowError(
                        r["line"],
                        col,
                        f"is empty and procedure {r['procedure_code']} "
                        "is not in the catalogue (import the catalogue first)",
                    )
                )
                return False
            r[col] = known[pos]
    if r.get("end_to_end") is None:
        service = known[2] if known else row_level
        if service is None:
            result.errors.append(
                RowError(
                    r["line"],
                    "end_to_end",
                    "no column gives it and procedure "
                    f"{r['procedure_code']} is not in the catalogue (import the catalogue "
                    "first, or add a column such as 'Toàn trình' or 'Mức độ DVC')",
                )
            )
            return False
        r["end_to_end"] = r["channel"] == "online" and service == "full"
    if r["paid_online"] and not r["fee_bearing"]:
        result.errors.append(RowError(r["line"], "paid_online", "is yes but the procedure bears no fee"))
        return False
    return True


def _note_levels(levels: dict[str, Counter[str]], catalogue: dict[str, tuple[bool, bool, str]], result: Result) -> None:
    mixed = [
        f"{code} ({', '.join(f'{k} on {n} rows' for k, n in seen.most_common())})"
        for code, seen in sorted(levels.items())
        if len(seen) > 1
    ]
    if mixed:
        result.notes.append(
            f"rows disagree on the online-service level of {len(mixed)} procedure(s), the most "
            f"frequent is used: {'; '.join(mixed[:SHOWN])}"
        )
    differ = [
        f"{code} (catalogue {catalogue[code][2]}, rows {seen.most_common(1)[0][0]})"
        for code, seen in sorted(levels.items())
        if code in catalogue and seen.most_common(1)[0][0] != catalogue[code][2]
    ]
    if differ:
        result.notes.append(
            f"the catalogue's online-service level is kept for {len(differ)} procedure(s) whose "
            f"rows say otherwise: {'; '.join(differ[:SHOWN])}"
        )


def _entries(levels: dict[str, str], rows: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    by_code: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_code.setdefault(r["procedure_code"], []).append(r)
    return [
        {
            "code": code,
            "name": next((r["procedure_name"] for r in mine if r.get("procedure_name")), code),
            "field": None,
            "level": None,
            "online_service": levels[code],
            "fee_bearing": any(r["fee_bearing"] for r in mine),
            "paper_result": any(r["paper_result"] for r in mine),
            "source": f"{source} (dossier rows)",
        }
        for code, mine in sorted(by_code.items())
    ]
