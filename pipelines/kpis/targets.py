"""Targets per indicator, year and scope, and the status rule. Pure.

Shipped default: the Bình Dương 2025 targets (≥ 80% of dossiers submitted online, > 50% handled end-to-end
online, ≥ 80% of fees paid online, > 90% of outputs and > 60% of inputs digitized), scope ``*`` (every scope).

Which target applies to (indicator, year, scope): the most specific scope first (the ward's code, then its
province, then ``*``), and for each the given year, else the latest earlier year that has one. Stored targets
(table ``kpi_targets``) come before the shipped defaults.

Status rule (stated once, used everywhere):

* period over: **on track** when the actual value meets the target, else **off track**;
* period running, with a forecast: **on track** when even the pessimistic end of the forecast interval meets the
  target, **off track** when even the optimistic end misses it, **at risk** in between;
* period running, too little history to forecast: **on track** when the value so far meets the target, else
  **at risk** (without a trend the IOC does not call it lost).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK)
ANY_SCOPE = "*"
BINH_DUONG_2025 = "Bình Dương 2025 targets (shipped default)"


@dataclass(frozen=True)
class Target:
    indicator: str
    year: int
    op: str            # >=, >, <=, <
    value: float
    scope: str = ANY_SCOPE
    source: str = ""
    unit: str = ""     # '' for a procedure KPI (a fraction 0–1); else the indicator's unit (%, điểm …)

    def met(self, value: float) -> bool:
        return {">=": value >= self.value, ">": value > self.value, "<=": value <= self.value,
                "<": value < self.value}[self.op]

    @property
    def higher_is_better(self) -> bool:
        return self.op in (">=", ">")

    def as_dict(self) -> dict[str, object]:
        return {"op": self.op, "value": self.value, "year": self.year, "scope": self.scope, "source": self.source,
                "unit": self.unit, "direction": "higher" if self.higher_is_better else "lower"}


DEFAULTS: tuple[Target, ...] = (
    Target("online_submission", 2025, ">=", 0.80, source=BINH_DUONG_2025),
    Target("end_to_end_online", 2025, ">", 0.50, source=BINH_DUONG_2025),
    Target("online_payment", 2025, ">=", 0.80, source=BINH_DUONG_2025),
    Target("output_digitization", 2025, ">", 0.90, source=BINH_DUONG_2025),
    Target("input_digitization", 2025, ">", 0.60, source=BINH_DUONG_2025),
)


def find(targets: Iterable[Target], indicator: str, year: int, scopes: Sequence[str]) -> Target | None:
    """The target of ``indicator`` for ``year``; ``scopes`` from the most specific, e.g. (ward, province, '*')."""
    mine = [t for t in targets if t.indicator == indicator and t.year <= year]
    for scope in scopes:
        found = [t for t in mine if t.scope == scope]
        if found:
            return max(found, key=lambda t: t.year)
    return None


def merged(stored: Iterable[Target], defaults: Iterable[Target] = DEFAULTS) -> list[Target]:
    """Stored targets, plus each default that no stored target of the same (indicator, year, scope) replaces."""
    stored = list(stored)
    taken = {(t.indicator, t.year, t.scope) for t in stored}
    return stored + [t for t in defaults if (t.indicator, t.year, t.scope) not in taken]


def status(target: Target | None, value: float | None, *, over: bool, low: float | None = None,
           high: float | None = None) -> str | None:
    """The status rule of the module docstring; None without a target or a value."""
    if target is None or value is None:
        return None
    if over:
        return ON_TRACK if target.met(value) else OFF_TRACK
    if low is None or high is None:
        return ON_TRACK if target.met(value) else AT_RISK
    worst, best = (low, high) if target.higher_is_better else (high, low)
    if target.met(worst):
        return ON_TRACK
    return AT_RISK if target.met(best) else OFF_TRACK
