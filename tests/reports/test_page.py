"""/reports without a browser: the query functions, the tiles' numbers, server-side paging, detail and actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from dash import Dash
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.app import create_app
from dashboards.queries import reports as q
from dashboards.views import report_page as act
from dashboards.views import report_views as view
from ioc.config import Settings
from layers.build import report_layer
from pipelines.reports import store
from pipelines.reports.actions import apply_action
from pipelines.reports.model import ReportIn
from pipelines.reports.workflow import Action
from tests.reports import seed
from tests.reports.helpers import TZ, local

NOW = datetime.now(UTC)


@pytest.fixture
def seeded(db: psycopg.Connection) -> seed.Seeded:
    return seed.seed(db, NOW)


@pytest.fixture
def app(settings: Settings, pool: ConnectionPool) -> Iterator[Dash]:
    made = create_app(settings, pool)
    with made.server.app_context():
        yield made


def test_tiles_count_what_they_say(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                   pool: ConnectionPool) -> None:
    now = local(2026, 11, 20, 15, 0)          # a Friday
    lon, lat = wards["22366"]
    made = [ReportIn("web", f"T{i}", "noise", at, "", lon, lat) for i, at in enumerate(
        (local(2026, 11, 20, 9, 0), local(2026, 11, 16, 9, 0), local(2026, 11, 16, 10, 0),
         local(2026, 11, 10, 8, 0), local(2026, 10, 30, 9, 0)))]
    ids = store.insert_reports(db, made, store.reference(db), "test", TZ, now).ids
    for rid, done in ((ids[2], local(2026, 11, 17, 10, 0)), (ids[3], local(2026, 11, 13, 8, 0)),
                      (ids[4], local(2026, 11, 2, 9, 0))):
        for a in (Action("assign", department="urban_order"), Action("start"), Action("resolve", response="ok")):
            apply_action(db, rid, a, "t", TZ, done)
    tiles = q.report_tiles(pool, now, TZ)
    # today: one; open: T0 and T1; overdue: T1 (noise, 2 working days from Monday 09:00 → Wednesday 09:00)
    assert (tiles.received_today, tiles.open, tiles.overdue, tiles.paused) == (1, 2, 1, 0)
    # this month: T2 on time (25 h), T3 late (3 days → Friday 08:00; due Thursday 08:00), T4 on time (3 days)
    assert tiles.finished_month == 3 and tiles.on_time_rate == pytest.approx(2 / 3)
    assert tiles.median_hours == pytest.approx(72.0)
    assert tiles.by_category[["category", "n"]].to_dict("records") == [{"category": "noise", "n": 3}]
    assert tiles.by_ward[["ward_name", "n"]].to_dict("records") == [{"ward_name": "Phường Nha Trang", "n": 3}]


def test_open_reports_make_the_map_layer(pool: ConnectionPool, seeded: seed.Seeded) -> None:
    found = q.open_reports(pool)
    assert found.crs.to_epsg() == 4326 and len(found) == 29
    assert set(found["status"]) == {"open", "in_progress"} and found["overdue"].any()
    layer = report_layer(found, "vi")
    assert set(layer["category"]) == {"open", "in_progress", "overdue"}
    assert len(q.open_reports(pool, "22366")) == len(found[found["ward_code"] == "22366"]) > 0


def test_open_counts_of_a_ward_scope_are_counted_in_sql(pool: ConnectionPool, seeded: seed.Seeded) -> None:
    found = q.open_reports(pool, now=NOW)
    for scope in (["22366"], ["22366", "22333"], list(found["ward_code"].unique())):
        mine = found[found["ward_code"].isin(scope)]
        assert q.open_counts(pool, NOW, scope) == (len(mine), int(mine["overdue"].sum()), int(mine["paused"].sum()))
    assert q.open_counts(pool, NOW, list(found["ward_code"].unique()))[0] == len(found) == 29
    assert q.open_counts(pool, NOW, []) == (0, 0, 0)
    with pytest.raises(TypeError):
        q.open_counts(pool, NOW, "22366")  # type: ignore[arg-type]


def test_queue_pages_on_the_server_corroborated_first(pool: ConnectionPool, seeded: seed.Seeded) -> None:
    total, first = q.queue(pool, q.QueueFilter(), NOW, 0, 12)
    assert total == 40 and len(first) == 12
    assert list(first["verdict"][:2]) == ["corroborated", "corroborated"]
    assert first["overdue"][2:].tolist() == sorted(first["overdue"][2:].tolist(), reverse=True)
    total_last, last = q.queue(pool, q.QueueFilter(), NOW, 36, 12)
    assert (total_last, len(last)) == (40, 4)
    assert set(first["id"]).isdisjoint(last["id"])
    n_open, _ = q.queue(pool, q.QueueFilter(status="open"), NOW)
    n_overdue, overdue = q.queue(pool, q.QueueFilter(overdue_only=True), NOW, 0, 100)
    assert n_open == 29 and n_overdue == len(overdue) > 0 and overdue["overdue"].all()
    n_infra, infra = q.queue(pool, q.QueueFilter(category="infrastructure"), NOW, 0, 100)
    assert n_infra == 12 and set(infra["category"]) == {"lighting", "roads", "drainage"}
    n_id, by_id = q.queue(pool, q.QueueFilter(search=str(seeded.ids[5])), NOW)
    assert n_id == 1 and by_id["id"].tolist() == [seeded.ids[5]]
    n_text, _ = q.queue(pool, q.QueueFilter(search="karaoke"), NOW)
    assert n_text == 4


def test_callbacks_page_select_and_detail(app: Dash, seeded: seed.Seeded) -> None:
    ioc = context.current()
    rows, pages, page, total = act.queue_page(ioc, q.QueueFilter(status="open"), 9, 12, "vi")
    assert (pages, page, total, len(rows)) == (3, 2, "29 phản ánh", 5)     # page 9 no longer exists: the last one
    assert rows[0].keys() >= {"id", "status", "due", "verdict", "overdue"}
    panel = str(act.detail(ioc, seeded.ids[10], "vi", "light"))
    assert "Có bằng chứng" in panel and "env-flood" in panel and "water_level" in panel
    assert "Diễn biến xử lý" in panel and "Tiếp nhận" in panel
    assert "Pick a report" in str(act.detail(ioc, None, "en", "light"))


def test_the_queue_table_marks_its_rows(app: Dash, seeded: seed.Seeded) -> None:
    rows, *_ = act.queue_page(context.current(), q.QueueFilter(status="open"), 0, 12, "vi")
    flood = seeded.ids[10]
    table = view.table(rows, flood, "vi")
    body = table.children[1].children
    assert [tr.id for tr in body] == [{"type": "reports-row", "id": r["id"]} for r in rows]
    by_id = {tr.id["id"]: tr for tr in body}
    assert by_id[flood].className.split() == ["ioc-report-row", "ioc-report-overdue", "ioc-report-corroborated",
                                              view.SELECTED]
    assert sum(view.SELECTED in tr.className for tr in body) == 1
    overdue = [tr for r, tr in zip(rows, body, strict=True) if r["overdue"]]
    assert overdue and all("ioc-report-overdue" in tr.className for tr in overdue)
    summary = by_id[flood].children[-1].children                   # an ellipsis, the whole text on hover
    assert summary.className == "ioc-clip" and summary.title == summary.children
    assert view.with_selection(by_id[flood].className, False).split() == by_id[flood].className.split()[:-1]
    assert view.with_selection("ioc-report-row", True) == f"ioc-report-row {view.SELECTED}"
    assert "Không có phản ánh nào" in str(view.table([], None, "vi"))


def test_actions_from_the_desk_and_their_refusals(app: Dash, seeded: seed.Seeded, db: psycopg.Connection) -> None:
    ioc = context.current()
    rid = seeded.ids[9]                               # received, never assigned
    ok, message = act.handle(ioc, rid, "close", act.Form(None, "", "", 0), "vi")
    assert not ok and "Không thực hiện được" in message and "resolve or reject it first" in message
    ok, message = act.handle(ioc, rid, "assign", act.Form("lighting", "", "", 0), "en")
    assert ok and message == f"Done: Assign, report #{rid}."
    ok, _ = act.handle(ioc, rid, "extend", act.Form(None, "chờ vật tư", "", 2), "vi")
    assert ok
    history = db.execute("SELECT actor, action FROM report_history WHERE report_id = %s ORDER BY id",
                         [rid]).fetchall()
    assert history[-2:] == [("desk", "assign"), ("desk", "extend")]
    assert act.handle(ioc, rid, "corroborate", act.Form(None, "", "", 0), "vi")[0]


def test_staff_see_a_masked_contact_and_the_view_is_logged(app: Dash, seeded: seed.Seeded,
                                                           db: psycopg.Connection) -> None:
    shown = str(act.masked_contact(context.current(), seeded.ids[0], "vi"))
    assert "091*****78" in shown and "N. d. 0." in shown and "0912345678" not in shown
    assert db.execute("SELECT viewer, role, masked, purpose FROM report_contact_views").fetchall() == [
        ("desk", "staff", True, "xử lý phản ánh / handling the report (reports page)")]
    assert db.execute("SELECT legal_basis FROM personal_data_access").fetchall() == [("Law 91/2025/QH15",)]
    assert "91/2025/QH15" in shown and "mục đích: xử lý phản ánh" in shown


def test_layout_renders_in_both_languages(app: Dash) -> None:
    from dashboards.pages import reports

    assert "Phản ánh hiện trường" in str(reports.layout())
    assert "Field reports" in str(reports.layout(lang="en", report="12"))
    assert reports.layout(report="12").children[2].data == 12   # ?report=12 opens that report


def test_reports_due_soon_are_not_overdue(pool: ConnectionPool, db: psycopg.Connection,
                                          wards: dict[str, tuple[float, float]]) -> None:
    lon, lat = wards["22366"]
    item = ReportIn("web", "fresh", "construction", NOW - timedelta(hours=1), "", lon, lat)
    store.insert_reports(db, [item], store.reference(db), "t", TZ, NOW)
    assert q.report_tiles(pool, NOW, TZ).overdue == 0


def test_missing_texts_are_blank_not_nan(app: Dash, seeded: seed.Seeded) -> None:
    ioc = context.current()
    rows, *_ = act.queue_page(ioc, q.QueueFilter(), 0, 50, "en")
    assert not any("nan" in str(v).lower() for r in rows for v in r.values())
    panel = str(act.detail(ioc, seeded.ids[3], "en", "light"))     # one note among notes left empty
    assert "(nan" not in panel and "=nan" not in panel and "Received → Received" not in panel


def test_an_empty_database_gives_empty_answers_not_errors(pool: ConnectionPool) -> None:
    found = q.open_reports(pool, ward_code="22366", now=NOW)
    assert len(found) == 0 and found.crs.to_epsg() == 4326 and {"overdue", "paused", "status"} <= set(found.columns)
    assert int(found["overdue"].sum()) == 0 and int(found["paused"].sum()) == 0
    tiles = q.report_tiles(pool, NOW, TZ)
    assert (tiles.open, tiles.overdue, tiles.on_time_rate, tiles.median_hours) == (0, 0, None, None)
    assert q.queue(pool, q.QueueFilter(), NOW)[0] == 0
