"""The leaders' pages on the demo set: every card equals ``ioc kpis summary --json``; drill-down, adoption, XLSX."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.exports import kpi_export
from dashboards.views import kpi_adoption, kpi_drill, kpi_page, kpi_socio, kpi_view
from ioc.config import Settings
from pipelines.kpis.indicators import HEADLINE
from smartward.cli import cli
from tests.kpis.support import REPO, TZ
from tests.support import count


def summary_json(url: str, period: str, scope: str | None, now: datetime) -> dict[str, Any]:
    args = ["--database-url", url, "kpis", "summary", "--period", period, "--json", "--now", now.isoformat()]
    if scope:
        args += ["--province", scope] if not scope.isdigit() else ["--ward", scope]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def props(component: Any) -> dict[str, Any]:
    return dict(component.to_plotly_json()["props"])


def this_year(now: datetime) -> str:
    return str(now.astimezone(TZ).year)


@pytest.mark.parametrize(("period", "scope"), [("2025", None), ("now", None), ("now", "25210"),
                                               ("2025-Q3", "Thành phố Hồ Chí Minh")])
def test_every_card_equals_the_summary(demo_url: str, demo_settings: Settings, demo_pool: ConnectionPool,
                                       now: datetime, period: str, scope: str | None) -> None:
    period = this_year(now) if period == "now" else period
    ctx = context.IocContext(demo_settings, given=demo_pool)
    rendered = kpi_page.render(ctx, kpi_page.ViewState(period, scope, "online_submission", "vi"), now)
    expected = {k["key"]: k for k in summary_json(demo_url, period, scope, now)["kpis"]}
    cards = [props(col)["children"] for col in rendered.cards]
    assert [props(c)["data-key"] for c in cards] == list(HEADLINE)
    for card in cards:
        p, want = props(card), expected[props(card)["data-key"]]
        assert want["denominator"] > 0
        assert float(p["data-numerator"]) == pytest.approx(want["numerator"])
        assert float(p["data-denominator"]) == pytest.approx(want["denominator"])
        assert float(p["data-value"]) == pytest.approx(want["value"])
        assert (p["data-status"] or None) == want["status"]
        assert (float(p["data-target"]) if p["data-target"] else None) == (want["target"] or {}).get("value")
        shown = (float(p["data-forecast"]) if p["data-forecast"] else None)
        assert shown == pytest.approx((want["forecast"] or {}).get("value"))
        value_text = props(props(card)["children"][1])["children"]
        assert value_text == kpi_view.pct(want["value"], "vi")       # the big number is the summary's value
    table = json.dumps(rendered.others.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    for want in expected.values():
        assert kpi_view.count(want["denominator"], "vi") in table


def test_drill_down_lists_exactly_the_overdue_dossiers_behind_the_number(
        demo_url: str, demo_settings: Settings, demo_pool: ConnectionPool, now: datetime) -> None:
    period = this_year(now)
    overdue = next(k for k in summary_json(demo_url, period, "25195", now)["kpis"] if k["key"] == "overdue_rate")
    ctx = context.IocContext(demo_settings, given=demo_pool)
    title, _crumbs, _cards, procedures, dossiers = kpi_drill.drill_view(
        ctx, {"code": "25195", "period": period, "procedure": None, "lang": "vi"}, now)
    assert title.startswith("Phường Bình Phước")
    heading = props(dossiers[0])["children"]
    assert heading.endswith(f"({kpi_view.count(overdue['numerator'], 'vi')})")
    first = props(props(procedures)["children"][1])["children"][0]     # the most overdue procedure's row
    code = props(props(props(first)["children"][0])["children"])["children"]
    _t, _c, _k, _p, only = kpi_drill.drill_view(ctx, {"code": "25195", "period": period, "procedure": code,
                                                      "lang": "vi"}, now)
    assert code in props(only[0])["children"]


def test_adoption_cards_equal_the_summary(demo_url: str, demo_settings: Settings, demo_pool: ConnectionPool,
                                          now: datetime) -> None:
    period = this_year(now)
    want = {a["key"]: a for a in summary_json(demo_url, period, None, now)["adoption"]}
    ctx = context.IocContext(demo_settings, given=demo_pool)
    cards, table, _fig, _caption, others = kpi_adoption.adoption_view(
        ctx, {"period": period, "scope": "*", "rate": "vneid_level2_rate", "lang": "vi"}, now)
    for col in props(cards)["children"]:
        card = props(props(col)["children"])
        key = card["id"]["index"]
        assert float(card["data-numerator"]) == pytest.approx(want[key]["numerator"]) and want[key]["denominator"] > 0
    text = json.dumps(table.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "Khu phố 1" in text                          # hamlets of the Đồng Xoài wards
    rest = json.dumps(others.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "Thu ngân sách" in rest and "Tỷ lệ hộ nghèo" not in rest   # KT-XH indicators have their cards above


@pytest.mark.parametrize(("period", "scope"), [("now", "*"), ("now", "Tỉnh Đồng Nai"), ("2025", "*")])
def test_socio_cards_equal_the_indicators_json(demo_url: str, demo_settings: Settings, demo_pool: ConnectionPool,
                                               now: datetime, period: str, scope: str) -> None:
    """The socio-economic cards of /adoption show what ``ioc kpis indicators --json`` prints; the demo's values
    are recent and varied: every indicator has a value, and the statuses are not all the same."""
    period = this_year(now) if period == "now" else period
    result = CliRunner().invoke(cli, ["--database-url", demo_url, "kpis", "indicators", "--period", period,
                                      "--scope", scope, "--json", "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    want = {w["key"]: w for w in json.loads(result.output)}
    ctx = context.IocContext(demo_settings, given=demo_pool)
    cards, fig = kpi_socio.socio_view(ctx, {"period": period, "scope": scope, "key": "", "lang": "vi"}, now)
    shown = {}
    for col in props(cards)["children"]:
        card = props(props(col)["children"])
        shown[card["id"]["index"]] = card
    assert set(shown) == set(want) >= {"poverty_rate", "e_document_exchange_rate", "health_insurance_coverage",
                                       "school_enrollment_rate", "video_conference_points", "vneid_level2_rate"}
    for key, w in want.items():
        assert w["value"] is not None and float(shown[key]["data-value"]) == pytest.approx(w["value"])
        assert shown[key]["data-status"] == (w["status"] or "")
        assert shown[key]["data-forecast"] == ("" if w["forecast"] is None else repr(w["forecast"]["value"]))
    assert want["e_document_exchange_rate"]["target"]["value"] == 90
    assert len({w["status"] for w in want.values()}) >= 2
    if period == this_year(now):
        assert sum(w["forecast"] is not None for w in want.values()) >= 4     # quarters of 2025-2026: a trend
    names = [tr.name for tr in fig.data]
    assert "Số liệu báo cáo" in names and any(s.line.dash == "dash" for s in fig.layout.shapes)


def test_xlsx_export_holds_the_summary(demo_url: str, demo_settings: Settings, demo_pool: ConnectionPool,
                                       now: datetime) -> None:
    ctx = context.IocContext(demo_settings, given=demo_pool)
    state = kpi_page.ViewState("2025", None, "on_time_766", "vi")
    book = load_workbook(io.BytesIO(kpi_export.xlsx(ctx, state, now)))
    assert book.sheetnames == ["Chỉ số", "Xếp hạng phường", "Theo tháng", "Người dân số", "Điểm 766"]
    result = CliRunner().invoke(cli, ["--database-url", demo_url, "kpis", "score-766", "--period", "2025", "--json",
                                      "--now", now.isoformat()])
    score = json.loads(result.output)
    points = {r[0]: r[3] for r in book["Điểm 766"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert points == pytest.approx({i["id"]: i["points"] for i in score["indicators"]})
    assert list(book["Điểm 766"].iter_rows(values_only=True))[-1][3] == pytest.approx(score["total"])
    rows = list(book["Chỉ số"].iter_rows(min_row=3, values_only=True))
    want = {k["key"]: k for k in summary_json(demo_url, "2025", None, now)["kpis"]}
    assert {r[1]: (r[2], r[3]) for r in rows} == {k: (w["numerator"], w["denominator"]) for k, w in want.items()}
    assert book["Xếp hạng phường"].max_row == 2 + count(demo_url, "SELECT count(*) FROM wards WHERE valid_to IS NULL")


def test_demo_data_is_idempotent(demo_url: str, tmp_path: Any) -> None:
    before = count(demo_url, "SELECT count(*) FROM kpi_dossiers")
    result = CliRunner().invoke(cli, ["--database-url", demo_url, "kpis", "demo-data", "--scale", "0.15",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 new" in result.output and count(demo_url, "SELECT count(*) FROM kpi_dossiers") == before > 1000
    assert "SYNTHETIC" in (REPO / "data" / "kpis" / "README.md").read_text(encoding="utf-8")
