"""Everything one map or coverage table shows, gathered from PostGIS and files, then built and analysed.

The one place that combines loaders (I/O) with builders and analysis (pure), for the CLI and the dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg

from ioc.errors import ImportDataError
from layers import build, coverage, sources
from layers.crs import metric_crs, require_crs


@dataclass(frozen=True)
class Scene:
    """Built layers (EPSG:4326) plus the coverage analysis (metric CRS ``crs``)."""

    wards: gpd.GeoDataFrame
    devices: gpd.GeoDataFrame
    aqi: gpd.GeoDataFrame
    wifi: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame | None
    areas: gpd.GeoDataFrame            # coverage buffers: device_id, layer (camera | wifi), radius_m
    table: pd.DataFrame                # per ward and layer: see coverage.ward_coverage
    gaps: gpd.GeoDataFrame
    gap_source: str                    # "reports", "pois" or "none": what the gaps try to cover


def read_points(path: Path, what: str) -> gpd.GeoDataFrame:
    """A point file (GeoJSON, GeoPackage, Shapefile) that must declare its CRS."""
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        raise ImportDataError(f"{path}: cannot read the {what} file: {exc}") from exc
    require_crs(frame, f"{path} ({what})")
    points = frame[frame.geometry.notna() & (frame.geometry.geom_type == "Point")]
    if len(points) < len(frame):
        raise ImportDataError(f"{path}: {len(frame) - len(points)} {what} feature(s) are not points")
    return points


def gather(conn: psycopg.Connection, *, ward_code: str | None = None, on_date: date | None = None,
           spec: coverage.CoverageSpec | None = None, pois: gpd.GeoDataFrame | None = None,
           reports: gpd.GeoDataFrame | None = None, gap_count: int = 5, lang: str = "vi") -> Scene:
    wards = sources.load_wards(conn, on_date, [ward_code] if ward_code else None)
    if wards.empty:
        raise ImportDataError(f"no ward {ward_code} valid on {on_date or 'today'}" if ward_code
                              else "no wards are loaded: run `ioc wards import FILE` first")
    devices = sources.load_devices(conn, ward_code=ward_code, on_date=on_date)
    crs = metric_crs(wards, "wards")
    spec = spec or coverage.CoverageSpec()
    areas = coverage.coverage_areas(devices, spec, crs)
    table = _table(wards, areas, reports, pois)
    targets, gap_source = _gap_targets(areas, reports, pois, wards, crs)
    radius = spec.camera_radii[spec.default_camera_type]
    gaps = coverage.gaps(targets, radius, gap_count) if targets is not None else _no_gaps(crs)
    return Scene(
        wards=build.ward_layer(wards, table.set_index("code")["camera_area_pct"], "camera %"),
        devices=build.device_layer(devices),
        aqi=build.aqi_layer(sources.load_air_quality(conn, ward_code=ward_code, on_date=on_date), lang),
        wifi=build.wifi_layer(sources.load_wifi_load(conn, ward_code=ward_code, on_date=on_date), lang),
        reports=build.report_layer(reports, lang) if reports is not None else None,
        areas=areas, table=table, gaps=gaps, gap_source=gap_source)


def _table(wards: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, reports: gpd.GeoDataFrame | None,
           pois: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Camera coverage (area, reports, POIs) with the wifi area share beside it."""
    camera = coverage.ward_coverage(wards, areas[areas["layer"] == "camera"], reports=reports, pois=pois)
    wifi = coverage.ward_coverage(wards, areas[areas["layer"] == "wifi"])
    camera = camera.rename(columns={"covered_km2": "camera_km2", "area_pct": "camera_area_pct"})
    camera["wifi_km2"], camera["wifi_area_pct"] = wifi["covered_km2"], wifi["area_pct"]
    return camera


def _gap_targets(areas: gpd.GeoDataFrame, reports: gpd.GeoDataFrame | None, pois: gpd.GeoDataFrame | None,
                 wards: gpd.GeoDataFrame, crs: object) -> tuple[gpd.GeoDataFrame | None, str]:
    cameras = areas[areas["layer"] == "camera"]
    for name, points in (("reports", reports), ("pois", pois)):
        if points is not None and len(points):
            inside = gpd.sjoin(points.to_crs(wards.crs), wards[["geometry"]], predicate="within").index.unique()
            return coverage.uncovered(points.loc[inside], cameras), name
    return None, "none"


def _no_gaps(crs: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"rank": [], "covers": [], "covered_total": [], "radius_m": []},
                            geometry=gpd.GeoSeries([], crs=crs), crs=crs)
