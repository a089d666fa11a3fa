"""The map seam and partial updates as pure functions: no database, no browser."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
from dash import Patch, no_update

from dashboards import maps
from dashboards.theme import DARK, LIGHT
from dashboards.views import figure_diff
from layers.crs import WGS84


def _fig() -> dict[str, Any]:
    return {"data": [{"type": "scattermap", "uid": "devices-online", "lon": np.array([109.1, 109.2], np.float32),
                      "hovertext": np.array(["a", "b"], dtype=object), "name": "Online (2)"},
                     {"type": "scattermap", "legendgroup": "aqi-good", "lon": [109.3], "marker": {"size": 20}}],
            "layout": {"uirevision": "scene:city", "map": {"zoom": 11}}}


def _ops(patch: object) -> list[tuple[str, tuple[object, ...]]]:
    assert isinstance(patch, Patch)
    return [(op["operation"], tuple(op["location"])) for op in patch.to_plotly_json()["operations"]]


def test_first_update_sends_the_figure_then_nothing_when_unchanged() -> None:
    fig = _fig()
    sent, known = figure_diff.update(fig, None)
    assert sent is fig and set(known) == {"shape", "data", "layout"}
    assert figure_diff.update(_fig(), known) == (no_update, no_update)


def test_a_changed_key_travels_alone() -> None:
    _, known = figure_diff.update(_fig(), None)
    fig = _fig()
    fig["data"][0]["hovertext"] = np.array(["a", "c"], dtype=object)
    fig["data"][0]["name"] = "Online (2)"
    fig["layout"]["map"] = {"zoom": 12}
    patch, _ = figure_diff.update(fig, known)
    assert _ops(patch) == [("Assign", ("data", 0, "hovertext")), ("Assign", ("layout", "map"))]


def test_a_vanished_key_is_deleted_and_a_new_trace_resends_the_figure() -> None:
    _, known = figure_diff.update(_fig(), None)
    fig = _fig()
    del fig["data"][1]["marker"]
    patch, _ = figure_diff.update(fig, known)
    assert _ops(patch) == [("Delete", ("data", 1, "marker"))]
    grown = _fig()
    grown["data"].append({"type": "scattermap", "legendgroup": "aqi-bad", "lon": [1]})
    assert isinstance(figure_diff.update(grown, known)[0], dict)


def test_trace_identity_ignores_counts_in_names() -> None:
    a, b = _fig(), copy.deepcopy(_fig())
    b["data"][0]["name"] = "Online (3)"
    assert figure_diff.known_of(a)["shape"] == figure_diff.known_of(b)["shape"]


def test_offline_style_has_a_source_and_no_network() -> None:
    style = maps.offline_style(DARK, None)
    assert style["sources"] and all(s["type"] == "geojson" for s in style["sources"].values())
    assert "glyphs" not in style and "sprite" not in style and "http" not in str(style)
    assert style["layers"][0]["paint"]["background-color"] == "#0b1220"
    tiles = maps.offline_style(LIGHT, "https://tiles.example.vn/{z}/{x}/{y}.png")
    assert tiles["sources"]["ioc-tiles"]["type"] == "raster" and "ioc-none" not in tiles["sources"]


def test_points_are_wgs84_geometries() -> None:
    frame = pd.DataFrame({"device_id": ["a"], "lon": [109.19], "lat": [12.24]})
    got = maps.points(frame)
    assert got.crs == WGS84 and got.geometry.iloc[0].x == 109.19 and "lon" not in got.columns
