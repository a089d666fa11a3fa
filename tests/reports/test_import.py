"""``ioc reports import``: bad rows reported with line, field and reason, good rows imported, re-imports add nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from openpyxl import Workbook

from ioc.config import Settings
from ioc.errors import ImportDataError
from pipelines.reports import intake, readers
from smartward.cli import main
from tests.reports.helpers import PHONE, TZ, local

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def _csv(tmp_path: Path, lon: float, lat: float) -> Path:
    path = tmp_path / "hotline.csv"
    path.write_text(
        "Mã,Kênh,Loại,Thời gian,Nội dung,lat,lon,Địa chỉ,SĐT\n"
        f"HL-1,hotline_1022,Ngập úng,20/11/2026 07:30,Nước ngập tới đầu gối,{lat},{lon},,{PHONE}\n"
        f'HL-2,zalo,Tiếng ồn,20/11/2026 22:10,"Karaoke\nsau 22 giờ",{lat},{lon},,\n'
        f"HL-3,hotline_1022,Cháy rừng,20/11/2026 08:00,?,{lat},{lon},,\n"
        "HL-4,web,noise,2026-11-20T09:00:00+07:00,Không có vị trí,,,,\n"
        f"HL-5,web,Flooding,21/11/2026 23:00,Tương lai,{lat},{lon},,0123\n"
        "HL-6,facebook,Khác,19/11/2026 10:00,Chỉ có địa chỉ,,,12 Trần Phú,\n"
        f"HL-1,hotline_1022,Ngập úng,20/11/2026 07:30,trùng trong file,{lat},{lon},,\n",
        encoding="utf-8")
    return path


def _import(db: psycopg.Connection, path: Path, mapping: dict[str, str] | None = None,
            source: str | None = None) -> intake.ImportSummary:
    return intake.import_file(db, readers.open_table(path), mapping or {}, tz=TZ, now=NOW, default_source=source)


def test_bad_rows_named_good_rows_imported_and_reimport_adds_nothing(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]], tmp_path: Path) -> None:
    lon, lat = wards["22366"]
    path = _csv(tmp_path, lon, lat)
    first = _import(db, path, {"Kênh": "source", "SĐT": "contact_phone"})
    assert (first.read, first.imported, first.duplicates, first.bad_rows) == (7, 3, 1, 3)
    problems = {(p.line, p.field): p.reason for p in first.problems}
    assert set(problems) == {(5, "category"), (6, "lat"), (7, "submitted_at"), (7, "contact_phone")}
    assert "Cháy rừng" in problems[(5, "category")] and "no location" in problems[(6, "lat")]
    assert "in the future" in problems[(7, "submitted_at")]     # line 7: the quoted line break of HL-2 counts
    rows = db.execute("""SELECT external_id, source, category, ward_code, status, due_at, geom IS NOT NULL
                         FROM reports ORDER BY external_id""").fetchall()
    assert [r[:5] for r in rows] == [("HL-1", "hotline_1022", "flooding", "22366", "received"),
                                     ("HL-2", "zalo", "noise", "22366", "received"),
                                     ("HL-6", "facebook", "other", None, "received")]
    assert rows[0][5] == local(2026, 11, 23, 7, 30)    # flooding: 1 working day from Friday 07:30 → Monday
    assert db.execute("SELECT phone FROM report_contacts").fetchall() == [(PHONE,)]
    assert db.execute("SELECT count(*) FROM report_history WHERE action = 'receive'").fetchone() == (3,)

    again = _import(db, path, {"Kênh": "source", "SĐT": "contact_phone"})
    assert (again.imported, again.duplicates, again.bad_rows) == (0, 4, 3)
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (3,)
    assert db.execute("SELECT count(*) FROM report_contacts").fetchone() == (1,)


def test_xlsx_rows_with_typed_cells(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                   tmp_path: Path) -> None:
    lon, lat = wards["22333"]
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "category", "time", "latitude", "longitude", "phone", "note"])
    sheet.append([1001, "Chiếu sáng công cộng", datetime(2026, 11, 19, 18, 45), lat, lon, 912345678.0, "x"])
    sheet.append([1002, "lighting", "not a time", lat, lon, None, None])
    sheet.append([None, None, None, None, None, None, None])       # blank rows are skipped, not refused
    sheet.append([1003, "roads", datetime(2026, 11, 19, 9, 0), lat, lon, None, None])
    path = tmp_path / "staff.xlsx"
    book.save(path)
    found = _import(db, path, source="field_staff")
    assert found.unit == "row" and found.ignored_columns == ["note"]
    assert [(p.line, p.field) for p in found.problems] == [(3, "submitted_at")]
    assert db.execute("SELECT phone FROM report_contacts").fetchall() == [(PHONE,)]   # Excel dropped its 0
    assert db.execute("SELECT external_id, category, ward_code FROM reports ORDER BY id").fetchall() == [
        ("1001", "lighting", "22333"), ("1003", "roads", "22333")]


def test_json_items_and_mapping_errors(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                       tmp_path: Path) -> None:
    lon, lat = wards["22390"]
    path = tmp_path / "app.json"
    path.write_text(json.dumps({"reports": [
        {"external_id": "A1", "source": "app", "category": "traffic", "submitted_at": "2026-11-20T10:00:00Z",
         "lat": lat, "lon": lon, "photo_urls": ["https://cdn.example.vn/a1.jpg"], "extra": 1},
        "not an object",
    ]}), encoding="utf-8")
    found = _import(db, path)
    assert (found.imported, [(p.line, p.field) for p in found.problems]) == (1, [(2, "*")])
    assert db.execute("SELECT photo_urls FROM reports").fetchone() == (["https://cdn.example.vn/a1.jpg"],)
    with pytest.raises(ImportDataError, match="not a field"):
        readers.parse_mapping(["Mã=identifier"])
    with pytest.raises(ImportDataError, match="no column for submitted_at"):
        readers.resolve(["external_id", "category", "source"], {}, False)
    with pytest.raises(ImportDataError, match="--map: no column 'Mã'"):
        readers.resolve(["external_id"], {"Mã": "external_id"}, True)


def test_cli_lists_bad_rows_and_fails_with_one_line(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                                    settings: Settings, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    lon, lat = wards["22366"]
    path = _csv(tmp_path, lon, lat)
    args = ["--database-url", str(settings.database_url), "reports", "import", str(path), "--map", "Kênh=source",
            "--map", "SĐT=contact_phone"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert "hotline.csv: line 5, category: 'Cháy rừng' is not a known category" in out
    assert "7 lines read, 3 imported, 1 already known, 3 refused" in out
    assert "corroboration: no sensor 3" in out
    assert err.strip() == ("ioc: error: hotline.csv: 3 of 7 lines refused (listed above); "
                           "the good ones were imported")
    assert main([*args, "--no-corroborate"]) == 2
    assert "0 imported, 4 already known" in capsys.readouterr().out


def test_progress_is_reported_while_a_large_file_imports(db: psycopg.Connection,
                                                         wards: dict[str, tuple[float, float]],
                                                         tmp_path: Path) -> None:
    lon, lat = wards["22366"]
    path = tmp_path / "big.csv"
    path.write_text("external_id,source,category,submitted_at,lat,lon\n" + "".join(
        f"B{i},web,noise,20/11/2026 08:{i % 60:02d},{lat},{lon}\n" for i in range(1234)), encoding="utf-8")
    table = readers.open_table(path)
    seen: list[int] = []
    found = intake.import_file(db, table, {}, tz=TZ, now=NOW, progress=seen.append)
    assert table.total == 1234 and found.imported == 1234
    assert seen == [*range(100, 1234, 100), 1234]
