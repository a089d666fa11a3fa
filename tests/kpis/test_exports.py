"""Real-looking one-stop exports (tests/fixtures/kpis, synthetic): Vietnamese headers in several wordings, title rows,
totals rows, a mapping profile; each imports with the right counts and gives the right KPIs afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from ioc.errors import ImportDataError
from ioc.localtime import parse_local
from pipelines.kpis import periods, profiles, summary_db
from pipelines.kpis.headers import fold
from pipelines.kpis.importer import import_file
from smartward.cli import cli
from tests.kpis.support import TZ, add_procedure, add_ward, csv_text, dossier
from tests.support import count

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kpis"
CATALOGUE = FIXTURES / "danh_muc_tthc.xlsx"
PROFILE = FIXTURES / "C_profile.yaml"
AFTER_Q1 = datetime(2025, 6, 1, tzinfo=UTC)  # judge 2025-Q1 after its end

# file -> (catalogue first, profile, stored, bad (line, field), KPI key -> (numerator, denominator))
CASES = {
    "A_mot_cua.csv": (
        True,
        False,
        8,
        set(),
        {
            "online_submission": (4, 8),
            "end_to_end_online": (2, 8),
            "on_time_766": (5, 8),
            "resolved_on_time": (5, 6),
            "overdue_rate": (3, 8),
            "online_payment": (2, 5),
            "input_digitization": (6, 8),
        },
    ),
    "B_so_theo_doi.xlsx": (
        False,
        False,
        6,
        set(),
        {
            "online_submission": (3, 6),
            "end_to_end_online": (2, 6),
            "on_time_766": (4, 6),
            "overdue_rate": (2, 6),
            "online_payment": (1, 3),
            "input_digitization": (5, 6),
            "output_digitization": (3, 4),
        },
    ),
    "C_he_thong_khac.csv": (
        True,
        True,
        4,
        {(6, "received_at"), (7, "channel")},
        {
            "online_submission": (2, 4),
            "end_to_end_online": (1, 4),
            "on_time_766": (3, 4),
            "online_payment": (1, 3),
            "input_digitization": (3, 4),
        },
    ),
    "D_bao_cao_hai_tang.xlsx": (
        True,
        False,
        5,
        set(),
        {
            "online_submission": (3, 5),
            "end_to_end_online": (2, 5),
            "on_time_766": (3, 5),
            "online_payment": (1, 3),
            "input_digitization": (4, 5),
            "output_digitization": (2, 3),
        },
    ),
}


@pytest.fixture
def ward(db: psycopg.Connection) -> psycopg.Connection:
    add_ward(db)
    return db


@pytest.mark.parametrize("name", list(CASES))
def test_each_export_imports_with_the_right_counts_and_kpis(ward: psycopg.Connection, name: str) -> None:
    with_catalogue, with_profile, stored, bad, kpis = CASES[name]
    if with_catalogue:
        catalogue = import_file(ward, CATALOGUE, TZ)
        assert (catalogue.kind, catalogue.inserted, catalogue.errors) == ("procedures", 3, [])
    profile = profiles.load(PROFILE) if with_profile else None
    result = import_file(ward, FIXTURES / name, TZ, profile=profile)
    assert result.kind == "dossiers"
    assert {(e.line, e.field) for e in result.errors} == bad
    assert (result.inserted, result.updated) == (stored, 0)
    summary = summary_db.summary(ward, periods.parse("2025-Q1"), None, AFTER_Q1, TZ)
    got = {key: (summary.line(key).ratio.numerator, summary.line(key).ratio.denominator) for key in kpis}
    assert got == kpis
    again = import_file(ward, FIXTURES / name, TZ, profile=profile)
    assert (again.inserted, again.updated) == (0, stored)  # re-import updates, never duplicates


def test_title_rows_totals_and_signatures_are_skipped_and_said(ward: psycopg.Connection) -> None:
    result = import_file(ward, FIXTURES / "B_so_theo_doi.xlsx", TZ)
    notes = "\n".join(result.notes)
    assert "header on line 4" in notes
    assert "line 5: column numbers under the header, skipped" in notes
    assert "line 12: a totals row ('Tổng cộng'), not imported" in notes
    assert "lines 14–15: below the totals row" in notes
    assert "'Nộp trực tuyến (Có/Không)' → submitted_online" in notes
    assert result.total == 6


def test_a_two_level_header_is_read_as_one(ward: psycopg.Connection) -> None:
    import_file(ward, CATALOGUE, TZ)
    result = import_file(ward, FIXTURES / "D_bao_cao_hai_tang.xlsx", TZ)
    notes = "\n".join(result.notes)
    assert "header on lines 2–3" in notes
    for pair in (
        "'Ngày / Tiếp nhận' → received_at",
        "'Ngày / Có kết quả' → resolved_at",
        "'Thủ tục hành chính / Mã' → procedure_code",
        "'Thanh toán / Trực tuyến' → paid_online",
        "'Mã số hồ sơ' → dossier_id",
    ):
        assert pair in notes
    assert "x-mark column(s) 'Toàn trình'" in notes
    assert result.total == 5 and not result.errors


def test_the_online_service_level_comes_from_the_rows_without_a_catalogue(ward: psycopg.Connection) -> None:
    ward.execute("""INSERT INTO kpi_procedures (code, name, online_service, fee_bearing, paper_result)
                    VALUES ('2.002', 'Catalogue name', 'full', true, true)""")
    result = import_file(ward, FIXTURES / "B_so_theo_doi.xlsx", TZ)
    rows = ward.execute(
        "SELECT code, name, online_service, fee_bearing, paper_result, source FROM kpi_procedures ORDER BY code"
    ).fetchall()
    assert rows == [
        ("2.001", "Đăng ký kết hôn", "full", False, True, "B_so_theo_doi.xlsx (dossier rows)"),
        ("2.002", "Catalogue name", "full", True, True, None),
    ]  # a catalogue entry is never changed
    assert any("1 procedure(s) not in the catalogue added from the dossier rows" in n for n in result.notes)
    assert any("kept for 1 procedure(s)" in n and "2.002 (catalogue full, rows partial)" in n for n in result.notes)
    summary = summary_db.summary(ward, periods.parse("2025-Q1"), None, AFTER_Q1, TZ)
    mix = {(m["scheme"], m["key"]): m["numerator"] for m in summary.level_mix}
    assert mix[("online_service", "full")] == 2


def test_a_dossier_of_an_unknown_procedure_without_a_level_is_a_bad_row(
    ward: psycopg.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "Mã hồ sơ,Mã TTHC,Đơn vị,Mã xã,Ngày nhận,Hạn xử lý,Kênh nộp,Có phí,Kết quả giấy,"
        "Thanh toán trực tuyến,Số hóa hồ sơ,Số hóa kết quả,Kết quả điện tử,Trạng thái\n"
        "X-1,9.999,Một cửa,25210,05/01/2025,10/01/2025,Trực tuyến,Không,Có,Không,x,Không,Không,"
        "Đang xử lý\n",
        encoding="utf-8",
    )
    result = import_file(ward, path, TZ)
    assert [(e.line, e.field) for e in result.errors] == [(2, "end_to_end")]
    assert "9.999 is not in the catalogue" in result.errors[0].message


def test_the_cli_prints_what_was_matched_ignored_and_every_bad_row(
    ward: psycopg.Connection, db_url: str, tmp_path: Path
) -> None:
    catalogue = CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "import", str(CATALOGUE)])
    assert catalogue.exit_code == 0, catalogue.output
    assert "'Mức độ DVC' → online_service" in catalogue.output
    errors = tmp_path / "loi.csv"
    run = CliRunner().invoke(
        cli,
        [
            "--database-url",
            db_url,
            "kpis",
            "import",
            "--profile",
            str(PROFILE),
            "--errors-csv",
            str(errors),
            str(FIXTURES / "C_he_thong_khac.csv"),
        ],
    )
    assert isinstance(run.exception, ImportDataError) and "2 bad row(s)" in str(run.exception)
    out = run.output
    assert "'Số phiếu' → dossier_id" in out and "'Nguồn' → channel" in out
    assert "ignored columns: 'Ghi chú' (profile)" in out
    assert "ward_code: '25210' on every row (profile default)" in out
    assert "C_he_thong_khac.csv: line 6, received_at: '31/02/2025 08:00' is not a valid date" in out
    assert "C_he_thong_khac.csv: line 7, channel: 'Fax' is not a channel" in out
    assert count(db_url, "SELECT count(*) FROM kpi_dossiers") == 4
    assert errors.read_text(encoding="utf-8-sig").splitlines() == [
        "file,line,field,reason",
        "C_he_thong_khac.csv,6,received_at,'31/02/2025 08:00' is not a valid date (day is out of range for month)",
        "C_he_thong_khac.csv,7,channel,\"'Fax' is not a channel (one of in_person, online, post)\"",
    ]


def test_an_unknown_layout_lists_the_headers_seen_and_the_fields_missed(ward: psycopg.Connection, db_url: str) -> None:
    with pytest.raises(ImportDataError) as err:
        import_file(ward, FIXTURES / "C_he_thong_khac.csv", TZ)
    text = str(err.value)
    assert "cannot tell which KPI file this is" in text
    assert "Headers seen (line 1): 'Số phiếu', 'Mã thủ tục', 'Thời điểm nhận'" in text
    assert "dossiers dossier_id (e.g. 'Mã hồ sơ', 'Số hồ sơ'), received_at (e.g. 'Ngày tiếp nhận'" in text
    assert "--profile" in text
    assert count(db_url, "SELECT count(*) FROM kpi_dossiers") == 0


def test_a_known_kind_missing_a_field_names_it_and_what_can_stand_in(ward: psycopg.Connection, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("Mã hồ sơ,Ngày tiếp nhận,Mã TTHC\nX,05/01/2025,1\n", encoding="utf-8")
    with pytest.raises(
        ImportDataError,
        match=r"misses unit .* channel \(e.g. 'Kênh nộp', 'Hình thức nộp'\) or "
        r"submitted_online \(e.g. 'Nộp trực tuyến'",
    ):
        import_file(ward, path, TZ)


def test_a_bad_profile_is_refused_with_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "kind: dossiers\ncolums: {}\ncolumns:\n  Số phiếu: dosier_id\n  Ghi chú: ignore\nvalues:\n"
        "  status:\n    Xong: done\n  colour:\n    Đỏ: red\ndefaults:\n  paid_online: maybe\n"
        "  ward_code: '25210'\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportDataError) as err:
        profiles.load(path)
    text = str(err.value)
    assert "the profile has 5 problem(s)" in text
    assert "line 2, colums: unknown key" in text
    assert "line 4, columns.Số phiếu: 'dosier_id' is not a field of dossiers" in text
    assert "line 8, values.status.Xong: 'done' is not a status" in text
    assert "line 9, values.colour: not a field of dossiers" in text
    assert "line 12, defaults.paid_online: 'maybe' is not yes/no" in text
    path.write_text("kind: [dossiers\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="not YAML"):
        profiles.load(path)


def test_a_column_empty_on_every_row_is_not_read_as_no_unless_a_profile_says_so(
    ward: psycopg.Connection, tmp_path: Path
) -> None:
    import_file(ward, CATALOGUE, TZ)
    path = tmp_path / "d.csv"
    path.write_text(
        "Mã hồ sơ,Mã TTHC,Đơn vị,Mã xã,Ngày nhận,Hạn xử lý,Kênh nộp,Thanh toán trực tuyến,Số hóa hồ sơ,"
        "Số hóa kết quả,Kết quả điện tử,Trạng thái,Ngày có kết quả\n"
        "E-1,1.002,Một cửa,25210,05/01/2025,10/01/2025,Trực tiếp,,x,x,x,Đã trả kết quả,09/01/2025\n"
        "E-2,1.002,Một cửa,25210,06/01/2025,10/01/2025,Trực tiếp,,,,,Đang xử lý\n",
        encoding="utf-8",
    )
    result = import_file(ward, path, TZ)
    assert [(e.line, e.field) for e in result.errors] == [(2, "paid_online"), (3, "paid_online")]
    assert any("'Thanh toán trực tuyến' (paid_online) have no filled cell" in n for n in result.notes)
    assert any("x-mark column(s) 'Số hóa hồ sơ', 'Số hóa kết quả', 'Kết quả điện tử'" in n for n in result.notes)
    profile = tmp_path / "p.yaml"
    profile.write_text("defaults:\n  paid_online: không\n", encoding="utf-8")
    result = import_file(ward, path, TZ, profile=profiles.load(profile))
    assert (result.inserted, result.errors) == (2, [])
    assert "paid_online: 'không' where 'Thanh toán trực tuyến' is blank (profile default)" in result.notes
    assert ward.execute("SELECT count(*) FROM kpi_dossiers WHERE NOT paid_online").fetchone() == (2,)


def test_a_profile_can_point_at_a_header_below_the_searched_lines(ward: psycopg.Connection, tmp_path: Path) -> None:
    add_procedure(ward)
    path = tmp_path / "late.csv"
    path.write_text(
        "".join(f"Ghi chú {i}\n" for i in range(40)) + csv_text([dossier(dossier_id="L-1")]), encoding="utf-8"
    )
    with pytest.raises(ImportDataError, match="cannot tell"):
        import_file(ward, path, TZ)
    profile = tmp_path / "p.yaml"
    profile.write_text("header_row: 41\n", encoding="utf-8")
    result = import_file(ward, path, TZ, profile=profiles.load(profile))
    assert (result.inserted, result.errors) == (1, [])
    assert "header on line 41" in result.notes[0]


def test_headers_and_values_fold_case_and_diacritics() -> None:
    assert fold("Nộp trực tuyến (Có/Không)") == "nop truc tuyen co khong"
    assert fold("ĐƠN VỊ TIẾP NHẬN") == fold("don_vi  tiep-nhan") == "don vi tiep nhan"
    assert fold("Mã ĐVHC") == "ma dvhc"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("05/01/2025", "2025-01-05T00:00:00+07:00"),
        ("05/01/2025 08:30", "2025-01-05T08:30:00+07:00"),
        ("5-1-2025 8:30:15", "2025-01-05T08:30:15+07:00"),
        ("05.01.2025", "2025-01-05T00:00:00+07:00"),
        ("08:30 05/01/2025", "2025-01-05T08:30:00+07:00"),
        ("08:30:10, 05/01/2025", "2025-01-05T08:30:10+07:00"),
        ("2025-01-05T01:30:00Z", "2025-01-05T01:30:00+00:00"),
    ],
)
def test_export_times_are_local_in_the_ways_exports_write_them(text: str, expected: str) -> None:
    assert parse_local(text, TZ) == datetime.fromisoformat(expected)


@pytest.mark.parametrize("text", ["31/02/2025", "05/01-2025", "2025/01/05 08:00", "25:00 05/01/2025"])
def test_a_time_that_is_not_one_is_refused_with_its_text(text: str) -> None:
    with pytest.raises(ValueError, match=repr(text).replace("(", r"\(")):
        parse_local(text, TZ)
