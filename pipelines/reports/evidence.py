"""Corroboration, pure: what the sensors near a report measured around its time, judged against the rules.

Verdicts: ``corroborated`` (some sensor crossed its threshold), ``not_corroborated`` (sensors that measure this
category were within R and reported within ±T, and none crossed) and ``no_sensor`` (no such sensor reported near
the report then; a device that was silent in the window cannot speak for or against it). Every finding keeps its
numbers (device, distance, value, threshold) so people can judge the judgement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pipelines.reports.evidence_rules import CategoryRule

VERDICT_RANK = {"corroborated": 0, "no_sensor": 1, "not_corroborated": 2}


@dataclass(frozen=True)
class EnvObs:
    device_id: str
    distance_m: float
    values: Mapping[str, tuple[int, float | None]]    # metric → (readings in the window, aggregate)


@dataclass(frozen=True)
class CameraObs:
    device_id: str
    distance_m: float
    active: bool                                      # sent telemetry or events in the window
    events: Mapping[str, tuple[int, float]]           # type → (count, highest confidence), confident ones only


@dataclass(frozen=True)
class WifiObs:
    device_id: str
    distance_m: float
    n_now: int
    mean_now: float | None
    mean_before: float | None                         # the same window one week earlier


@dataclass(frozen=True)
class Observations:
    env: tuple[EnvObs, ...] = ()
    cameras: tuple[CameraObs, ...] = ()
    wifi: tuple[WifiObs, ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: str              # env, camera, wifi
    device_id: str
    distance_m: float
    measure: str           # the metric, the event type, or "clients"
    value: float
    threshold: float
    hit: bool
    unit: str = ""
    baseline: float | None = None


@dataclass(frozen=True)
class Corroboration:
    verdict: str
    findings: tuple[Finding, ...]
    radius_m: float
    window_min: float

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "radius_m": self.radius_m, "window_min": self.window_min,
                "findings": [asdict(f) for f in self.findings]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Corroboration:
        return cls(str(data["verdict"]), tuple(Finding(**f) for f in data.get("findings", ())),
                   float(data["radius_m"]), float(data["window_min"]))


def judge(rule: CategoryRule, obs: Observations, local_hour: int) -> Corroboration:
    """The verdict for a report submitted at ``local_hour`` from what the nearby sensors saw."""
    findings = [*_env(rule, obs, local_hour), *_cameras(rule, obs), *_wifi(rule, obs)]
    findings.sort(key=lambda f: (not f.hit, f.distance_m, f.device_id, f.measure))
    verdict = ("corroborated" if any(f.hit for f in findings)
               else "not_corroborated" if findings else "no_sensor")
    return Corroboration(verdict, tuple(findings), rule.radius_m, rule.window_min)


def _env(rule: CategoryRule, obs: Observations, local_hour: int) -> list[Finding]:
    out = []
    for r in rule.env:
        for o in obs.env:
            n, value = o.values.get(r.metric, (0, None))
            if n and value is not None:
                limit = r.threshold(local_hour)
                out.append(Finding("env", o.device_id, o.distance_m, r.metric, float(value), limit, value > limit,
                                   r.unit))
    return out


def _cameras(rule: CategoryRule, obs: Observations) -> list[Finding]:
    if not rule.camera:
        return []
    out = []
    for o in obs.cameras:
        seen = [(t, o.events[t]) for t in rule.camera if t in o.events and o.events[t][0] > 0]
        for event_type, (count, _conf) in seen:
            out.append(Finding("camera", o.device_id, o.distance_m, event_type, float(count), 1.0, True, "events"))
        if not seen and o.active:
            out.append(Finding("camera", o.device_id, o.distance_m, "/".join(rule.camera), 0.0, 1.0, False,
                               "events"))
    return out


def _wifi(rule: CategoryRule, obs: Observations) -> list[Finding]:
    if rule.wifi is None:
        return []
    out = []
    for o in obs.wifi:
        if not o.n_now or o.mean_now is None:
            continue
        # crowding is relative to the same hour last week; a near-empty week is floored so 2 → 4 clients is no crowd
        limit = rule.wifi.ratio_above * max(o.mean_before or 0.0, rule.wifi.min_baseline)
        out.append(Finding("wifi", o.device_id, o.distance_m, "clients", round(o.mean_now, 2), round(limit, 2),
                           o.mean_now >= limit, "clients", o.mean_before))
    return out
