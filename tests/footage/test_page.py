"""/footage: viewers see counts only (by month, purpose, outcome and ward); footage officers see the register and the
overdue destructions. Checked on the view model and through the real web guard and callback."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from dashboards.context import IocContext
from dashboards.theme import theme_for
from dashboards.views import footage as view
from ioc import config
from ioc.security import roles
from ioc.security.principal import Principal
from pipelines.footage import workflow
from tests.footage.support import NOW, ask, officers
from tests.security.helpers import csrf_header, signed_in

OUTPUT = ("..footage-months.figure...footage-outcomes.figure...footage-wards.children...footage-register.children..."
          "footage-total.children..")


def _who(role: str) -> Principal:
    return Principal("user", f"{role}-1", role, roles.permissions_of(role))


def _register(db: psycopg.Connection) -> None:
    officers(db)
    late = ask(db)
    workflow.approve(db, late, "binh", now=NOW + timedelta(hours=1))
    workflow.export(db, late, "an", [Path(__file__)], now=NOW + timedelta(hours=2))
    refused = ask(db, "other", "tìm người đi lạc", at=NOW + timedelta(days=35), cameras=("cam-9",))
    workflow.refuse(db, refused, "binh", "không đủ căn cứ", now=NOW + timedelta(days=35, hours=1))
    done = ask(db, "ttatgt", at=NOW + timedelta(days=36))
    workflow.approve(db, done, "binh", now=NOW + timedelta(days=36, hours=1))
    workflow.export(db, done, "an", [Path(__file__)], now=NOW + timedelta(days=36, hours=2))
    workflow.outcome(db, done, "an", "traffic_accident", now=NOW + timedelta(days=37))


def test_viewers_get_counts_and_officers_also_the_register(db: psycopg.Connection, pool: ConnectionPool,
                                                           settings: config.Settings) -> None:
    _register(db)
    ioc, theme = IocContext(settings, given=pool), theme_for("light", "light")
    seen = view.page(ioc, _who("viewer"), theme, "vi", now=NOW + timedelta(days=40))
    assert seen.total == 3
    months = {tr["name"]: dict(zip(tr["x"], tr["y"], strict=True)) for tr in seen.months["data"]}
    assert months["An ninh trật tự (ANTT)"] == {"2026-11-01": 1, "2026-12-01": 0}
    assert months["Mục đích khác"] == {"2026-11-01": 0, "2026-12-01": 1}     # 35 days later, local month
    outcomes = {tr["name"]: tr["x"] for tr in seen.outcomes["data"]}
    assert outcomes == {"Làm rõ tai nạn giao thông": [0, 1, 0], "Chưa có kết quả": [1, 0, 0],
                        "Từ chối trích xuất": [0, 0, 1]}
    text = json.dumps(seen.register.__repr__()) + repr(seen.wards)
    assert "Trần Văn Hùng" not in text and "footage-counts-only" in text
    officer = view.page(ioc, _who("footage_officer"), theme, "en", now=NOW + timedelta(days=40))
    shown = repr(officer.register)
    assert "Trần Văn Hùng" in shown and "1 copies are past their destruction date: no. 1" in shown
    assert "footage-row-late" in shown


@pytest.fixture
def server(settings: config.Settings, pool: ConnectionPool) -> Flask:
    return create_app(settings, pool).server


@pytest.mark.parametrize(("role", "sees_register"), [("viewer", False), ("leader", False), ("operator", False),
                                                      ("admin", False), ("footage_officer", True)])
def test_the_callback_gives_the_register_only_to_a_footage_officer(db: psycopg.Connection, server: Flask,
                                                                   role: str, sees_register: bool) -> None:
    _register(db)
    client = signed_in(server, db, role, f"{role.replace('_', '-')}-x")
    body = {"output": OUTPUT, "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                          for o in OUTPUT.strip(".").split("...")],
            "inputs": [{"id": "footage-opts", "property": "data", "value": {"lang": "vi", "theme": "light"}},
                       {"id": "footage-tick", "property": "n_intervals", "value": None},
                       {"id": "footage-version", "property": "data", "value": 0}],
            "state": [], "changedPropIds": ["footage-opts.data"]}
    resp = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    assert resp.status_code == 200, resp.data[:300]
    text = resp.get_data(as_text=True)
    assert "3 lượt trích xuất" in text
    assert ("Trần Văn Hùng" in text) == sees_register and ("footage-counts-only" in text) != sees_register


def test_a_stranger_is_sent_to_sign_in(server: Flask) -> None:
    resp = server.test_client().get("/footage")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


SUBMIT = "..footage-f-feedback.children...footage-version.data.."
FORM = ("footage-f-requester", "footage-f-unit", "footage-f-purpose", "footage-f-reason", "footage-f-basis",
        "footage-f-cameras", "footage-f-from", "footage-f-to", "footage-a-id", "footage-a-action", "footage-a-text",
        "footage-a-outcome", "footage-a-by")


def _submit(client: Any, trigger: str, **values: Any) -> Any:
    state = [{"id": i, "property": "value", "value": values.get(i)} for i in FORM]
    state += [{"id": "footage-version", "property": "data", "value": 0},
              {"id": "footage-opts", "property": "data", "value": {"lang": "en", "theme": "light"}}]
    body = {"output": SUBMIT, "outputs": [{"id": "footage-f-feedback", "property": "children"},
                                          {"id": "footage-version", "property": "data"}],
            "inputs": [{"id": "footage-f-submit", "property": "n_clicks", "value": 1 if "f" in trigger else None},
                       {"id": "footage-a-submit", "property": "n_clicks", "value": 1 if "a" in trigger else None}],
            "state": state, "changedPropIds": [f"{trigger}.n_clicks"]}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


NEW = {"footage-f-requester": "Trần Văn Hùng", "footage-f-unit": "CA phường", "footage-f-purpose": "ttatgt",
       "footage-f-basis": "CV 12", "footage-f-cameras": "cam-1, cam-2", "footage-f-from": "2026-11-19T08:00",
       "footage-f-to": "2026-11-19T09:30"}


def test_officers_register_and_approve_on_the_page_and_nobody_else_can(db: psycopg.Connection,
                                                                        server: Flask) -> None:
    officers(db)
    for role in ("viewer", "operator", "admin"):
        other = signed_in(server, db, role, f"{role}-y")
        assert _submit(other, "footage-f-submit", **NEW).status_code == 403
    assert db.execute("SELECT count(*) FROM footage_register").fetchone() == (0,)
    an = signed_in(server, db, "footage_officer", "an-web")
    done = _submit(an, "footage-f-submit", **NEW)
    assert done.status_code == 200 and "Request 1 registered" in done.get_data(as_text=True)
    row = db.execute("SELECT actor, purpose, details ->> 'from', details -> 'cameras' FROM footage_register").fetchone()
    assert row == ("an-web", "ttatgt", "2026-11-19T01:00:00+00:00", ["cam-1", "cam-2"])   # typed in local time
    same = _submit(an, "footage-a-submit", **{"footage-a-id": 1, "footage-a-action": "approve"})
    assert "another footage officer must approve" in same.get_data(as_text=True)
    binh = signed_in(server, db, "footage_officer", "binh-web")
    ok = _submit(binh, "footage-a-submit", **{"footage-a-id": 1, "footage-a-action": "approve",
                                               "footage-a-by": "2027-01-15"})
    assert "Extraction 1: Approve recorded" in ok.get_data(as_text=True)
    assert db.execute("SELECT actor, details ->> 'destroy_by' FROM footage_register WHERE id = 2").fetchone() == \
        ("binh-web", "2027-01-15")
    bad = _submit(binh, "footage-f-submit", **(NEW | {"footage-f-purpose": "other"}))
    assert "purpose 'other' needs a reason" in bad.get_data(as_text=True)
