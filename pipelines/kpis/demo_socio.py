"""The SYNTHETIC socio-economic demo (``data/kpis/socioeconomic.yaml`` ``demo``): quarterly values per ward from
2025-Q1 to the last quarter that has ended, and the targets a leader would set. Nothing here is a real figure."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import psycopg

from pipelines.kpis import periods
from pipelines.kpis.socio import demo_spec, shipped
from pipelines.kpis.targets import ANY_SCOPE, Target

FIRST = "2025-Q1"
SOURCE = "demo target (synthetic; set real ones with ioc kpis set-target)"


def quarters(now: datetime, tz: ZoneInfo) -> list[periods.Period]:
    """The quarters from 2025-Q1 that have ended by ``now`` (a quarter is reported once it is over)."""
    today, out = now.astimezone(tz).date(), []
    p = periods.parse(FIRST)
    while p.end <= today:
        out.append(p)
        p = periods.parse(f"{p.end.year}-Q{(p.end.month - 1) // 3 + 1}")
    return out


def rows(codes: list[str], now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Indicator-sheet rows for the wards ``codes``."""
    spec, units = demo_spec(), {d.key: d.unit for d in shipped()}
    qs, out = quarters(now, tz), []
    for i, (key, model) in enumerate(sorted(spec["values"].items())):
        for code in codes:
            rng = np.random.default_rng([spec["seed"], i, int(code)])
            start, trend = rng.uniform(*model["start"]), rng.uniform(*model["trend"])
            for n, q in enumerate(qs):
                value = float(np.clip(start + trend * n + rng.normal(0, model["noise"]), 0, 100))
                out.append(_row(key, units[key], code, q.label, round(value, 2)))
    for code, counts in spec["video_conference_points"].items():
        if str(code) in codes:
            for q, n in zip(qs, [*counts, *[counts[-1]] * len(qs)], strict=False):
                out.append(_row("video_conference_points", units["video_conference_points"], str(code), q.label, n))
    return out


def _row(indicator: str, unit: str, scope: str, period: str, value: float) -> dict[str, Any]:
    return {"indicator": indicator, "unit": unit, "scope": scope, "period": period, "value": value}


def save_targets(conn: psycopg.Connection) -> None:
    """The demo's targets (idempotent upserts)."""
    from pipelines.kpis.source import save_target

    for t in demo_spec()["targets"]:
        save_target(conn, Target(t["indicator"], int(t["year"]), t["op"], float(t["value"]),
                                 str(t.get("scope", ANY_SCOPE)), SOURCE, str(t["unit"])))
