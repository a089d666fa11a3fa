"""Online support points: the CSV import on the real database (good rows loaded, each bad one with its line and
field, a re-import updates), the ``ioc support-points`` command, and the points on the ward's public page."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from click.testing import CliRunner
from psycopg_pool import ConnectionPool

from ioc.config import Settings
from pipelines.public import support_points
from tests.reports.public_site import WARD, fetch, serving

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "public" / "support_points.csv"


def test_the_import_loads_good_rows_and_names_each_bad_one(db: psycopg.Connection,
                                                            wards: dict[str, tuple[float, float]]) -> None:
    done, problems = support_points.import_file(db, FIXTURE)
    assert done == 3
    assert [str(p) for p in problems] == [
        "line 5, kind: 'kiosk' is not one of cafe, digital_team, one_stop",
        "line 6, lat/lon: 109.19, 12.28 is outside Vietnam (lat and lon swapped?)",
        "line 7, ward_code: no current ward '99999'",
        "line 8, name: empty",
    ]
    kinds = dict(db.execute("SELECT name, kind FROM support_points").fetchall())
    assert kinds["Cà phê dịch vụ công Vĩnh Phước"] == "cafe"          # the Vietnamese kind name is understood
    again, _ = support_points.import_file(db, FIXTURE)                 # keyed by ward and name: updated, not doubled
    assert again == 3 and db.execute("SELECT count(*) FROM support_points").fetchone() == (3,)


def test_a_file_without_a_needed_column_is_refused_whole() -> None:
    points, problems = support_points.parse("ward_code,name,lat\n22333,A,12.3\n")
    assert points == [] and [str(p) for p in problems] == ["line 1, kind: column missing from the header",
                                                           "line 1, lon: column missing from the header"]


def test_the_command_prints_each_refused_row_and_fails(db_url: str, db: psycopg.Connection,
                                                       wards: dict[str, tuple[float, float]]) -> None:
    from smartward.cli import cli

    db.commit()
    result = CliRunner().invoke(cli, ["--database-url", db_url, "support-points", "import", str(FIXTURE)])
    assert result.exit_code != 0
    assert "support_points.csv: line 5, kind:" in result.output and "3 support points loaded" in result.output
    listed = CliRunner().invoke(cli, ["--database-url", db_url, "support-points", "list", WARD])
    assert listed.exit_code == 0 and "Bộ phận một cửa phường Bắc Nha Trang" in listed.output


def test_the_ward_page_shows_its_support_points(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                                settings: Settings, pool: ConnectionPool) -> None:
    support_points.import_file(db, FIXTURE)
    db.commit()
    with serving(settings, pool) as base:
        html = fetch(base + f"/public/{WARD}")[2]
        assert "Điểm hỗ trợ dịch vụ công trực tuyến" in html and "Cà phê dịch vụ công Vĩnh Phước" in html
        assert html.count('class="pub-map-support"') == 3
        data = json.loads(fetch(base + f"/public/{WARD}.json?lang=en")[2])
        assert {p["kind"] for p in data["support_points"]} == {"cafe", "digital_team", "one_stop"}
        assert "Online public service support points" in fetch(base + f"/public/{WARD}?lang=en")[2]
