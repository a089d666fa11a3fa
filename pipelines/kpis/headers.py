"""Which column of an export is which field: headers and values compared after folding case and diacritics.

Exports of provincial one-stop systems word their headers many ways ("Mã hồ sơ", "Số hồ sơ"; "Ngày nhận", "Ngày tiếp
nhận"), put merged title rows above the header and a totals row below the data. :func:`layout` finds the header row
among the first rows, tells the kind of file, and matches every header through the table of known variants
(``data/kpis/header_variants.yaml``) and a user's mapping profile; what matched, what was ignored and which fields are
filled another way (a profile's default, derived from another column) are in the :class:`Layout` for the user to see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

from ioc.data import data_path
from ioc.errors import ImportDataError
from ioc.textfold import unmarked
from pipelines.kpis import values as v
from pipelines.kpis.schema import KINDS, YES_NO, Column, Kind

if TYPE_CHECKING:
    from pipelines.kpis.profiles import Profile

HEADER_VARIANTS = "kpis/header_variants.yaml"  # shipped data files (ioc.data)
VALUE_VARIANTS = "kpis/value_variants.yaml"
SCAN = 30  # rows searched for the header
IGNORE = "ignore"  # a profile's column mapped to this is not read
_NOT_WORD = re.compile(r"[^\w✓✔]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")

# field -> (the column it comes from, how), for required fields an export may carry in another form
DERIVED: dict[str, dict[str, tuple[str, str]]] = {
    "dossiers": {
        "channel": ("submitted_online", "yes → online, no → in person"),
        "end_to_end": ("online_service", "online and the procedure's service is toàn trình"),
    }
}


@lru_cache(maxsize=1 << 16)  # cell values repeat (x, Có, Đã trả kết quả): fold each once
def fold(value: object) -> str:
    """Lower case, no diacritics (đ → d), punctuation as single spaces: "Nộp trực tuyến (Có/Không)" →
    "nop truc tuyen co khong"."""
    text = unmarked(value).replace("_", " ")
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Vocabulary:
    headers: dict[str, dict[str, list[str]]]  # kind -> folded header -> fields (best first)
    rank: dict[str, dict[tuple[str, str], int]]  # kind -> (folded header, field) -> rank (lower is better)
    yes: frozenset[str]
    no: frozenset[str]
    marks: frozenset[str]
    values: dict[str, dict[str, str]]  # field -> folded value -> value
    shown: dict[str, dict[str, list[str]]]  # kind -> field -> known variants as written


@cache
def vocabulary() -> Vocabulary:
    with data_path(HEADER_VARIANTS).open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    headers: dict[str, dict[str, list[str]]] = {}
    rank: dict[str, dict[tuple[str, str], int]] = {}
    for kind in KINDS:
        table = headers.setdefault(kind.name, {})
        ranks = rank.setdefault(kind.name, {})
        for col in kind.columns:
            names = [col.name, *col.aliases, *raw.get(kind.name, {}).get(col.name, [])]
            for i, name in enumerate(names):
                key = fold(name)
                if col.name not in table.setdefault(key, []):
                    table[key].append(col.name)
                    ranks[(key, col.name)] = i
    with data_path(VALUE_VARIANTS).open(encoding="utf-8") as fh:
        vals = yaml.safe_load(fh)
    return Vocabulary(
        headers,
        rank,
        frozenset(map(fold, vals["yes"])),
        frozenset(map(fold, vals["no"])),
        frozenset(map(fold, vals["marks"])),
        {f: {fold(k): str(x) for k, x in m.items()} for f, m in vals["fields"].items()},
        {k: {f: list(names) for f, names in fields.items()} for k, fields in raw.items()},
    )


Convert = Callable[[Any, ZoneInfo], Any]


def converter(col: Column, profile: Profile | None = None) -> Convert:
    """How a cell becomes ``col``'s value: the profile's values, then the known Vietnamese wordings, then the
    column's own parser (which raises ValueError with a reason). Built once per column, used for every row."""
    vocab = vocabulary()
    own = profile.values.get(col.name, {}) if profile else {}
    known = vocab.values.get(col.name, {})
    yes_no = col.parse is YES_NO
    if not (own or known or yes_no):
        return col.parse

    def convert(cell: Any, tz: ZoneInfo) -> Any:
        if isinstance(cell, str):
            key = fold(cell)
            mapped = own.get(key) or known.get(key)
            if mapped is not None:
                cell, key = mapped, fold(mapped)
            if yes_no and (key in vocab.yes or key in vocab.no):
                return key in vocab.yes
        return col.parse(cell, tz)

    return convert


