"""Writing the synthetic demo files and loading the real ward geography they are drawn for."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from ioc.data import data_path
from pipelines.kpis import demo

WARDS = "boundaries/wards_2025.geojson"
MAPPING = "boundaries/ward_mapping_pre2025_to_2025.csv"


def generate(out: Path, now: datetime, tz: ZoneInfo, scale: float = 1.0) -> list[Path]:
    return demo.write_files(out, demo.places(data_path(WARDS), data_path(MAPPING)), now, tz, scale)


def load_geography(conn: psycopg.Connection) -> None:
    """The real 2025 wards and the old→new mapping (idempotent upserts, as ``ioc demo-data`` does)."""
    from layers.ward_mapping import read_mapping
    from layers.ward_mapping_db import import_mapping
    from layers.wardfile import Fields
    from layers.wards import import_wards_file

    import_wards_file(conn, data_path(WARDS), fields=Fields(None, None, None, None), valid_from=date(2025, 7, 1),
                      valid_to=None, assume_crs=None)
    mapping = data_path(MAPPING)
    import_mapping(conn, read_mapping(mapping), source=mapping.name)
