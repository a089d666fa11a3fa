"""Socio-economic lines budget: every KT-XH indicator of one scope (value, target, status, forecast) from the indicator
sheets of N wards, the work behind one /adoption render and one /api/v1/kpis call (≤ 500 ms for 100 wards × 8
quarters). Pure: no database; synthetic wards drawn like the demo (pipelines/kpis/demo_socio.py).

Rerun:  .venv/bin/python bench/bench_socio.py [--wards 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from pipelines.kpis import demo_socio, periods, socio
from pipelines.kpis.socio import shipped_targets

BUDGET_MS = 500.0
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2027, 1, 15, tzinfo=UTC)      # 2025-Q1 … 2026-Q4: eight quarters reported


def frames(n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    codes = [f"{90000 + i}" for i in range(n)]
    rows = demo_socio.rows(codes, NOW, TZ)
    for q in demo_socio.quarters(NOW, TZ):
        for i, code in enumerate(codes):
            people = 10_000 + 97 * i
            rows += [{"indicator": "population", "unit": "người", "scope": code, "period": q.label, "value": people},
                     {"indicator": "vneid_level2_accounts", "unit": "người", "scope": code, "period": q.label,
                      "value": int(people * 0.7)}]
    values = pd.DataFrame(rows)
    bounds = {p: periods.parse(p) for p in values["period"].unique()}
    values["period_start"] = values["period"].map(lambda p: bounds[p].start)
    values["period_end"] = values["period"].map(lambda p: bounds[p].end)
    wards = pd.DataFrame({"code": codes, "name": [f"Phường {c}" for c in codes],
                          "province": ["Tỉnh A" if i % 2 else "Tỉnh B" for i in range(n)]})
    mapping = pd.DataFrame(columns=["old_city", "old_ward", "new_ward_code", "weight"])
    return values, wards, mapping


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wards", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    values, wards, mapping = frames(args.wards)
    targets = list(shipped_targets())
    ok = True
    for scope in (None, "Tỉnh A"):
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = socio.lines(values, mapping, wards, targets, scope, periods.parse("2026"), NOW, TZ)
            runs.append(1000 * (time.perf_counter() - start))
        median = statistics.median(runs)
        ok &= median <= BUDGET_MS
        print(f"socio lines, {args.wards} wards × {values['period'].nunique()} quarters, {len(values)} rows, scope "
              f"{scope or '*'}: {len(found)} indicators, median {median:.0f} ms (first {runs[0]:.0f}; budget "
              f"{BUDGET_MS:.0f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