@dataclass
class Layout:
    kind: Kind
    header_line: int
    where: dict[str, int]  # field -> position
    matched: list[tuple[str, str]] = field(default_factory=list)  # (header as written, field)
    ignored: list[str] = field(default_factory=list)  # header as written (why)
    constants: dict[str, Any] = field(default_factory=dict)  # field -> a profile's default (no column, blank cell)
    derived: dict[str, str] = field(default_factory=dict)  # field -> how
    header_first: int = 0  # the first line of a two-row header (else header_line)

    def describe(self) -> list[str]:
        lines = (
            f"lines {self.header_first}–{self.header_line}"
            if 0 < self.header_first < self.header_line
            else f"line {self.header_line}"
        )
        out = [f"header on {lines}; columns: " + ", ".join(f"{h!r} → {f}" for h, f in self.matched)]
        if self.ignored:
            out.append("ignored columns: " + ", ".join(self.ignored))
        for f, raw in self.constants.items():
            column = next((h for h, m in self.matched if m == f), None)
            where = f"where {column!r} is blank" if column else "on every row"
            out.append(f"{f}: {raw!r} {where} (profile default)")
        for f, how in self.derived.items():
            out.append(f"{f}: {how}")
        return out


def layout(name: str, head: Sequence[tuple[int, Sequence[Any]]], profile: Profile | None = None) -> Layout:
    """The header row among ``head`` (line, cells), the kind, and where every field is; ImportDataError listing
    the headers seen and the fields missed when no kind fits."""
    rows = [(line, cells) for line, cells in head if any(not v.blank(c) for c in cells)]
    if not rows:
        raise ImportDataError(f"{name}: the file is empty")
    if profile and profile.header_row:
        rows = [r for r in rows if r[0] == profile.header_row]
        if not rows:
            raise ImportDataError(f"{name}: line {profile.header_row} (the profile's header_row) is empty")
    kinds = [k for k in KINDS if not profile or not profile.kind or k.name == profile.kind]
    best: tuple[tuple[int, bool, int], Layout] | None = None
    for first, line, cells in _candidates(head, profile.header_row if profile else None):
        for kind in kinds:
            lay = _match(kind, line, cells, profile)
            if kind.signature <= set(lay.where):
                lay.header_first = first
                score = (len(lay.where), first == line, -line)  # a two-row header must match more
                if best is None or score > best[0]:
                    best = (score, lay)
                break
    if best is None:
        raise ImportDataError(_unknown(name, rows, kinds, profile))
    lay = best[1]
    _complete(lay, profile)
    missing = [
        c.name
        for c in lay.kind.columns
        if c.required and c.name not in lay.where and c.name not in lay.constants and c.name not in lay.derived
    ]
    if missing:
        raise ImportDataError(
            f"{name}: a {lay.kind.title} file (header on line {lay.header_line}) misses "
            f"{_fields(lay.kind, missing)}; {_seen(lay)}. {_hint()}"
        )
    return lay


def _candidates(head: Sequence[tuple[int, Sequence[Any]]], only: int | None) -> list[tuple[int, int, list[Any]]]:
    """(first line, last line, header cells): every filled row, and every two adjacent filled rows read as one
    two-level header ("Ngày" over "Tiếp nhận | Hẹn trả"); ``only``: the header's (last) line."""
    filled = [(line, list(cells)) for line, cells in head if any(not v.blank(c) for c in cells)]
    out = [(line, line, cells) for line, cells in filled]
    out += [
        (a, b, _two_rows(upper, lower))
        for (a, upper), (b, lower) in zip(filled, filled[1:], strict=False)
        if b == a + 1
    ]
    return [c for c in out if only is None or c[1] == only]


def _two_rows(upper: Sequence[Any], lower: Sequence[Any]) -> list[Any]:
    """One header from two rows. An upper cell spans the blank cells to its right (a merged cell); a column's
    header is tried as upper + lower ("Số hóa" "Đầu vào"), lower + upper ("Mã" "Thủ tục hành chính") and lower
    alone; a column with nothing below its upper cell is that cell."""
    out: list[Any] = []
    carried: Any = None
    for pos in range(max(len(upper), len(lower))):
        up = upper[pos] if pos < len(upper) else None
        low = lower[pos] if pos < len(lower) else None
        if not v.blank(up):
            carried = up
        if v.blank(low):
            out.append(up)
        elif carried is None:
            out.append(low)
        else:
            u, lo = str(carried).strip(), str(low).strip()
            out.append((f"{u} / {lo}", f"{u} {lo}", f"{lo} {u}", lo))
    return out


