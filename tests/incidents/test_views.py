"""The wall's incident tile, the incident outlines on maps, and the outline rings: pure functions of rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dashboards.views import wall_incidents
from layers.outlines import connected, rings

NOW = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SQUARE = {"type": "Polygon", "coordinates": [[[109.0, 12.0], [109.01, 12.0], [109.01, 12.01], [109.0, 12.0]]]}


def row(i: int, status: str = "confirmed", severity: str = "major", overdue: int = 0,
        geo: dict[str, object] | None = None) -> dict[str, object]:
    return {"id": i, "status": status, "severity": severity, "overdue_steps": overdue, "name_vi": "Ngập úng",
            "name_en": "Flooding", "ward_codes": ["22333"], "ward_names": ["Phường Bắc Nha Trang"],
            "last_evidence_at": NOW, "lon": 109.005, "lat": 12.005,
            "geojson": json.dumps(geo or {"type": "Point", "coordinates": [109.005, 12.005]})}


def test_rings_of_polygons_and_none_of_points() -> None:
    assert rings(SQUARE) == [([109.0, 109.01, 109.01, 109.0], [12.0, 12.0, 12.01, 12.0])]
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], SQUARE["coordinates"]]}
    assert len(rings(json.dumps(multi))) == 2
    assert rings({"type": "Point", "coordinates": [1, 2]}) == [] and rings(None) == []
    assert connected(rings(multi))[0].count(None) == 2


def test_the_tile_names_the_first_counts_suggestions_and_turns_red_when_a_step_is_overdue() -> None:
    calm = wall_incidents.tile([row(3), row(4, "suggested")], NOW, VN, "vi")
    assert calm.value == "2" and calm.color is None
    assert calm.caption == "1 đề xuất chờ xác nhận · 0 bước quá hạn"
    assert "16:30:00 · #3 Ngập úng · Phường Bắc Nha Trang" in str(calm.detail[0].children)
    late = wall_incidents.tile([row(3, severity="critical", overdue=2)], NOW, VN, "en")
    assert late.color == "#dc2626" and late.caption == "0 suggestions to confirm · 2 steps overdue"
    assert wall_incidents.tile([], NOW, VN, "vi").value == "0"


def test_map_traces_outline_areas_and_ring_every_incident() -> None:
    traces = wall_incidents.map_traces([row(3, geo=SQUARE), row(4, "suggested", "minor")], "vi")
    assert [t["uid"] for t in traces] == ["incidents-area-major", "incidents"]
    assert traces[0]["fill"] == "toself" and traces[0]["line"]["color"] == "#ea580c"
    assert traces[1]["name"] == "◎ Sự cố (2)" and traces[1]["text"] == ["#3 Ngập úng", "#4 Ngập úng"]
