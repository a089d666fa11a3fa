"""``ioc kpis import``: each of the four kinds, as CSV and as XLSX, with bad rows reported by line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from ioc.errors import ImportDataError
from pipelines.kpis.importer import import_file
from pipelines.kpis.indicators import COUNTS
from smartward.cli import cli
from tests.kpis.support import DOSSIER_HEADER, TZ, add_mapping, add_procedure, add_ward, csv_text, dossier, local
from tests.support import count

GOOD_DOSSIER = dossier(dossier_id="G-1")
MONTHLY_HEADER = ["unit", "ward_code", "old_city", "old_ward", "month", *COUNTS]


def _monthly(**kw: Any) -> list[Any]:
    counts = {c: 0 for c in COUNTS} | {"received": 10, "online": 6, "on_time_766": 9, "overdue": 1} | kw
    return ["Chi nhánh VPĐKĐĐ", "25210", "", "", kw.pop("month", "2025-03"), *[counts[c] for c in COUNTS]]


CASES: dict[str, tuple[str, list[str], list[list[Any]], set[tuple[int, str]], str]] = {
    "procedures": ("kpi_procedures", ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "muc_do", "co_phi"], [
        ["1.001", "Đăng ký khai sinh", "Hộ tịch", "4", "không"],
        ["1.002", "Đăng ký kết hôn", "Hộ tịch", "5", "có"],                 # line 3: no level 5
        ["1.003", "", "Hộ tịch", "3", "có"],                               # line 4: no name
    ], {(3, "level"), (4, "name")}, "procedures"),
    "dossiers": ("kpi_dossiers", DOSSIER_HEADER, [
        [GOOD_DOSSIER.get(h) for h in DOSSIER_HEADER],
        [dossier(dossier_id="B-1", channel="fax").get(h) for h in DOSSIER_HEADER],              # line 3
        [dossier(dossier_id="B-2").get(h) if h != "received_at" else "31/02/2025 08:00"
         for h in DOSSIER_HEADER],                                                              # line 4
    ], {(3, "channel"), (4, "received_at")}, "dossiers"),
    "monthly": ("kpi_monthly_reports", MONTHLY_HEADER, [
        _monthly(), _monthly(online=11, month="2025-04"), _monthly(month="2025-13"),
    ], {(3, "online"), (4, "month")}, "monthly"),
    "indicators": ("kpi_indicator_values", ["chi_tieu", "don_vi_tinh", "pham_vi", "ky", "gia_tri"], [
        ["population", "người", "25210", "2025-Q2", "15438"],
        ["smartphone_owners", "người", "25210/Khu phố 1", "2025-Q2", "abc"],
        ["smartphone_owners", "người", "25210", "2025-Q5", "14000"],
    ], {(3, "value"), (4, "period")}, "indicators"),
}


def write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    if path.suffix == ".xlsx":
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(header)
        for r in rows:
            ws.append([v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v.tzinfo else v for v in r])
        wb.save(path)
    else:
        path.write_text(csv_text([dict(zip(header, r, strict=True)) for r in rows], header), encoding="utf-8")
    return path


@pytest.fixture
def ready(db: psycopg.Connection) -> psycopg.Connection:
    add_ward(db)
    add_mapping(db)
    add_procedure(db)
    return db


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_is_detected_and_bad_rows_are_reported_by_line_and_field(
        ready: psycopg.Connection, db_url: str, tmp_path: Path, kind: str, suffix: str) -> None:
    table, header, rows, bad, name = CASES[kind]
    path = write(tmp_path / f"{kind}{suffix}", header, rows)
    result = import_file(ready, path, TZ)
    assert result.kind == name
    assert {(e.line, e.field) for e in result.errors} == bad
    assert (result.inserted, result.updated) == (1, 0)
    before = count(db_url, f"SELECT count(*) FROM {table}")   # noqa: S608 - a table name of this test
    again = import_file(ready, path, TZ)
    assert (again.inserted, again.updated) == (0, 1)           # re-import updates, never duplicates
    assert count(db_url, f"SELECT count(*) FROM {table}") == before  # noqa: S608


def test_an_xlsx_time_without_offset_is_local_time(ready: psycopg.Connection, db_url: str, tmp_path: Path) -> None:
    row = dossier(dossier_id="X-1", received_at=local("2025-02-01 00:30"))   # 2025-01-31T17:30Z
    path = write(tmp_path / "d.xlsx", DOSSIER_HEADER, [[row.get(h) for h in DOSSIER_HEADER]])
    assert not import_file(ready, path, TZ).errors
    assert count(db_url, "SELECT count(*) FROM kpi_dossiers WHERE received_at = '2025-01-31T17:30:00Z'") == 1


def test_the_cli_lists_bad_rows_and_fails(ready: psycopg.Connection, db_url: str, tmp_path: Path) -> None:
    table, header, rows, _bad, _ = CASES["dossiers"]
    path = write(tmp_path / "dossiers.csv", header, rows)
    result = CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "import", str(path)])
    assert isinstance(result.exception, ImportDataError) and "2 bad row(s)" in str(result.exception)
    assert "line 3, channel: 'fax' is not a channel" in result.output
    assert "line 4, received_at:" in result.output
    assert count(db_url, "SELECT count(*) FROM kpi_dossiers") == 1


def test_strict_stores_nothing_from_a_file_with_a_bad_row(ready: psycopg.Connection, db_url: str,
                                                          tmp_path: Path) -> None:
    table, header, rows, _bad, _ = CASES["indicators"]
    result = import_file(ready, write(tmp_path / "i.csv", header, rows), TZ, strict=True)
    assert len(result.errors) == 2 and result.inserted == 0
    assert count(db_url, "SELECT count(*) FROM kpi_indicator_values") == 0


def test_checks_that_need_the_database(ready: psycopg.Connection, tmp_path: Path) -> None:
    rows = [dossier(dossier_id="W-1", ward_code="99999"),                       # no such ward
            dossier(dossier_id="W-2", procedure_code="NOPE", fee_bearing=None),   # blank, not in the catalogue
            dossier(dossier_id="W-3", fee_bearing=None, paper_result=None),       # taken from the catalogue
            dossier(dossier_id="W-3"),                                          # the same id again
            dossier(dossier_id="W-4", ward_code=None, old_city="Thành phố X", old_ward="Phường Y")]
    path = tmp_path / "d.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    result = import_file(ready, path, TZ)
    assert {(e.line, e.field) for e in result.errors} == {(2, "ward_code"), (3, "fee_bearing"), (5, "dossier_id")}
    assert result.inserted == 2
    assert any("not in the ward mapping" in n for n in result.notes)
    assert ready.execute("SELECT paper_result FROM kpi_dossiers WHERE dossier_id = 'W-3'").fetchone() == (True,)


def test_a_file_of_no_known_kind_is_refused_in_one_line(tmp_path: Path, ready: psycopg.Connection) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="cannot tell which KPI file"):
        import_file(ready, path, TZ)
    path.write_text("dossier_id,received_at\nD,2025-01-01\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="misses procedure_code"):
        import_file(ready, path, TZ)
    broken = tmp_path / "y.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(ImportDataError, match="cannot be read as XLSX"):
        import_file(ready, broken, TZ)


def test_large_files_report_progress(ready: psycopg.Connection, tmp_path: Path) -> None:
    rows = [dossier(dossier_id=f"P-{i:05d}") for i in range(2500)]
    path = tmp_path / "big.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    seen: dict[str, list[int]] = {}

    def factory(phase: str, total: int) -> Any:
        seen[phase] = [total, 0]
        return lambda n: seen[phase].__setitem__(1, seen[phase][1] + n)

    assert import_file(ready, path, TZ, progress=factory).inserted == 2500
    assert seen == {"read": [2500, 2500], "write": [2500, 2500]}


def test_summary_of_an_empty_database_says_nothing_was_counted(ready: psycopg.Connection, db_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "summary", "--period", "2025", "--json"])
    assert result.exit_code == 0, result.output
    import json

    kpis = json.loads(result.output)["kpis"]
    assert len(kpis) == 14 and all(k["value"] is None and k["denominator"] == 0 for k in kpis)
    assert CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "summary", "--period", "2025"]).exit_code == 0
    bad = CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "summary", "--ward", "00000"])
    assert "neither a current ward code" in str(bad.exception)
