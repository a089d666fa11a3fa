"""The SYNTHETIC KPI demo data set: drawn from the declared, seeded model in ``data/kpis/model.yaml``.

Every ward's parameters come from a generator seeded with (seed, ward code) and every month's dossiers from one
seeded with (seed, ward code, month), so a ward's January never changes when a month is added or a ward is left
out, and re-running gives the same dossier ids: re-importing updates, never duplicates. Dossiers that end after
``now`` are written as still in progress. The frames have exactly the columns of the import files, and the demo
goes through the same importer as real files. Nothing here is a real figure of a real ward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import yaml

from ioc.data import data_path
from pipelines.kpis import demo_rows, demo_socio, periods

MODEL = "kpis/model.yaml"  # a shipped data file (ioc.data)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    province: str
    old_wards: tuple[tuple[str, str], ...]   # (old_city, old_ward) that merged into it


def load_model(path: Path | None = None) -> dict[str, Any]:
    with (path or data_path(MODEL)).open(encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh))


def months(model: dict[str, Any], now: datetime, tz: ZoneInfo) -> list[date]:
    first = periods.parse(str(model["start"])).start
    end = str(model["end"])
    last = periods.add_months(now.astimezone(tz).date(), 0) if end == "current" else periods.parse(end).start
    return [first] + [periods.add_months(first, i) for i in range(1, _between(first, last) + 1)]


def _between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def catalogue(model: dict[str, Any]) -> pd.DataFrame:
    """The procedure catalogue (import-file columns) plus ``due_days``, ``fee`` and ``weight`` for drawing."""
    spec = model["catalogue"]
    rng = np.random.default_rng([model["seed"], 0])
    levels = np.concatenate([np.full(n, int(lv)) for lv, n in sorted(spec["levels"].items())])
    rng.shuffle(levels)
    # the most used procedures are online-capable, as in practice: the first 12 (most popular) are levels 3-4
    capable, level2 = levels[levels != 2], levels[levels == 2]
    tail = np.concatenate([capable[12:], level2])
    rng.shuffle(tail)
    levels = np.concatenate([capable[:12], tail])
    n = len(levels)
    fields = np.array(spec["fields"])[rng.integers(0, len(spec["fields"]), n)]
    rank = np.arange(1, n + 1)
    weight = 1.0 / rank ** float(spec["popularity_exponent"])
    names = demo_rows.procedure_names(fields)
    lo, hi = spec["due_days"]
    return pd.DataFrame({
        "code": [f"DEMO.{i:03d}" for i in rank], "name": names, "field": fields, "level": levels,
        "fee_bearing": rng.random(n) < float(spec["fee_bearing_share"]),
        "paper_result": rng.random(n) < float(spec["paper_result_share"]),
        "due_days": rng.integers(lo, hi + 1, n), "fee": rng.integers(1, 11, n) * 10_000,
        "weight": weight / weight.sum()})


def ward_rates(model: dict[str, Any], code: str) -> dict[str, tuple[float, float]]:
    """(start, trend per month) of every modelled rate of one ward."""
    rng = np.random.default_rng([model["seed"], int(code), 1])
    return {name: (float(rng.uniform(*r["start"])), float(rng.uniform(*r["trend"])))
            for name, r in model["rates"].items()}


def rate_at(model: dict[str, Any], params: tuple[float, float], step: int, rng: np.random.Generator) -> float:
    start, trend = params
    return float(np.clip(start + trend * step + rng.normal(0, float(model["noise"])), 0.0, 1.0))


def dossiers(model: dict[str, Any], places: list[Place], now: datetime, tz: ZoneInfo,
             scale: float = 1.0) -> pd.DataFrame:
    cat = catalogue(model)
    frames = []
    all_months = months(model, now, tz)
    for place in places:
        params = ward_rates(model, place.code)
        rng_w = np.random.default_rng([model["seed"], int(place.code), 2])
        mean = float(rng_w.uniform(*model["volume"]["monthly_mean"])) * scale
        for step, month in enumerate(all_months):
            rng = np.random.default_rng([model["seed"], int(place.code), month.year * 12 + month.month])
            rates = {k: rate_at(model, p, step, rng) for k, p in params.items()}
            n = int(rng.poisson(mean * model["volume"]["season"][month.month - 1]))
            frames.append(demo_rows.month_of_dossiers(model, cat, place, month, n, rates, rng, tz))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return demo_rows.as_of(out, now)


def procedures_file(model: dict[str, Any]) -> pd.DataFrame:
    return catalogue(model)[["code", "name", "field", "level", "fee_bearing", "paper_result"]]


def monthly_sheets(model: dict[str, Any], places: list[Place], now: datetime, tz: ZoneInfo,
                   scale: float = 1.0) -> pd.DataFrame:
    spec = model["monthly_sheets"]
    rows = []
    for place in (p for p in places if p.code in spec["wards"]):
        params = ward_rates(model, place.code)
        rng_w = np.random.default_rng([model["seed"], int(place.code), 3])
        mean = float(rng_w.uniform(*spec["monthly_mean"])) * scale
        for step, month in enumerate(months(model, now, tz)):
            rng = np.random.default_rng([model["seed"], int(place.code), month.year * 12 + month.month, 3])
            rates = {k: rate_at(model, p, step, rng) for k, p in params.items()}
            rows.append(demo_rows.sheet_row(model, place, month, int(rng.poisson(mean)), rates, rng))
    return pd.DataFrame(rows)


def indicator_sheet(model: dict[str, Any], places: list[Place], now: datetime, tz: ZoneInfo) -> pd.DataFrame:
    return pd.DataFrame(demo_rows.adoption_rows(model, places, now, tz) + demo_rows.other_rows(model, places, now, tz)
                        + demo_socio.rows([p.code for p in places], now, tz))


def write_files(out: Path, places: list[Place], now: datetime, tz: ZoneInfo, scale: float = 1.0,
                model: dict[str, Any] | None = None) -> list[Path]:
    """The four demo files in ``out``, in import order: catalogue and dossiers as CSV, the sheets as XLSX."""
    model = model or load_model()
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "procedures.csv", out / "dossiers.csv", out / "monthly_sheets.xlsx", out / "indicators.xlsx"]
    procedures_file(model).to_csv(files[0], index=False)
    dossiers(model, places, now, tz, scale).to_csv(files[1], index=False)
    monthly_sheets(model, places, now, tz, scale).to_excel(files[2], index=False)
    indicator_sheet(model, places, now, tz).to_excel(files[3], index=False)
    return files


def places(wards_geojson: Path, mapping_csv: Path) -> list[Place]:
    """The real 2025 wards of the shipped GeoJSON with the pre-2025 wards the mapping merges into each."""
    import json

    from layers.ward_mapping import read_mapping

    mapping = read_mapping(mapping_csv)
    features = json.loads(wards_geojson.read_text(encoding="utf-8"))["features"]
    out = []
    for f in features:
        p = f["properties"]
        code = str(p["new_ward_code"])
        old = mapping[mapping["new_ward_code"] == code]
        out.append(Place(code, p["new_ward_name"], p["new_province_name"],
                         tuple(zip(old["old_city"], old["old_ward"], strict=True))))
    return sorted(out, key=lambda pl: pl.code)
