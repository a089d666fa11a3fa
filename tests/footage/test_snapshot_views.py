"""Every view of camera snapshots is logged with its purpose: the read API's camera events show snapshot URLs only to a
role with the right, only when the caller says why, and each snapshot shown is a row of the access log."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from dash import Dash
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc import config
from tests.footage.support import NOW, camera
from tests.security.helpers import api_key, signed_in

URL = "/api/v1/camera-events?from=2026-11-19T00:00:00Z&to=2026-11-21T00:00:00Z"


@pytest.fixture
def server(settings: config.Settings, pool: ConnectionPool) -> Flask:
    app: Dash = create_app(settings, pool)
    return app.server


def _events(db: psycopg.Connection) -> None:
    camera(db, "cam-1")
    for n, url in enumerate(("https://cam.example/a.jpg", None, "https://cam.example/b.jpg")):
        at = NOW - timedelta(minutes=n)
        db.execute("INSERT INTO camera_events (ts, device_id, seq, received_at, type, confidence, snapshot_url) "
                   "VALUES (%s, 'cam-1', %s, %s, 'crowd', 0.9, %s)", [at, n, at, url])


def _log(db: psycopg.Connection) -> list[tuple[str, str, str, str, str]]:
    return db.execute("SELECT viewer, role, subject, purpose, legal_basis FROM personal_data_access "
                      "WHERE data_class = 'camera_snapshot' ORDER BY subject").fetchall()


def test_an_operator_sees_snapshots_only_with_a_purpose_and_each_view_is_logged(db: psycopg.Connection,
                                                                                server: Flask) -> None:
    _events(db)
    operator = signed_in(server, db, "operator", "lan")
    blind = operator.get(URL).get_json()
    assert blind["snapshots"] == "purpose required" and {e["snapshot_url"] for e in blind["items"]} == {None}
    assert _log(db) == []
    purpose = "xác minh vụ va chạm giao thông / checking a traffic collision"
    seen = operator.get(URL + "&purpose=" + purpose).get_json()
    assert seen["snapshots"] == "shown, logged"
    assert sorted(e["snapshot_url"] for e in seen["items"] if e["snapshot_url"]) == \
        ["https://cam.example/a.jpg", "https://cam.example/b.jpg"]
    assert _log(db) == [("lan", "operator", "cam-1@2026-11-20T02:58:00+00:00", purpose, "Law 91/2025/QH15"),
                        ("lan", "operator", "cam-1@2026-11-20T03:00:00+00:00", purpose, "Law 91/2025/QH15")]
    assert operator.get(URL + "&purpose=%01%02%03").status_code == 400     # no control characters in the log


@pytest.mark.parametrize("who", ["viewer", "leader", "footage_officer", "key"])
def test_callers_without_the_right_never_see_snapshots_even_with_a_purpose(db: psycopg.Connection, server: Flask,
                                                                           who: str) -> None:
    _events(db)
    if who == "key":
        client = server.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_key(db, 'read')}"
    else:
        client = signed_in(server, db, who)
    body = client.get(URL + "&purpose=curiosity").get_json()
    assert body["snapshots"] == "not permitted" and {e["snapshot_url"] for e in body["items"]} == {None}
    assert len(body["items"]) == 3 and _log(db) == []
