"""One click turns a negative, high-reach, local mention into a field report through the reports' intake, linked
both ways; a second click (or a second person's) opens the same report. On the pure path and through the page's
real callback behind the web guard, CSRF and the reports:handle right."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from pipelines.social import link
from pipelines.social.model import NotReportable
from tests.security.helpers import csrf_header, signed_in
from tests.social.support import NORTH, NOW, TZ, city

OUTPUT = "..social-go.href...social-feedback.children...social-version.data.."


def _mention(db: psycopg.Connection, sentiment: str = "negative", reach: int = 9000, ward: str | None = NORTH,
             topic: str = "street_lighting") -> int:
    row = db.execute("""INSERT INTO social_mentions (provider, source, url, published_at, topic, sentiment, reach,
                                                     summary, ward_code, ward_how)
                        VALUES ('acme', 'facebook', 'https://fb.com/p/' || gen_random_uuid(), %s, %s, %s, %s,
                                'Cả dãy đèn đường tắt', %s, %s) RETURNING id""",
                     [NOW, topic, sentiment, reach, ward, "unknown" if ward is None else "given"]).fetchone()
    assert row is not None
    return int(row[0])


def test_create_report_is_idempotent_and_linked_both_ways(db: psycopg.Connection) -> None:
    city(db)
    mid = _mention(db)
    first = link.create_report(db, mid, "an", tz=TZ, now=NOW)
    again = link.create_report(db, mid, "binh", tz=TZ, now=NOW)
    assert first.created and not again.created and first.report_id == again.report_id
    report = db.execute("SELECT source, external_id, category, ward_code, department, status, description "
                        "FROM reports").fetchall()
    assert len(report) == 1
    assert report[0][:6] == ("social", f"mention:{mid}", "lighting", NORTH, "lighting", "received")
    assert "Cả dãy đèn đường tắt" in report[0][6] and "https://fb.com/p/" in report[0][6]
    history = db.execute("SELECT actor, detail FROM report_history WHERE report_id = %s", [first.report_id]).fetchone()
    assert history is not None and history[0] == "an" and history[1]["social_mention_id"] == mid
    assert link.mention_of_report(db, first.report_id) == mid


@pytest.mark.parametrize(("sentiment", "reach", "ward"), [("neutral", 9000, NORTH), ("negative", 4999, NORTH),
                                                          ("negative", 9000, None)])
def test_only_negative_high_reach_local_mentions_become_reports(db: psycopg.Connection, sentiment: str, reach: int,
                                                                ward: str | None) -> None:
    city(db)
    with pytest.raises(NotReportable):
        link.create_report(db, _mention(db, sentiment, reach, ward), "an", tz=TZ, now=NOW)
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (0,)


@pytest.fixture
def server(settings: Settings, pool: ConnectionPool) -> Flask:
    return create_app(settings, pool).server


def _click(client: FlaskClient, mention: int) -> Any:
    button = {"index": mention, "type": "social-report"}
    body = {"output": OUTPUT, "outputs": [{"id": "social-go", "property": "href"},
                                          {"id": "social-feedback", "property": "children"},
                                          {"id": "social-version", "property": "data"}],
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": "social-version", "property": "data", "value": 0},
                      {"id": "social-opts", "property": "data", "value": {"lang": "vi", "theme": "light"}}],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def test_the_button_through_the_page_opens_one_report(db: psycopg.Connection, server: Flask) -> None:
    city(db)
    mid = _mention(db)
    viewer = signed_in(server, db, "viewer", "viewer-s")
    assert _click(viewer, mid).status_code == 403                       # reading is not handling
    operator = signed_in(server, db, "operator", "op-s")
    first = _click(operator, mid)
    assert first.status_code == 200, first.data[:300]
    rid = db.execute("SELECT report_id FROM social_mentions WHERE id = %s", [mid]).fetchone()
    assert rid is not None and rid[0] is not None
    answer = first.get_json()["response"]
    assert answer["social-go"]["href"] == f"/reports?report={rid[0]}&lang=vi"
    assert f"Đã tạo phản ánh #{rid[0]}" in json.dumps(answer, ensure_ascii=False)
    second = _click(operator, mid).get_json()["response"]
    assert second["social-go"]["href"] == f"/reports?report={rid[0]}&lang=vi"
    assert "đã có phản ánh" in json.dumps(second, ensure_ascii=False)
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (1,)