def _written(cell: Any) -> str:
    return str(cell[0] if isinstance(cell, tuple) else cell).strip()


def _match(kind: Kind, line: int, cells: Sequence[Any], profile: Profile | None) -> Layout:
    vocab = vocabulary()
    table, ranks = vocab.headers[kind.name], vocab.rank[kind.name]
    names = {c.name for c in kind.columns}
    lay = Layout(kind, line, {})
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, position)
    ignored: dict[int, str] = {}
    for pos, cell in enumerate(cells):
        if v.blank(cell):
            continue
        alts = cell[1:] if isinstance(cell, tuple) else (cell,)
        keys = [k for a in alts for k in (fold(a), fold(_BRACKETS.sub(" ", str(a))))]
        written = _written(cell)
        choice: tuple[str, int] | None = None
        mapped = (
            next((profile.columns[k] for k in [fold(written), *keys] if k in profile.columns), None)
            if profile
            else None
        )
        if mapped is not None:
            if mapped == IGNORE or mapped not in names:
                ignored[pos] = f"{written!r} (profile)" if mapped == IGNORE else f"{written!r} (not in a {kind.title})"
                continue
            choice = (mapped, -1)
        else:
            for k in keys:
                free = [f for f in table.get(k, []) if f not in best or ranks[(k, f)] < best[f][0]]
                if free:
                    choice = (free[0], ranks[(k, free[0])])
                    break
        if choice is None:
            ignored[pos] = repr(written)
            continue
        target, rank = choice
        if target in best:
            loser = best[target][1]
            ignored[loser] = f"{_written(cells[loser])!r} (also {target}; {written!r} is used)"
        best[target] = (rank, pos)
    for target, (_rank, pos) in best.items():
        lay.where[target] = pos
        ignored.pop(pos, None)
    lay.matched = [(_written(cells[p]), f) for f, (_r, p) in sorted(best.items(), key=lambda x: x[1][1])]
    lay.ignored = [ignored[p] for p in sorted(ignored)]
    return lay


def _complete(lay: Layout, profile: Profile | None) -> None:
    if profile:
        lay.constants = dict(profile.defaults)
    for target, (source, how) in DERIVED.get(lay.kind.name, {}).items():
        if target not in lay.where and target not in lay.constants and source in lay.where:
            lay.derived[target] = f"from {next(h for h, f in lay.matched if f == source)!r}: {how}"
    if lay.kind.name == "dossiers" and "end_to_end" not in {*lay.where, *lay.constants, *lay.derived}:
        lay.derived["end_to_end"] = "from the procedure catalogue: online and the procedure's service is toàn trình"


def _unknown(name: str, rows: list[tuple[int, Sequence[Any]]], kinds: list[Kind], profile: Profile | None) -> str:
    """Which headers were seen (on the row that matched most) and which fields each kind missed there."""
    line, cells = max(rows, key=lambda r: (max(len(_match(k, r[0], r[1], profile).where) for k in kinds), -r[0]))
    tried = [_match(k, line, cells, profile) for k in kinds]
    best = max(tried, key=lambda lay: len(lay.where))
    wants = "; ".join(
        f"{lay.kind.name} {_fields(lay.kind, sorted(lay.kind.signature - set(lay.where)))}" for lay in tried
    )
    return (
        f"{name}: cannot tell which KPI file this is. Headers seen (line {line}): "
        f"{', '.join(repr(str(c).strip()) for c in cells if not v.blank(c))}; {_seen(best)}; "
        f"fields missing for each kind of file: {wants}. {_hint()}"
    )


def _seen(lay: Layout) -> str:
    return "matched: " + (", ".join(f"{h!r} → {f}" for h, f in lay.matched) or "nothing")


def _fields(kind: Kind, names: list[str]) -> str:
    """Field names with two known headers each, and the column that can stand in for a field."""
    shown = vocabulary().shown.get(kind.name, {})
    derived = DERIVED.get(kind.name, {})

    def one(n: str) -> str:
        out = f"{n} (e.g. {', '.join(repr(s) for s in shown[n][:2])})" if shown.get(n) else n
        return f"{out} or {one(derived[n][0])}" if n in derived else out

    return ", ".join(one(n) for n in names)


def _hint() -> str:
    return (
        "Known headers: data/kpis/header_variants.yaml; map other headers with a profile (--profile FILE, docs/kpis.md)"
    )
