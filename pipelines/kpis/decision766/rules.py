"""Points from a rate, pure: the national portal's rules for Decision 766 (docs/kpis.md, "All 100 points").

* ``linear``: max × r
* ``full_at`` A: min(max, max × r / A)  (full points from r = A)
* ``slope`` S: min(max, S × r)
* ``monitor``: no points

An empty denominator is "no data" unless the indicator says otherwise: ``full`` (5.2, 5.3: no feedback scores
full) or ``zero`` (5.4: no dossier received scores 0). Nothing else ever turns missing data into points.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPTY_RULES = ("none", "full", "zero")


@dataclass(frozen=True)
class Rule:
    kind: str  # linear, full_at, slope, monitor
    param: float = 1.0  # full_at: the rate of full points; slope: points per unit of rate

    def __post_init__(self) -> None:
        if self.kind not in ("linear", "full_at", "slope", "monitor"):
            raise ValueError(f"unknown 766 rule {self.kind!r}")
        if self.kind in ("full_at", "slope") and self.param <= 0:
            raise ValueError(f"rule {self.kind} needs a positive parameter, not {self.param}")

    @classmethod
    def parse(cls, spec: object) -> Rule:
        """``linear``, ``monitor``, ``{full_at: 0.8}`` or ``{slope: 2.5}`` (the YAML forms)."""
        if isinstance(spec, str):
            return cls(spec)
        if isinstance(spec, dict) and len(spec) == 1:
            ((kind, param),) = spec.items()
            return cls(str(kind), float(param))
        raise ValueError(f"a 766 rule is linear, monitor, {{full_at: A}} or {{slope: S}}, not {spec!r}")

    def points(self, most: float, rate: float) -> float:
        """Points of ``rate`` (0-1) for an indicator worth ``most``."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"a rate is between 0 and 1, not {rate}")
        if self.kind == "monitor":
            return 0.0
        if self.kind == "linear":
            return most * rate
        if self.kind == "full_at":
            return min(most, most * rate / self.param)
        return min(most, self.param * rate)

    def describe(self, most: float, lang: str) -> str:
        if self.kind == "monitor":
            return "theo dõi, không tính điểm" if lang != "en" else "monitoring only"
        if self.kind == "linear":
            return f"{most:g} × r"
        if self.kind == "full_at":
            return f"min({most:g}, {most:g} × r / {self.param:g})"
        return f"min({most:g}, {self.param:g} × r)"


@dataclass(frozen=True)
class Scored:
    """Points of one indicator: ``points`` None means no data (never 0, never full)."""

    rate: float | None
    points: float | None
    by_rule: str | None = None  # "empty_full" / "empty_zero" when the empty-denominator rule gave the points


def score(rule: Rule, most: float, numerator: float | None, denominator: float | None, empty: str = "none") -> Scored:
    """The points of numerator ÷ denominator; None counts (no data) give no points whatever ``empty`` says."""
    if empty not in EMPTY_RULES:
        raise ValueError(f"empty is one of {EMPTY_RULES}, not {empty!r}")
    if numerator is None or denominator is None:
        return Scored(None, None)
    if denominator < 0 or numerator < 0 or numerator > denominator:
        raise ValueError(f"counts {numerator} / {denominator}: a part is between 0 and its whole")
    if denominator == 0:
        if rule.kind == "monitor" or empty == "none":
            return Scored(None, None)
        return Scored(None, most if empty == "full" else 0.0, f"empty_{empty}")
    rate = numerator / denominator
    return Scored(rate, rule.points(most, rate))
