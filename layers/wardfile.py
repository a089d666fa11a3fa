"""Ward boundary files (GeoJSON, GeoPackage, Shapefile) to a checked frame of MultiPolygons in EPSG:4326.

Reading is the only I/O here; :func:`prepare` is pure. A file with any unusable feature is refused whole, with every
bad feature's index and reason: a ward silently missing would push its devices "outside every ward".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from ioc.errors import ImportDataError
from layers.crs import WGS84

# Column names tried in order when no field is given; the first set matches data/boundaries/wards_2025.geojson.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("new_ward_code", "code", "ward_code", "ma_xa", "ma"),
    "name": ("new_ward_name", "name", "ward_name", "ten_xa", "ten"),
    "province": ("new_province_name", "province", "province_name", "ten_tinh"),
    "former_city": ("former_city",),
}
_POLYGONAL = ("Polygon", "MultiPolygon")
_SHOWN_ERRORS = 20


@dataclass(frozen=True)
class Fields:
    """Which file column holds each ward attribute; None: the first of :data:`DEFAULT_FIELDS` present."""

    code: str | None = None
    name: str | None = None
    province: str | None = None
    former_city: str | None = None


@dataclass(frozen=True)
class WardFile:
    """Checked wards: columns code, name, province, former_city, geometry (MultiPolygon, EPSG:4326)."""

    wards: gpd.GeoDataFrame
    source: str
    repaired: tuple[str, ...] = ()          # "feature 18 (25843 Phường Tây Nam): Self-intersection[…]"
    reprojected_from: str | None = None     # the file's CRS when it was not EPSG:4326


def read_ward_file(path: Path, fields: Fields | None = None, assume_crs: str | None = None) -> WardFile:
    """Read and check a boundary file. ``assume_crs`` applies only to a file that declares no CRS."""
    if not path.is_file():
        raise ImportDataError(f"{path}: no such file")
    try:
        raw = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ... for unreadable files
        raise ImportDataError(f"{path}: cannot be read as GeoJSON, GeoPackage or Shapefile: {exc}") from exc
    if raw.crs is None and assume_crs:
        raw = raw.set_crs(_parse_crs(assume_crs, path))
    return prepare(raw, fields or Fields(), source=path.name)


def _parse_crs(text: str, path: Path) -> CRS:
    try:
        return CRS.from_user_input(text)
    except Exception as exc:  # pyproj.exceptions.CRSError
        raise ImportDataError(f"{path}: --crs {text!r} is not a CRS pyproj knows") from exc


def prepare(raw: gpd.GeoDataFrame, fields: Fields, source: str) -> WardFile:
    """Map columns, refuse bad features, reproject to EPSG:4326 and repair invalid polygons."""
    if raw.crs is None:
        raise ImportDataError(f"{source}: the file declares no CRS; give it with --crs (e.g. --crs EPSG:32649)")
    columns = {attr: _column(raw, attr, getattr(fields, attr), source) for attr in DEFAULT_FIELDS}
    errors = _feature_errors(raw, columns)
    if errors:
        shown = "; ".join(errors[:_SHOWN_ERRORS]) + ("; …" if len(errors) > _SHOWN_ERRORS else "")
        raise ImportDataError(f"{source}: {len(errors)} feature(s) rejected, nothing imported: {shown}")
    crs = CRS.from_user_input(raw.crs)
    reprojected_from = None if crs.equals(WGS84) else crs.to_string()
    wgs = raw if reprojected_from is None else raw.to_crs(WGS84)
    wards = gpd.GeoDataFrame({attr: _text(wgs, col) for attr, col in columns.items()},
                             geometry=wgs.geometry.values, crs=WGS84)
    repaired, errors = _repair(wards)
    if errors:
        raise ImportDataError(f"{source}: {len(errors)} feature(s) rejected, nothing imported: {'; '.join(errors)}")
    return WardFile(wards, source, tuple(repaired), reprojected_from)


def _column(raw: gpd.GeoDataFrame, attr: str, given: str | None, source: str) -> str | None:
    if given is not None:
        if given not in raw.columns:
            raise ImportDataError(f"{source}: no column {given!r} for the ward {attr}; columns: {_names(raw)}")
        return given
    found = next((c for c in DEFAULT_FIELDS[attr] if c in raw.columns), None)
    if found is None and attr in ("code", "name"):
        raise ImportDataError(f"{source}: no ward {attr} column (tried {', '.join(DEFAULT_FIELDS[attr])}); "
                              f"name it with --{attr}-field; columns: {_names(raw)}")
    return found


def _names(raw: gpd.GeoDataFrame) -> str:
    return ", ".join(str(c) for c in raw.columns if c != raw.geometry.name)


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series([None] * len(frame), dtype=object)
    return frame[column].map(_clean).reset_index(drop=True)


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _feature_errors(raw: gpd.GeoDataFrame, columns: dict[str, str | None]) -> list[str]:
    errors: list[str] = []
    first_of: dict[str, int] = {}
    codes = _text(raw, columns["code"])
    names = _text(raw, columns["name"])
    for i, geom in enumerate(raw.geometry.values):
        problem = _geometry_problem(geom) or _attribute_problem(codes[i], names[i], columns)
        code = codes[i]
        if problem is None and code is not None and code in first_of:
            problem = f"code {code} repeats feature {first_of[code]}"
        if problem:
            errors.append(f"feature {i}: {problem}")
        elif code is not None:
            first_of[code] = i
    return errors


def _geometry_problem(geom: BaseGeometry | None) -> str | None:
    if geom is None or geom.is_empty:
        return "empty geometry"
    if geom.geom_type not in _POLYGONAL:
        return f"{geom.geom_type} is not a polygon"
    return None


def _attribute_problem(code: str | None, name: str | None, columns: dict[str, str | None]) -> str | None:
    if code is None:
        return f"no ward code in column {columns['code']!r}"
    if name is None:
        return f"no ward name in column {columns['name']!r}"
    return None


def _repair(wards: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    """Make invalid polygons valid in place (in EPSG:4326, what is stored): what was repaired and why, and errors."""
    repaired, errors = [], []
    geoms = list(wards.geometry.values)
    for i, geom in enumerate(geoms):
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geoms[i] = _polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))
            repaired.append(f"feature {i} ({wards.at[i, 'code']} {wards.at[i, 'name']}): {reason}")
        else:
            geoms[i] = _polygonal(geom)
        if geoms[i].is_empty:
            errors.append(f"feature {i}: no area left after repairing it")
    wards.set_geometry(gpd.GeoSeries(geoms, crs=WGS84), inplace=True)
    return repaired, errors


def _polygonal(geom: BaseGeometry) -> MultiPolygon:
    """Only the polygon parts, as one MultiPolygon (the column type of ``wards.geom``)."""
    parts: Sequence[BaseGeometry] = shapely.get_parts(geom)
    polygons = [p for part in parts for p in _polygons(part)]
    return MultiPolygon(polygons)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return []
