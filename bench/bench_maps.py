"""Map rendering budget: a plotly figure of 10,000 device markers (≤ 50 ms, ≤ 0.5 MB JSON) and a folium export of
10,000 points (≤ 1 s). Pure: no database, synthetic devices spread over Nha Trang.

Rerun:  .venv/bin/python bench/bench_maps.py [--n 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from layers.build import device_layer
from layers.folium_map import export_html, folium_map
from layers.plotly_map import map_figure
from layers.style import STATES

BUDGET_FIGURE_MS, BUDGET_JSON_MB, BUDGET_FOLIUM_S = 50.0, 0.5, 1.0


def devices(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(2025)
    return gpd.GeoDataFrame(
        {"device_id": [f"cam-{i:05d}" for i in range(n)], "kind": rng.choice(["camera", "wifi", "env"], n),
         "state": rng.choice(list(STATES), n, p=[0.8, 0.08, 0.08, 0.04])},
        geometry=gpd.points_from_xy(109.15 + rng.random(n) * 0.1, 12.18 + rng.random(n) * 0.2), crs=4326)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    """(first call, later calls, result) in seconds: the first call pays plotly's lazy validator imports."""
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return runs[0], runs[1:], result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    frame = devices(args.n)
    layer_first, layer_rest, layer = timed(lambda: device_layer(frame), args.repeat)
    fig_first, fig_rest, fig = timed(lambda: map_figure(devices=layer), args.repeat)
    json_mb = len(fig.to_json()) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.html"
        fol_first, fol_rest, size = timed(lambda: export_html(folium_map(devices=layer), out), max(3, args.repeat // 2))
    fig_ms = statistics.median(fig_rest) * 1e3
    fol_s = statistics.median(fol_rest)
    print(f"devices: {args.n:,}")
    layer_ms = statistics.median(layer_rest) * 1e3
    print(f"device_layer (builder)     median {layer_ms:7.1f} ms  first {layer_first * 1e3:7.1f} ms")
    print(f"plotly map_figure          median {fig_ms:7.1f} ms  first {fig_first * 1e3:7.1f} ms"
          f"  budget {BUDGET_FIGURE_MS:.0f} ms")
    print(f"plotly figure JSON         {json_mb:7.3f} MB                          budget {BUDGET_JSON_MB} MB")
    print(f"folium build+export HTML   median {fol_s:7.3f} s   first {fol_first:7.3f} s   budget {BUDGET_FOLIUM_S} s"
          f"  ({size / 1e6:.2f} MB file)")
    ok = fig_ms <= BUDGET_FIGURE_MS and json_mb <= BUDGET_JSON_MB and fol_s <= BUDGET_FOLIUM_S
    print("within budget" if ok else "OVER BUDGET")
    print("rerun: .venv/bin/python bench/bench_maps.py [--n 10000] [--repeat 7]")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
