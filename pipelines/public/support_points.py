"""Online support points for the residents' page: read a CSV (one point a row), check every field, load the good rows.

Columns (header names, in any order): ``ward_code, kind, name, address, lat, lon, hours, helps_with, phone``.
``kind`` is ``cafe`` (Cà phê dịch vụ công), ``digital_team`` (tổ công nghệ số cộng đồng) or ``one_stop`` (bộ phận
một cửa); Vietnamese names are accepted too. ``helps_with`` is a ``;``-separated list. A bad row is reported as
``line N, field: reason`` and the good rows are loaded; a point is keyed by ward and name, so a re-import updates it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import psycopg
from psycopg_pool import ConnectionPool

from ioc.query import rows
from ioc.textfold import unmarked

KINDS: Final = {"cafe": "cafe", "ca phe dich vu cong": "cafe", "digital_team": "digital_team",
                "to cong nghe so cong dong": "digital_team", "one_stop": "one_stop", "bo phan mot cua": "one_stop",
                "mot cua": "one_stop"}
REQUIRED: Final = ("ward_code", "kind", "name", "lat", "lon")
VIETNAM: Final = (102.0, 8.0, 110.5, 23.5)    # lon/lat box holding the mainland and the near islands


@dataclass(frozen=True)
class SupportPoint:
    ward_code: str
    kind: str
    name: str
    lon: float
    lat: float
    address: str | None = None
    hours: str | None = None
    helps_with: tuple[str, ...] = ()
    phone: str | None = None


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.reason}"


def plain(text: str) -> str:
    return unmarked(text).strip()


def parse(text: str) -> tuple[list[SupportPoint], list[Problem]]:
    """Points and the problems of the rows refused (line numbers as a spreadsheet shows them, header = 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        return [], [Problem(1, c, "column missing from the header") for c in missing]
    good, bad = [], []
    for row in reader:
        line = reader.line_num
        get = {k: (v or "").strip() for k, v in row.items() if k}
        found = _point(get, line)
        if isinstance(found, Problem):
            bad.append(found)
        else:
            good.append(found)
    return good, bad


def _point(get: dict[str, str], line: int) -> SupportPoint | Problem:
    for name in ("ward_code", "name"):
        if not get.get(name):
            return Problem(line, name, "empty")
    kind = KINDS.get(plain(get.get("kind", "")).replace("-", " "))
    if kind is None:
        return Problem(line, "kind", f"{get.get('kind')!r} is not one of cafe, digital_team, one_stop")
    try:
        lon, lat = float(get["lon"].replace(",", ".")), float(get["lat"].replace(",", "."))
    except ValueError:
        return Problem(line, "lat/lon", f"not numbers: {get.get('lat')!r}, {get.get('lon')!r}")
    west, south, east, north = VIETNAM
    if not (west <= lon <= east and south <= lat <= north):
        return Problem(line, "lat/lon", f"{lat}, {lon} is outside Vietnam (lat and lon swapped?)")
    if len(get["name"]) > 200:
        return Problem(line, "name", "longer than 200 characters")
    helps = tuple(h.strip() for h in get.get("helps_with", "").split(";") if h.strip())
    return SupportPoint(get["ward_code"], kind, get["name"], lon, lat, get.get("address") or None,
                        get.get("hours") or None, helps, get.get("phone") or None)


def load(conn: psycopg.Connection, points: Sequence[SupportPoint], first_line: dict[int, int] | None = None
         ) -> tuple[int, list[Problem]]:
    """Insert or update the points whose ward is a current ward; the others are problems (field ``ward_code``)."""
    current = {c for (c,) in conn.execute("SELECT code FROM wards WHERE valid_to IS NULL")}
    done, bad = 0, []
    with conn.transaction():
        for i, p in enumerate(points):
            if p.ward_code not in current:
                bad.append(Problem((first_line or {}).get(i, i + 2), "ward_code", f"no current ward {p.ward_code!r}"))
                continue
            conn.execute("""
                INSERT INTO support_points (ward_code, kind, name, address, geom, hours, helps_with, phone)
                VALUES (%s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s, %s)
                ON CONFLICT (ward_code, name) DO UPDATE SET kind = EXCLUDED.kind, address = EXCLUDED.address,
                    geom = EXCLUDED.geom, hours = EXCLUDED.hours, helps_with = EXCLUDED.helps_with,
                    phone = EXCLUDED.phone, updated_at = now()""",
                         [p.ward_code, p.kind, p.name, p.address, p.lon, p.lat, p.hours, list(p.helps_with), p.phone])
            done += 1
    return done, bad


def import_file(conn: psycopg.Connection, path: Path) -> tuple[int, list[Problem]]:
    """Parse and load ``path``: how many points were loaded, and every refused row with its line and field."""
    points, problems = parse(path.read_text(encoding="utf-8-sig"))
    lines = _lines(path.read_text(encoding="utf-8-sig"), len(points), problems)
    done, more = load(conn, points, lines)
    return done, sorted(problems + more, key=lambda p: p.line)


def _lines(text: str, n: int, problems: list[Problem]) -> dict[int, int]:
    """The file line of the i-th good point (the rows not refused, in order)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    refused = {p.line for p in problems}
    out: dict[int, int] = {}
    for row in reader:
        if reader.line_num not in refused and row:
            out[len(out)] = reader.line_num
    return {i: out[i] for i in range(min(n, len(out)))}


def for_ward(pool: ConnectionPool, ward: str) -> list[dict[str, Any]]:
    """A ward's open support points, by kind and name: kind, name, address, lon, lat, hours, helps_with, phone,
    synthetic (made up by the demo)."""
    return rows(pool, """
        SELECT kind, name, address, ST_X(geom) AS lon, ST_Y(geom) AS lat, hours, helps_with, phone, synthetic
        FROM support_points WHERE ward_code = %s AND closed_at IS NULL ORDER BY kind, name""", [ward])
