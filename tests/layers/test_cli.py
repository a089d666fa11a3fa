"""``ioc wards``, ``ioc map export`` and ``ioc coverage`` against a real database, with the real shared files."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import psycopg
from click.testing import CliRunner

from ioc.data import data_path
from smartward.cli import cli
from tests.layers.helpers import add_device

WARDS = "boundaries/wards_2025.geojson"
MAPPING = "boundaries/ward_mapping_pre2025_to_2025.csv"
POI = "poi/nhatrang_poi_osm.geojson"
NHA_TRANG = "22366"


def run(db_url: str, *args: str) -> str:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--database-url", db_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_wards_import_says_what_it_repaired_and_reprojected(db_url: str, tmp_path: Path) -> None:
    out = run(db_url, "wards", "import", str(data_path(WARDS)))
    assert "repaired (make_valid) feature 18 (25843 Phường Tây Nam): Self-intersection" in out
    assert "23 wards, 23 new, 0 updated, valid [2025-07-01, open)" in out
    utm = gpd.read_file(data_path(WARDS)).query("former_city == 'Thành phố Nha Trang'").to_crs(32649)
    utm.to_file(tmp_path / "nt.gpkg")
    out = run(db_url, "wards", "import", str(tmp_path / "nt.gpkg"))
    assert "reprojected from EPSG:32649 to EPSG:4326" in out and "4 wards, 0 new, 4 updated" in out
    out = run(db_url, "wards", "import-mapping", str(data_path(MAPPING)))
    assert "75 rows, 72 old wards → 23 new wards; 3 old wards split" in out


def test_broken_file_is_one_clear_error(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                    '{"code": "1", "name": "x"}, "geometry": {"type": "Point", "coordinates": [109, 12]}}]}')
    result = CliRunner().invoke(cli, ["--database-url", db_url, "wards", "import", str(path)])
    assert result.exit_code != 0
    assert "feature 0: Point is not a polygon" in str(result.exception)


def test_assign_map_export_and_coverage(db_url: str, db: psycopg.Connection, tmp_path: Path) -> None:
    run(db_url, "wards", "import", str(data_path(WARDS)))
    add_device(db, "cam-center", "camera", 109.1925, 12.2450, attrs='{"camera_type": "ptz"}')
    add_device(db, "wifi-1", "wifi", 109.1930, 12.2455)
    add_device(db, "env-1", "env", 109.1935, 12.2440)
    add_device(db, "sea", "camera", 109.40, 12.20, state="offline")
    out = run(db_url, "wards", "assign", "--date", "2025-08-01")
    assert re.search(r"outside\s*│\s*1\s*│\s*sea", out) and re.search(r"inside\s*│\s*3", out)
    html_path = tmp_path / "nt.html"
    out = run(db_url, "--lang", "en", "map", "export", "--ward", NHA_TRANG, str(html_path))
    assert "3 devices, 1 wards" in out
    html = html_path.read_text(encoding="utf-8")
    assert "Phường Nha Trang (22366)" in html and 'id="ioc-legend"' in html and "Devices: Online (3)" in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
    plotly_path = tmp_path / "nt_plotly.html"
    run(db_url, "map", "export", "--ward", NHA_TRANG, "--format", "plotly", "--theme", "dark", str(plotly_path))
    assert "scattermap" in plotly_path.read_text(encoding="utf-8")
    out = run(db_url, "coverage", "--ward", NHA_TRANG, "--poi", str(data_path(POI)), "--gaps", "3")
    assert "Phường Nha Trang" in out and "next camera sites (pois)" in out
    assert re.search(r"\d+/127", out)          # 127 of the 186 POIs lie in Phường Nha Trang
