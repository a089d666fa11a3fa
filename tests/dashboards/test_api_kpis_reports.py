"""``/api/v1/kpis``, ``/api/v1/kpis/<key>/series`` and ``/api/v1/reports`` on the real database: who may call them
(API key scopes), their values against the CLI's, and that no personal data leaves through them. Their shape
against the OpenAPI document is checked by schemathesis in test_api.py with every other endpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from psycopg_pool import ConnectionPool

from dashboards.api.openapi import PREFIX
from dashboards.app import create_app
from ioc.config import Settings
from ioc.security import roles
from pipelines.kpis import periods
from pipelines.reports import store
from pipelines.reports.model import Contact, ReportIn
from pipelines.reports.publish import coarse
from smartward.cli import cli
from tests.dashboards import access
from tests.kpis.support import DOSSIER_HEADER, TZ, add_procedure, csv_text, dossier, local
from tests.reports.helpers import PHONE, load_wards

ADDRESS = "12 Đường Hùng Vương, khu phố 3"
SECRET_WORDS = "gọi tôi 0912345678"


def _quarters_before(now: datetime, n: int) -> tuple[periods.Period, list[periods.Period]]:
    """The running quarter and the ``n`` quarters before it, oldest first."""
    today = now.astimezone(TZ).date()
    current = periods.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    out, start = [], current.start
    for _ in range(n):
        start = periods.add_months(start, -3)
        out.insert(0, periods.parse(f"{start.year}-Q{(start.month - 1) // 3 + 1}"))
    return current, out


@pytest.fixture
def data(db: psycopg.Connection, settings: Settings, tmp_path: Path) -> dict[str, Any]:
    """Two Đồng Xoài wards; four September-2025 dossiers in 25210 (3 online); health-insurance coverage for the
    four quarters before the running one; three field reports, one of them with a contact and private text."""
    inside = load_wards(db, ("25210", "25195"))
    add_procedure(db, "P1")
    rows = [dossier(dossier_id=f"API-{i}", received_at=local(f"2025-09-0{i + 1} 08:00"),
                    channel="online" if i < 3 else "in_person") for i in range(4)]
    (tmp_path / "d.csv").write_text(csv_text(rows, DOSSIER_HEADER), encoding="utf-8")
    current, before = _quarters_before(datetime.now(UTC), 4)
    health = [90.5, 91.2, 92.0, 92.4]
    sheet = ["indicator,unit,scope,period,value"] + [
        f"health_insurance_coverage,%,25210,{q.label},{v}" for q, v in zip(before, health, strict=True)]
    (tmp_path / "s.csv").write_text("\n".join(sheet) + "\n", encoding="utf-8")
    base = ["--database-url", settings.database_url, "--state-dir", str(settings.state_dir), "kpis"]
    for args in (["import", str(tmp_path / "d.csv")], ["import-indicators", str(tmp_path / "s.csv")],
                 ["set-target", "health_insurance_coverage", ">=", "95", "--year", str(current.year),
                  "--scope", "Tỉnh Đồng Nai"]):
        result = CliRunner().invoke(cli, [*base, *args])
        assert result.exit_code == 0, (args, result.output, result.exception)
    lon, lat = inside["25210"]
    now = datetime.now(UTC)
    items = [ReportIn("hotline_1022", "API-1", "lighting", now - timedelta(days=2), SECRET_WORDS, lon, lat, ADDRESS,
                      contact=Contact("Nguyễn Văn A", PHONE, "a@example.vn")),
             ReportIn("field_staff", "API-2", "roads", now - timedelta(days=20), "Ổ gà lớn trước chợ", lon, lat),
             ReportIn("web", "API-3", "noise", now - timedelta(days=45), "Karaoke", lon, lat)]
    store.insert_reports(db, items, store.reference(db), "test", TZ, now)
    return {"current": current, "before": before, "health": health, "point": (lon, lat)}


@pytest.fixture
def app(settings: Settings, pool: ConnectionPool, data: dict[str, Any]) -> Flask:
    return create_app(settings, pool).server


def client_with(app: Flask, db: psycopg.Connection, *scopes: str) -> FlaskClient:
    made = app.test_client()
    made.environ_base["HTTP_AUTHORIZATION"] = access.api_headers(db, scopes)["Authorization"]
    return made


@pytest.mark.parametrize(("url", "needs"), [("/kpis", "kpi"), ("/kpis/online_submission/series", "kpi"),
                                            ("/reports", "reports:read")])
def test_each_endpoint_needs_its_scope(app: Flask, db: psycopg.Connection, url: str, needs: str) -> None:
    assert app.test_client().get(PREFIX + url).status_code == 401                 # anonymous
    for scopes in ((roles.READ,), (roles.READ, roles.REPORTS_SUBMIT),
                   (roles.KPI,) if needs != "kpi" else (roles.REPORTS_READ,)):
        res = client_with(app, db, *scopes).get(PREFIX + url)
        assert res.status_code == 403 and res.is_json, (scopes, res.status_code)
        assert needs in res.get_json()["error"]["message"]
    assert client_with(app, db, needs).get(PREFIX + url).status_code == 200      # the scope alone suffices


def test_kpis_summary_values_equal_the_cli(app: Flask, db: psycopg.Connection, settings: Settings) -> None:
    api = client_with(app, db, roles.KPI)
    body = api.get(f"{PREFIX}/kpis?period=2025-09&scope=25210").get_json()
    by_key = {i["key"]: i for i in body["items"]}
    online = by_key["online_submission"]
    assert (online["numerator"], online["denominator"], online["value"]) == (3, 4, 0.75)
    assert online["kind"] == "procedure" and online["unit"] == "fraction" and online["forecast"] is None
    assert online["target"]["value"] == 0.8 and online["target"]["direction"] == "higher"
    assert online["status"] == "off_track" and body["period_over"] is True and body["scope_name"] == "Phường Đồng Xoài"
    assert by_key["on_time_766"]["points"] == {"points": 20.0, "max": 20.0}
    cli_json = CliRunner().invoke(cli, ["--database-url", settings.database_url, "kpis", "summary", "--period",
                                        "2025-09", "--ward", "25210", "--json"])
    for k in json.loads(cli_json.output)["kpis"]:
        assert (by_key[k["key"]]["numerator"], by_key[k["key"]]["value"]) == (k["numerator"], k["value"])
    socio = api.get(f"{PREFIX}/kpis?kind=socio_economic&scope=Tỉnh Đồng Nai&lang=en").get_json()["items"]
    assert {i["kind"] for i in socio} == {"socio_economic"}
    health = next(i for i in socio if i["key"] == "health_insurance_coverage")
    assert health["name"] == "Health insurance coverage" and health["unit"] == "%"
    assert health["target"]["value"] == 95 and health["target"]["scope"] == "Tỉnh Đồng Nai"


def test_series_of_a_procedure_kpi_and_of_a_socio_economic_indicator(app: Flask, db: psycopg.Connection,
                                                                      data: dict[str, Any]) -> None:
    api = client_with(app, db, roles.KPI)
    months = api.get(f"{PREFIX}/kpis/online_submission/series?period=2025-09&scope=25210").get_json()
    sept = next(p for p in months["points"] if p["period"] == "2025-09")
    assert (sept["numerator"], sept["denominator"], sept["value"]) == (3, 4, 0.75)
    assert (sept["start"], sept["end"]) == ("2025-09-01", "2025-10-01") and months["status"] == "off_track"
    assert (months["value"], months["value_period"]) == (0.75, "2025-09")
    current = data["current"]
    series = api.get(f"{PREFIX}/kpis/health_insurance_coverage/series?period={current.label}"
                     "&scope=Tỉnh Đồng Nai").get_json()
    assert [p["period"] for p in series["points"]] == [q.label for q in data["before"]]
    assert [p["value"] for p in series["points"]] == data["health"]
    f = series["forecast"]
    assert f is not None and f["months_used"] == 4 and f["low"] < f["value"] < f["high"]
    assert series["value"] is None and series["status"] is None   # nothing reported inside the running quarter yet
    missing = api.get(f"{PREFIX}/kpis/no_such_thing/series")
    assert missing.status_code == 404 and "not known" in missing.get_json()["error"]["message"]
    bad = api.get(f"{PREFIX}/kpis?scope=Atlantis")
    assert bad.status_code == 400 and bad.get_json()["error"]["message"].startswith("scope: ")


def test_reports_are_published_without_personal_data(app: Flask, db: psycopg.Connection,
                                                      data: dict[str, Any]) -> None:
    res = client_with(app, db, roles.REPORTS_READ).get(f"{PREFIX}/reports")
    text = res.get_data(as_text=True)
    body = res.get_json()
    assert body["total"] == 2 and [r["category"] for r in body["items"]] == ["lighting", "roads"]  # 30 days
    for word in (PHONE, "0912 345 678", "Nguyễn Văn A", "a@example.vn", ADDRESS, "gọi tôi"):
        assert word not in text
    hotline, field = body["items"]
    assert hotline["description"] is None            # a transcribed call is never published
    assert field["description"] == "Ổ gà lớn trước chợ"
    assert (hotline["lon"], hotline["lat"]) == coarse(*data["point"]) != data["point"]
    assert hotline["overdue"] is False and hotline["department"] == "lighting" and hotline["due_at"]
    since = (datetime.now(UTC) - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    reader = client_with(app, db, roles.REPORTS_READ)
    page = reader.get(f"{PREFIX}/reports?from={since}&status=open&category=infrastructure&limit=1&offset=1")
    assert page.get_json()["total"] == 2 and [r["category"] for r in page.get_json()["items"]] == ["roads"]
    assert reader.get(f"{PREFIX}/reports?from={since}&category=noise").get_json()["total"] == 1
    too_long = reader.get(f"{PREFIX}/reports?from=2020-01-01")
    assert too_long.status_code == 400 and "range too large" in too_long.get_json()["error"]["message"]
    none = client_with(app, db, roles.REPORTS_READ).get(f"{PREFIX}/reports?ward=25195").get_json()
    assert none["total"] == 0
    assert db.execute("SELECT count(*) FROM personal_data_access").fetchone() == (0,)   # nothing personal shown
