"""The Pages router check reads the pathname where Dash reads it: by position in ``inputs + state``, not by id.

A kiosk may render the wall. Requests that label their inputs differently from their order must not make the
guard check one pathname while Dash renders another (issue 14).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient

from dashboards import auth
from ioc.security import policy, roles
from tests.security.helpers import csrf_header, kiosk_token, outputs_of

LOC = "_pages_location"


def _item(prop: str, value: str, ident: str = LOC) -> dict[str, Any]:
    return {"id": ident, "property": prop, "value": value}


@pytest.fixture
def kiosk(server: Flask, db: psycopg.Connection) -> FlaskClient:
    client = server.test_client()
    _, token = kiosk_token(db)
    assert client.get(f"/wall?kiosk={token}").status_code == 200
    return client


def _post(app: Dash, client: FlaskClient, inputs: list[Any], state: list[Any] | None = None) -> Any:
    router = next(k for k in app.callback_map if "_pages_content" in k)
    body = {"output": router, "outputs": outputs_of(router), "inputs": inputs, "state": state or [],
            "changedPropIds": [f"{LOC}.pathname"]}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def test_the_router_shape_is_read_from_dash(app: Dash) -> None:
    """Fails when a Dash upgrade moves the router's pathname: then the pin in pyproject.toml must be revisited."""
    shapes = [v for v in auth.callback_requirements(app).values() if isinstance(v, policy.RouterShape)]
    assert shapes == [policy.RouterShape(0, 2)]


def test_a_kiosk_renders_the_wall_in_dash_order(app: Dash, kiosk: FlaskClient) -> None:
    resp = _post(app, kiosk, [_item("pathname", "/wall"), _item("search", "")])
    assert resp.status_code == 200 and "wall" in resp.get_data(as_text=True)


@pytest.mark.parametrize("inputs, state", [
    # reordered: Dash renders the first slot (/kpis); a check by id would see /wall
    ([_item("search", "/kpis"), _item("pathname", "/wall")], []),
    # renamed: the slot Dash reads carries another id
    ([_item("pathname", "/kpis", "not-the-location"), _item("pathname", "/wall")], []),
    ([{"id": {"type": LOC}, "property": "pathname", "value": "/kpis"}, _item("pathname", "/wall")], []),
    # duplicated: the pathname twice, the first (rendered) one foreign
    ([_item("pathname", "/kpis"), _item("pathname", "/wall")], []),
    # the slot Dash reads moved into state
    ([_item("search", "/adoption")], [_item("pathname", "/wall")]),
    # another count than the router's: Dash would refuse it; the guard opens nothing either
    ([_item("pathname", "/wall"), _item("search", ""), _item("pathname", "/kpis")], []),
    ([_item("pathname", "/wall")], []),
])
def test_a_kiosk_gets_no_foreign_layout(app: Dash, kiosk: FlaskClient, inputs: list[Any], state: list[Any]) -> None:
    resp = _post(app, kiosk, inputs, state)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 403, (resp.status_code, text[:200])
    assert "_pages_content" not in text


def test_an_unknown_router_shape_needs_admin() -> None:
    spec = {"inputs": [{"id": LOC, "property": "search"}], "state": [], "inputs_state_indices": {"pathname_": 0}}
    assert auth.router_shape(spec) is None
    assert auth.router_shape({"inputs": [], "state": [], "inputs_state_indices": [0]}) is None
    assert policy.callback_requirement({"r": policy.ROUTER}, {"output": "r", "inputs": [_item("pathname", "/")]}) \
        == roles.ADMIN
