"""``ioc map export`` on a database holding only wards of another time says which dates they cover and how to ask
for one, not that no wards are loaded."""

from __future__ import annotations

from pathlib import Path

import psycopg
from click.testing import CliRunner

from smartward.cli import cli


def test_map_export_names_the_dates_the_loaded_wards_cover(db_url: str, db: psycopg.Connection,
                                                            tmp_path: Path) -> None:
    db.execute("""INSERT INTO wards (code, name, province, geom, valid_from, valid_to, source)
                  VALUES ('22345', 'Phường Lộc Thọ', 'Tỉnh Khánh Hòa',
                          ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(109.19, 12.24), 4326), 0.01)),
                          '2008-01-01', '2025-07-01', 'test')""")
    db.commit()
    result = CliRunner().invoke(cli, ["--database-url", db_url, "map", "export", f"{tmp_path}/map.html"])
    assert result.exit_code != 0
    message = str(result.exception)
    assert "no wards are loaded" not in message
    assert "the 1 loaded wards cover [2008-01-01, 2025-07-01)" in message and "--date 2025-06-30" in message
    ok = CliRunner().invoke(cli, ["--database-url", db_url, "map", "export", "--date", "2025-06-30",
                                  f"{tmp_path}/map.html"])
    assert ok.exit_code == 0, ok.output
