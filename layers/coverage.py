"""Camera and wifi coverage per ward, and where the next camera would cover the most (pure).

All distances and areas are computed in one metric CRS, the UTM zone of the wards (EPSG:32648 west of 108°E,
EPSG:32649 east of it; see :func:`layers.crs.metric_crs`). Inputs may be in any CRS and are converted explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from layers.crs import to_metric

QUAD_SEGS = 16  # 64 segments per circle: the buffer's area is within 0.2 % of π·r²


@dataclass(frozen=True)
class CoverageSpec:
    """Radii in metres: per camera type (attrs.camera_type; unknown types use ``default_camera_type``) and wifi."""

    camera_radii: Mapping[str, float] = field(default_factory=lambda: {"fixed": 60.0, "ptz": 150.0})
    hotspot_radius: float = 100.0
    default_camera_type: str = "fixed"

    def radius(self, kind: str, camera_type: str | None) -> float | None:
        if kind == "wifi":
            return self.hotspot_radius
        if kind == "camera":
            if camera_type is not None and camera_type in self.camera_radii:
                return self.camera_radii[camera_type]
            return self.camera_radii[self.default_camera_type]
        return None


def coverage_areas(devices: gpd.GeoDataFrame, spec: CoverageSpec, crs: CRS) -> gpd.GeoDataFrame:
    """One buffer per camera and wifi access point, in ``crs`` (metric): device_id, layer, radius_m, geometry."""
    metric = to_metric(devices, "devices", crs)
    camera_type = metric["camera_type"] if "camera_type" in metric.columns else pd.Series(None, index=metric.index)
    radii = [spec.radius(k, t if isinstance(t, str) else None) for k, t in zip(metric["kind"], camera_type,
                                                                                 strict=True)]
    keep = np.array([r is not None for r in radii], dtype=bool)
    radius = np.array([r for r in radii if r is not None], dtype=float)
    points = metric.geometry.values[keep]
    return gpd.GeoDataFrame({"device_id": metric["device_id"].to_numpy()[keep],
                             "layer": metric["kind"].to_numpy()[keep], "radius_m": radius},
                            geometry=shapely.buffer(points, radius, quad_segs=QUAD_SEGS), crs=crs)


def ward_coverage(wards: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, reports: gpd.GeoDataFrame | None = None,
                  pois: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per ward: area_km2, covered_km2, area_pct, and for reports and POIs: total, covered, pct (NaN when none).

    Everything is computed in the CRS of ``areas`` (metric).
    """
    crs = areas.crs
    w = to_metric(wards, "wards", crs)
    union = areas.union_all() if len(areas) else shapely.Polygon()
    covered = shapely.intersection(w.geometry.values, union)
    out = pd.DataFrame({"code": w["code"].to_numpy(), "name": w["name"].to_numpy(),
                        "area_km2": w.geometry.area.to_numpy() / 1e6, "covered_km2": shapely.area(covered) / 1e6})
    out["area_pct"] = 100 * out["covered_km2"] / out["area_km2"]
    for prefix, points in (("reports", reports), ("pois", pois)):
        total, inside = _point_counts(w, union, points, crs)
        out[prefix], out[f"{prefix}_covered"] = total, inside
        out[f"{prefix}_pct"] = np.where(total > 0, 100 * inside / np.maximum(total, 1), np.nan)
    return out


def _point_counts(w: gpd.GeoDataFrame, union: shapely.Geometry, points: gpd.GeoDataFrame | None,
                  crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    if points is None or not len(points):
        return np.zeros(len(w), dtype=int), np.zeros(len(w), dtype=int)
    p = to_metric(points, "points", crs).geometry.values
    is_covered = shapely.covers(union, p)
    tree = shapely.STRtree(p)
    total, inside = np.zeros(len(w), dtype=int), np.zeros(len(w), dtype=int)
    for i, geom in enumerate(w.geometry.values):
        hits = tree.query(geom, predicate="covers")
        total[i], inside[i] = len(hits), int(is_covered[hits].sum())
    return total, inside


def uncovered(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The points outside every buffer, in the CRS of ``areas``."""
    p = to_metric(points, "points", areas.crs)
    if not len(areas):
        return p
    return p[~shapely.covers(areas.union_all(), p.geometry.values)]


def gaps(targets: gpd.GeoDataFrame, radius_m: float, k: int = 5,
         candidates: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Greedy maximum coverage: up to ``k`` camera sites, each covering the most targets not yet covered.

    ``targets`` are the uncovered points (reports or POIs) in a metric CRS; ``candidates`` default to the targets
    themselves. Ties go to the first candidate. Returns rank, covers (new targets), covered_total, radius_m,
    geometry (in the targets' CRS); stops early when no candidate covers anything new.
    """
    crs = targets.crs
    t = targets.geometry.values
    c = (to_metric(candidates, "candidates", crs) if candidates is not None else targets).geometry.values
    cand_idx, target_idx = shapely.STRtree(t).query(c, predicate="dwithin", distance=radius_m)
    reach = [target_idx[cand_idx == i] for i in range(len(c))]
    done = np.zeros(len(t), dtype=bool)
    rows: list[tuple[int, int, int, float, shapely.Geometry]] = []
    for rank in range(1, k + 1):
        gains = np.array([int((~done[r]).sum()) for r in reach]) if reach else np.array([0])
        best = int(np.argmax(gains))
        if gains[best] == 0:
            break
        done[reach[best]] = True
        rows.append((rank, int(gains[best]), int(done.sum()), float(radius_m), c[best]))
    return gpd.GeoDataFrame(rows, columns=["rank", "covers", "covered_total", "radius_m", "geometry"],
                            geometry="geometry", crs=crs)
