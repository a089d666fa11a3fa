"""The old→new ward mapping in PostGIS, and the SQL-side roll-up (``ioc_roll_up_old_wards``, migration 0020)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import psycopg

from layers.ward_mapping import KEY, RollUp, read_mapping

_INSERT = """
INSERT INTO ward_mapping (old_city, old_ward, old_province, old_code, new_ward_code, weight, source)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (old_city, old_ward, new_ward_code) DO UPDATE
SET old_province = EXCLUDED.old_province, old_code = EXCLUDED.old_code, weight = EXCLUDED.weight,
    source = EXCLUDED.source, imported_at = now()
"""


def import_mapping_file(conn: psycopg.Connection, path: Path) -> int:
    return import_mapping(conn, read_mapping(path), source=path.name)


def import_mapping(conn: psycopg.Connection, mapping: pd.DataFrame, source: str) -> int:
    """Replace the rows that came from ``source`` (so a re-import is idempotent and drops rows removed since)."""
    rows = [(r.old_city, r.old_ward, r.old_province, r.old_code, r.new_ward_code,
             None if pd.isna(r.weight) else float(r.weight), source) for r in mapping.itertuples(index=False)]
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("DELETE FROM ward_mapping WHERE source = %s", [source])
        cur.executemany(_INSERT, rows)
    return len(rows)


def load_mapping(conn: psycopg.Connection) -> pd.DataFrame:
    cur = conn.execute("SELECT old_province, old_city, old_ward, old_code, new_ward_code, weight FROM ward_mapping "
                       "ORDER BY old_city, old_ward, new_ward_code")
    return pd.DataFrame(cur.fetchall(), columns=["old_province", *KEY, "old_code", "new_ward_code", "weight"])


def roll_up_in_db(conn: psycopg.Connection, figures: pd.DataFrame, value: str = "value") -> RollUp:
    """Same contract as :func:`layers.ward_mapping.roll_up`, computed by PostgreSQL from the stored mapping.

    The SQL function cannot say which old wards were unknown (it returns their sum under a NULL code), so
    ``unmatched`` here holds one row with that sum.
    """
    cur = conn.execute("SELECT new_ward_code, value FROM ioc_roll_up_old_wards(%s, %s, %s)",
                       [list(figures["old_city"]), list(figures["old_ward"]), [float(v) for v in figures[value]]])
    rows = cur.fetchall()
    matched = {code: v for code, v in rows if code is not None}
    rest = [v for code, v in rows if code is None]
    by_ward = pd.Series(matched, dtype=float, name="value").rename_axis("new_ward_code").sort_index()
    unmatched = pd.DataFrame({"old_city": [None] * len(rest), "old_ward": [None] * len(rest), "value": rest})
    return RollUp(by_ward, unmatched)
