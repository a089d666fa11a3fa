"""The grouping decision alone (pure): near in space and time joins, far does not, a group needs min_items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipelines.incidents.correlate import Evidence, Live, metres, plan
from pipelines.incidents.types import incident_types

T0 = datetime(2026, 10, 14, 8, 0, tzinfo=UTC)
LON, LAT = 109.19, 12.24
M = 1 / 111_320     # about a metre of latitude, in degrees


def ev(ref: str, north_m: float = 0, minutes: float = 0, types: tuple[str, ...] = ("flooding",),
       source: str = "report") -> Evidence:
    return Evidence(source, ref, T0 + timedelta(minutes=minutes), LON, LAT + north_m * M, None, ref, types)


def test_distance_is_metres_on_the_ground() -> None:
    assert abs(metres((LON, LAT), (LON, LAT + 1000 * M)) - 1000) < 5


def test_near_evidence_makes_one_suggestion_and_far_evidence_waits() -> None:
    decided = plan([ev("a"), ev("b", 150, 20), ev("c", 300, 40), ev("far", 5000, 10)], [], incident_types())
    assert [(t, [e.ref for e in g]) for t, g in decided.new] == [("flooding", ["a", "b", "c"])]
    assert decided.joins == []


def test_a_single_report_is_not_yet_a_flood_but_one_camera_accident_is_an_accident() -> None:
    types = incident_types()
    assert plan([ev("a")], [], types).new == []
    crash = ev("cam", types=("traffic_accident",), source="camera_event")
    assert [t for t, _ in plan([crash], [], types).new] == ["traffic_accident"]


def test_late_evidence_joins_the_live_incident_within_its_window_only() -> None:
    live = [Live(7, "flooding", T0, [(LON, LAT)])]
    decided = plan([ev("late", 200, 90), ev("too-late", 200, 60 * 5)], live, incident_types())
    assert [(i, e.ref) for i, e in decided.joins] == [(7, "late")]
    assert decided.new == []


def test_evidence_never_joins_an_incident_of_another_type() -> None:
    live = [Live(7, "traffic_accident", T0, [(LON, LAT)])]
    decided = plan([ev("a"), ev("b", 50)], live, incident_types())
    assert decided.joins == [] and len(decided.new) == 1
