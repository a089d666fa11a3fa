"""The SYNTHETIC 766 monthly figures sheet of the demo: every demo ward, every month up to the last complete one,
drawn from ``decision766`` in ``data/kpis/model.yaml`` with the model's seed. Nothing here is a real figure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.kpis import demo, periods
from pipelines.kpis.decision766.figures import COLUMNS

FILE = "figures_766.csv"


def sheet(model: dict[str, Any], places: list[demo.Place], now: datetime, tz: ZoneInfo) -> pd.DataFrame:
    spec = model["decision766"]
    this_month = periods.add_months(now.astimezone(tz).date(), 0)
    months = [m for m in demo.months(model, now, tz) if m < this_month]
    rows = []
    for place in places:
        for n, (ind, f) in enumerate(spec["figures"].items()):
            rng_w = np.random.default_rng([model["seed"], int(place.code), 766, n])
            rate = float(rng_w.uniform(*f["rate"]))
            fixed = int(rng_w.integers(f["denominator"][0], f["denominator"][1] + 1))
            for m in months:
                rng = np.random.default_rng([model["seed"], int(place.code), 766, n, m.year * 12 + m.month])
                den = fixed if f.get("snapshot") else int(rng.integers(f["denominator"][0], f["denominator"][1] + 1))
                r = float(np.clip(rate + rng.normal(0, float(spec["noise"])), 0.0, 1.0))
                num = int(rng.binomial(den, r)) if den else 0
                second = int(round(den * rng.uniform(*f["second"]))) if "second" in f else None
                rows.append(
                    {
                        "unit": spec["unit"],
                        "ward_code": place.code,
                        "month": f"{m:%Y-%m}",
                        "indicator": ind,
                        "numerator": num,
                        "denominator": den,
                        "denominator_2": second,
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def write(out: Path, places: list[demo.Place], now: datetime, tz: ZoneInfo) -> Path:
    path = out / FILE
    out.mkdir(parents=True, exist_ok=True)
    sheet(demo.load_model(), places, now, tz).to_csv(path, index=False)
    return path


def generate(out: Path, now: datetime, tz: ZoneInfo) -> Path:
    """The demo figures sheet for the real 2025 wards (as ``ioc kpis demo-data`` draws them)."""
    from ioc.data import data_path
    from pipelines.kpis.demo_load import MAPPING, WARDS

    return write(out, demo.places(data_path(WARDS), data_path(MAPPING)), now, tz)
