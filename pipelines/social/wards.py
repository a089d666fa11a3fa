"""Which ward a mention is about, from what the provider gave: a ward code or name, else a point, else unknown.

A code or name is matched against the wards valid on the post's local date (``wards`` is versioned: a name from
before the 2025 merger is not a current ward). Names are compared folded (marks, case, spacing and the
"Phường"/"Xã"/"P." prefix ignored), so "phuong dong xoai", "P. Đồng Xoài" and "Đồng Xoài" meet. A former ward's
name (``ward_mapping``) leads to its new ward when it went to exactly one (names repeat across cities, and a split
ward has no single answer). A point is placed by the database (``ioc_ward_at``) in :mod:`pipelines.social.store`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import psycopg

from pipelines.social.profile import fold

_PREFIX = re.compile(r"^(?:phuong|xa|thi tran|dac khu|p|x|tt|ward|commune)\s+")


def name_key(text: object) -> str:
    return _PREFIX.sub("", fold(text)).strip()


@dataclass(frozen=True)
class WardRow:
    code: str
    name: str
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class WardIndex:
    """The ward rows and former-ward names, matched in memory: an import of 10,000 mentions asks the database once."""

    def __init__(self, rows: Iterable[WardRow], former: Iterable[tuple[str, str]] = ()) -> None:
        self.rows = list(rows)
        self.by_code: dict[str, list[WardRow]] = defaultdict(list)
        self.by_name: dict[str, list[WardRow]] = defaultdict(list)
        for row in self.rows:
            self.by_code[row.code].append(row)
            self.by_name[name_key(row.name)].append(row)
        olds: dict[str, set[str]] = defaultdict(set)
        for old_name, new_code in former:
            olds[name_key(old_name)].add(new_code)
        self.former = {k: next(iter(v)) for k, v in olds.items() if len(v) == 1}

    def match(self, given: str, on: date) -> str | None:
        """The code of the ward valid ``on`` that ``given`` names, or None (unknown, or more than one)."""
        text = given.strip()
        if any(r.valid_on(on) for r in self.by_code.get(text, ())):
            return text
        found = {r.code for r in self.by_name.get(name_key(text), ()) if r.valid_on(on)}
        if len(found) == 1:
            return found.pop()
        if not found:
            code = self.former.get(name_key(text))
            if code is not None and any(r.valid_on(on) for r in self.by_code.get(code, ())):
                return code
        return None


def load(conn: psycopg.Connection) -> WardIndex:
    rows = [WardRow(*r) for r in conn.execute("SELECT code, name, valid_from, valid_to FROM wards")]
    former = conn.execute("SELECT old_ward, new_ward_code FROM ward_mapping").fetchall()
    return WardIndex(rows, [(str(a), str(b)) for a, b in former])
