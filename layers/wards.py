"""Ward boundaries into PostGIS: one row per ward and validity period, upserted on (code, valid_from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg

from ioc.errors import ImportDataError
from layers.wardfile import Fields, WardFile, read_ward_file

# Vietnam's two-tier local government (communes merged, districts abolished) took effect on this day.
MERGER_DATE = date(2025, 7, 1)

_UPSERT = """
INSERT INTO wards (code, name, province, geom, valid_from, valid_to, former_city, source)
VALUES (%(code)s, %(name)s, %(province)s, ST_Multi(ST_GeomFromWKB(%(wkb)s, 4326)), %(valid_from)s, %(valid_to)s,
        %(former_city)s, %(source)s)
ON CONFLICT (code, valid_from) DO UPDATE
SET name = EXCLUDED.name, province = EXCLUDED.province, geom = EXCLUDED.geom, valid_to = EXCLUDED.valid_to,
    former_city = EXCLUDED.former_city, source = EXCLUDED.source, imported_at = now()
RETURNING (xmax = 0) AS inserted
"""


@dataclass(frozen=True)
class WardImport:
    """What an import did; ``file`` says what was repaired or reprojected on the way."""

    file: WardFile
    inserted: int
    updated: int
    valid_from: date
    valid_to: date | None


def import_wards_file(conn: psycopg.Connection, path: Path, *, fields: Fields | None = None,
                      valid_from: date = MERGER_DATE, valid_to: date | None = None,
                      assume_crs: str | None = None) -> WardImport:
    """Read, check and upsert a boundary file in one transaction (all wards or none)."""
    return import_wards(conn, read_ward_file(path, fields, assume_crs), valid_from=valid_from, valid_to=valid_to)


def import_wards(conn: psycopg.Connection, ward_file: WardFile, *, valid_from: date = MERGER_DATE,
                 valid_to: date | None = None) -> WardImport:
    if valid_to is not None and valid_to <= valid_from:
        raise ImportDataError(f"{ward_file.source}: --valid-to {valid_to} must be after --valid-from {valid_from}")
    inserted = 0
    with conn.transaction(), conn.cursor() as cur:
        for row in ward_file.wards.itertuples(index=False):
            params = {"code": row.code, "name": row.name, "province": row.province, "wkb": row.geometry.wkb,
                      "valid_from": valid_from, "valid_to": valid_to, "former_city": row.former_city,
                      "source": ward_file.source}
            try:
                cur.execute(_UPSERT, params)
            except psycopg.errors.ExclusionViolation as exc:
                raise ImportDataError(
                    f"{ward_file.source}: ward {row.code} already has a boundary whose validity overlaps "
                    f"[{valid_from}, {valid_to or 'open'}); close the old one (set its valid_to) or import with "
                    "--valid-from matching it") from exc
            fetched = cur.fetchone()
            inserted += bool(fetched and fetched[0])
    total = len(ward_file.wards)
    return WardImport(ward_file, inserted, total - inserted, valid_from, valid_to)
