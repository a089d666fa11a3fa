"""``ioc reports pull``: against our own Open311 server in-process, and a recorded foreign server's answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from psycopg import sql
from werkzeug.serving import make_server

from dashboards.app import create_app
from ioc import config, stack
from ioc import db as iodb
from ioc.errors import ImportDataError
from pipelines.reports import open311_client, store
from pipelines.reports.model import Contact, ReportIn
from tests.conftest import _clone, database_url_for
from tests.reports import helpers
from tests.reports.helpers import PHONE, TZ, local

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


@pytest.fixture
def remote_url(services: stack.Endpoints, template_db: str, db_url: str) -> Iterator[str]:
    """Another city's database, with three requests (one closed), served by our own app on a free port."""
    name = db_url.rsplit("/", 1)[1] + "_remote"
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        _clone(conn, template_db, name)
    url = database_url_for(services.database_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        where = helpers.load_wards(conn, ("22366",))["22366"]
        items = [ReportIn("hotline_1022", f"R{i}", code, local(2026, 11, 20, 8 + i), f"remote {i}", *where,
                          contact=Contact("Lan", PHONE)) for i, code in enumerate(("flooding", "noise", "roads"))]
        store.insert_reports(conn, items, store.reference(conn), "test", TZ, NOW)
        conn.execute("UPDATE reports SET status = 'resolved', outcome = 'resolved', resolved_at = now() "
                     "WHERE external_id = 'R2'")
    pool = iodb.pool(url, max_size=2)
    server = make_server("127.0.0.1", 0, create_app(config.load(database_url=url), pool).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    finally:
        server.shutdown()
        pool.close()
        with psycopg.connect(services.database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_pull_from_our_own_server(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                  remote_url: str) -> None:
    first = open311_client.pull(db, remote_url, tz=TZ, now=NOW, params={"status": "open"})
    assert (first.fetched, first.imported, first.skipped, first.unknown_fields) == (2, 2, [], set())
    rows = db.execute("SELECT source, external_id, category, ward_code, submitted_at FROM reports "
                      "ORDER BY submitted_at").fetchall()
    host = remote_url.split("/")[2]
    assert rows == [("open311", f"{host}:1", "flooding", "22366", local(2026, 11, 20, 8)),
                    ("open311", f"{host}:2", "noise", "22366", local(2026, 11, 20, 9))]
    assert db.execute("SELECT count(*) FROM report_contacts").fetchone() == (0,)   # contacts never travel
    again = open311_client.pull(db, remote_url, tz=TZ, now=NOW, params={"status": "open"})
    assert (again.imported, again.duplicates) == (0, 2)
    everything = open311_client.pull(db, remote_url, tz=TZ, now=NOW, params={}, include_closed=True)
    assert (everything.fetched, everything.imported) == (3, 1)


RECORDED: list[dict[str, Any]] = [
    {"service_request_id": 638344, "status": "open", "service_code": "SL", "service_name": "Street light out",
     "requested_datetime": "2026-11-19T14:37:38.000Z", "lat": 12.2402, "long": 109.1951, "ward_secret": "x",
     "agency_responsible": None, "media_url": "https://foreign.example/m/1.jpg", "token": "abc"},
    {"service_request_id": "638345", "status": "open", "service_name": "Pothole",
     "requested_datetime": "2026-11-19T15:00:00+07:00", "address": "12 Trần Phú"},
    {"status": "open", "service_code": "X", "requested_datetime": "2026-11-19T15:00:00+07:00"},
    {"service_request_id": "638347", "status": "open", "requested_datetime": "soon", "lat": 12.2, "long": 109.2},
    {"service_request_id": "638348", "status": "closed", "service_code": "noise",
     "requested_datetime": "2026-11-18T10:00:00+07:00", "lat": 12.24, "long": 109.19},
    {"service_request_id": "638349", "status": "open", "service_code": "B7", "service_name": "Bicycle left",
     "requested_datetime": "2026-11-19T16:00:00+07:00", "lat": 12.24, "long": 109.19, "extra_field": [1, 2]},
]


@pytest.fixture
def recorded() -> Iterator[tuple[str, list[str]]]:
    """A tiny http.server answering every GET with :data:`RECORDED`; the requested paths are kept."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:   # noqa: N802 - http.server's name
            seen.append(self.path)
            body = json.dumps(RECORDED).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/open311/v2", seen
    finally:
        server.shutdown()
        server.server_close()


def test_pull_tolerates_missing_and_unknown_fields_and_says_what_it_skipped(
        db: psycopg.Connection, wards: dict[str, tuple[float, float]], recorded: tuple[str, list[str]]) -> None:
    url, seen = recorded
    found = open311_client.pull(db, url, tz=TZ, now=NOW, params={"status": "open", "service_code": ""})
    assert seen == ["/open311/v2/requests.json?status=open"]
    assert (found.fetched, found.imported, found.mapped_to_other, found.without_point) == (6, 3, 1, 1)
    assert found.unknown_fields == {"ward_secret", "extra_field"}
    assert found.skipped == ["no service_request_id",
                             "638347: requested_datetime: 'soon' is not a time (expected 2026-02-13T15:00:00+07:00 "
                             "or 13/02/2026 15:00)", "638348: closed at the source"]
    rows = db.execute("SELECT external_id, category, ward_code, photo_urls, address FROM reports "
                      "ORDER BY id").fetchall()
    host = url.split("/")[2]
    assert rows == [(f"{host}:638344", "lighting", "22366", ["https://foreign.example/m/1.jpg"], None),
                    (f"{host}:638345", "roads", None, [], "12 Trần Phú"),
                    (f"{host}:638349", "other", "22366", [], None)]


def test_pull_cli_and_an_unreachable_server(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                            recorded: tuple[str, list[str]], settings: config.Settings,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from smartward.cli import main

    url, _ = recorded
    assert main(["--database-url", str(settings.database_url), "reports", "pull", url]) == 0
    out = capsys.readouterr().out
    assert "skipped 638348: closed at the source" in out
    assert "ignored unknown fields: extra_field, ward_secret" in out
    assert "6 requests, 3 imported, 0 already known, 3 skipped; 1 mapped to 'other', 1 without a point" in out
    with pytest.raises(ImportDataError, match="cannot reach the server"):
        open311_client.pull(db, "http://127.0.0.1:9/open311/v2", tz=TZ, now=NOW, params={}, timeout=2)
