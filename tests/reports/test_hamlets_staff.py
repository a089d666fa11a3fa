"""Hamlets (ấp / khu phố) on the staff side: the /reports filter narrows the queue, the card and the detail name
the hamlet, the export carries it as its last column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
from pipelines.public import hamlets
from pipelines.reports import export, public, store
from pipelines.reports.model import ReportIn
from tests.reports.helpers import TZ, offset

NOW = datetime.now(UTC)
WARD, OTHER = "22366", "22333"


@pytest.fixture
def app(settings: Settings, pool: ConnectionPool) -> Iterator[Dash]:
    made = create_app(settings, pool)
    with made.server.app_context():
        yield made


@pytest.fixture
def placed(db: psycopg.Connection, wards: dict[str, tuple[float, float]]) -> dict[str, list[int]]:
    """Three hamlets as points (two in WARD, one of the same name in OTHER) and reports near each, plus one
    report of WARD too far from any hamlet (no hamlet)."""
    lon, lat = wards[WARD]
    olon, olat = wards[OTHER]
    points = {"Khu phố 2": (lon, lat), "Khu phố 10": offset(lon, lat, east_m=900)}
    found, bad = hamlets.parse_csv("ward_code,name,lat,lon\n" + "".join(
        f"{WARD},{name},{y},{x}\n" for name, (x, y) in points.items()) + f"{OTHER},Khu phố 2,{olat},{olon}\n")
    assert not bad and hamlets.load(db, found) == (3, [])
    made = {"Khu phố 2": [offset(lon, lat, 50, 0), offset(lon, lat, -40, 30)], "Khu phố 10": [
        offset(lon, lat, 900, 20)], "other": [(olon, olat)], "none": [offset(lon, lat, 0, -2600)]}
    ids: dict[str, list[int]] = {}
    for key, spots in made.items():
        items = [ReportIn("web", f"H-{key}-{i}", "noise", NOW - timedelta(hours=i + 1), "ồn", x, y)
                 for i, (x, y) in enumerate(spots)]
        ids[key] = store.insert_reports(db, items, store.reference(db), "test", TZ, NOW).ids
    return ids


def test_the_filter_narrows_the_queue_to_a_hamlet_of_a_ward(pool: ConnectionPool,
                                                           placed: dict[str, list[int]]) -> None:
    def ids(where: q.QueueFilter) -> set[int]:
        return set(q.queue(pool, where, NOW, 0, 100)[1]["id"])

    everything = ids(q.QueueFilter())
    assert everything == {i for v in placed.values() for i in v}
    assert ids(q.QueueFilter(hamlet=(WARD, "Khu phố 2"))) == set(placed["Khu phố 2"])
    # the same name in another ward is another hamlet
    assert ids(q.QueueFilter(hamlet=(OTHER, "Khu phố 2"))) == set(placed["other"])
    assert ids(q.QueueFilter(ward=WARD, hamlet=(WARD, "Khu phố 10"))) == set(placed["Khu phố 10"])
    assert ids(q.QueueFilter(hamlet=(WARD, "Ấp không có"))) == set()
    total, page = q.queue(pool, q.QueueFilter(hamlet=(WARD, "Khu phố 2")), NOW)
    assert total == 2 and set(page["hamlet"]) == {"Khu phố 2"}


def test_the_hamlet_choices_follow_the_ward_and_stay_few(pool: ConnectionPool, db: psycopg.Connection,
                                                        placed: dict[str, list[int]]) -> None:
    mine = view.hamlet_options(q.hamlet_choices(pool, WARD), WARD)
    # natural order: 2 before 10; the value names the ward, the label does not need to
    assert mine == [{"label": "Khu phố 2", "value": f"{WARD}/Khu phố 2"},
                    {"label": "Khu phố 10", "value": f"{WARD}/Khu phố 10"}]
    every = view.hamlet_options(q.hamlet_choices(pool, None), None)
    assert len(every) == 3 and all(" · Phường" in o["label"] for o in every)
    assert view.hamlet_value(every[0]["value"]) in {(WARD, "Khu phố 2"), (OTHER, "Khu phố 2"), (WARD, "Khu phố 10")}
    assert view.hamlet_value(None) is None and view.hamlet_value("") is None
    lon, lat = 109.19, 12.24
    many, _ = hamlets.parse_csv("ward_code,name,lat,lon\n" + "".join(
        f"{OTHER},Tổ {n},{lat},{lon}\n" for n in range(q.HAMLETS_FEW)))
    hamlets.load(db, many)
    assert q.hamlet_choices(pool, None) == []                # too many to list without a ward: choose one first
    assert len(q.hamlet_choices(pool, OTHER)) == q.HAMLETS_FEW + 1
    assert [h["name"] for h in q.hamlet_choices(pool, "99999")] == []


def test_the_card_and_the_detail_name_the_hamlet(app: Dash, placed: dict[str, list[int]]) -> None:
    ioc = context.current()
    rows, _pages, _page, total = act.queue_page(ioc, q.QueueFilter(hamlet=(WARD, "Khu phố 10")), 0, 12, "vi")
    assert total == "1 phản ánh" and rows[0]["ward"].endswith(" · Khu phố 10")
    none, *_ = act.queue_page(ioc, q.QueueFilter(search="H-none-0"), 0, 12, "vi")
    assert " · " not in none[0]["ward"]                      # no hamlet: the ward alone, no dangling separator
    panel = str(act.detail(ioc, placed["Khu phố 10"][0], "vi", "light"))
    assert "Ấp / khu phố / tổ dân phố" in panel and "Khu phố 10" in panel
    assert "Hamlet / quarter" in str(act.detail(ioc, placed["Khu phố 10"][0], "en", "light"))


def test_the_export_has_the_hamlet_as_its_last_column(pool: ConnectionPool, placed: dict[str, list[int]],
                                                      tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    assert export.write_export(pool, path, None, None, TZ) == 5
    with path.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    head = table[0]
    # the columns before it keep their places: consumers read the CSV by position
    assert tuple(head) == public.EXPORT_COLUMNS and head[-1] == "hamlet"
    assert head[:-1] == ["id", "category", "name_vi", "name_en", "status", "description", "lon", "lat", "ward_code",
                         "photo_urls", "department", "department_vi", "department_en", "submitted_at", "updated_at",
                         "due_at", "resolved_at", "public_response"]
    by_id = {int(r[0]): r[-1] for r in table[1:]}
    assert {by_id[i] for i in placed["Khu phố 2"]} == {"Khu phố 2"}
    assert by_id[placed["none"][0]] == ""
    js = tmp_path / "reports.json"
    export.write_export(pool, js, None, None, TZ)
    assert '"hamlet": "Khu phố 10"' in js.read_text(encoding="utf-8")


def test_the_read_api_filters_and_carries_the_hamlet(app: Dash, db: psycopg.Connection,
                                                     placed: dict[str, list[int]]) -> None:
    from urllib.parse import quote

    from dashboards.api.openapi import PREFIX
    from ioc.security import roles
    from tests.dashboards import access

    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = access.api_headers(db, (roles.REPORTS_READ,))["Authorization"]
    body = client.get(f"{PREFIX}/reports?ward={WARD}&hamlet={quote('Khu phố 2')}").get_json()
    assert {r["id"] for r in body["items"]} == set(placed["Khu phố 2"]) and body["total"] == 2
    assert {r["hamlet"] for r in body["items"]} == {"Khu phố 2"}
    both = client.get(f"{PREFIX}/reports?hamlet={quote('Khu phố 2')}").get_json()   # the name in every ward
    assert {r["id"] for r in both["items"]} == set(placed["Khu phố 2"]) | set(placed["other"])
    every = client.get(f"{PREFIX}/reports").get_json()["items"]
    assert {r["id"]: r["hamlet"] for r in every}[placed["none"][0]] is None
