"""Corroboration rules: R, T and the category → metric mapping with thresholds, from a YAML file.

The shipped file is ``corroboration.yaml`` next to this module; ``load_rules(path)`` lays another file over it.
Metric and event names are checked against the MQTT contract, so a typo fails at load with the key that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ioc.errors import ConfigError
from sensors.contract import CAMERA_EVENT_TYPES, ENV_METRICS

ENV_COLUMNS = tuple(ENV_METRICS.values())
AGGREGATES = ("max", "sum")
NIGHT = (21, 6)   # local hours: night from 21:00 to 06:00 (QCVN 26:2010)


@dataclass(frozen=True)
class EnvRule:
    metric: str
    above: float
    agg: str = "max"
    unit: str = ""
    night_above: float | None = None

    def threshold(self, local_hour: int) -> float:
        night = local_hour >= NIGHT[0] or local_hour < NIGHT[1]
        return self.night_above if night and self.night_above is not None else self.above


@dataclass(frozen=True)
class WifiRule:
    ratio_above: float = 1.5
    min_baseline: float = 5.0


@dataclass(frozen=True)
class CategoryRule:
    radius_m: float
    window_min: float
    min_confidence: float
    env: tuple[EnvRule, ...] = ()
    camera: tuple[str, ...] = ()
    wifi: WifiRule | None = None

    @property
    def measurable(self) -> bool:
        return bool(self.env or self.camera or self.wifi)


@dataclass(frozen=True)
class Rules:
    radius_m: float
    window_min: float
    min_confidence: float
    categories: Mapping[str, CategoryRule] = field(default_factory=dict)

    def for_category(self, code: str, parent: str | None = None) -> CategoryRule:
        found = self.categories.get(code) or (self.categories.get(parent) if parent else None)
        return found or CategoryRule(self.radius_m, self.window_min, self.min_confidence)


def load_rules(path: Path | None = None) -> Rules:
    """The shipped rules, with ``path``'s top-level values and categories laid over them."""
    shipped = resources.files("pipelines.reports").joinpath("corroboration.yaml").read_text(encoding="utf-8")
    data = _yaml(shipped, "corroboration.yaml")
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"{path}: no such rules file")
        extra = _yaml(path.read_text(encoding="utf-8"), path.name)
        data = {**data, **{k: v for k, v in extra.items() if k != "categories"},
                "categories": {**data.get("categories", {}), **(extra.get("categories") or {})}}
    return _rules(data, path.name if path else "corroboration.yaml")


def _yaml(text: str, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping at the top")
    return data


def _positive(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where}: expected a positive number, not {value!r}")
    return float(value)


def _rules(data: Mapping[str, Any], name: str) -> Rules:
    base = Rules(_positive(data.get("radius_m", 300), f"{name}: radius_m"),
                 _positive(data.get("window_min", 60), f"{name}: window_min"),
                 float(data.get("min_confidence", 0.5)))
    cats = {str(code): _category(spec or {}, base, f"{name}: categories.{code}")
            for code, spec in (data.get("categories") or {}).items()}
    return Rules(base.radius_m, base.window_min, base.min_confidence, cats)


def _category(spec: Mapping[str, Any], base: Rules, where: str) -> CategoryRule:
    env = tuple(_env(e, f"{where}.env[{i}]") for i, e in enumerate(spec.get("env") or ()))
    camera = tuple(str(t) for t in spec.get("camera") or ())
    unknown = [t for t in camera if t not in CAMERA_EVENT_TYPES]
    if unknown:
        raise ConfigError(f"{where}.camera: unknown event type {unknown[0]!r}; "
                          f"expected one of {', '.join(CAMERA_EVENT_TYPES)}")
    wifi = spec.get("wifi")
    return CategoryRule(
        _positive(spec.get("radius_m", base.radius_m), f"{where}.radius_m"),
        _positive(spec.get("window_min", base.window_min), f"{where}.window_min"),
        float(spec.get("min_confidence", base.min_confidence)), env, camera,
        WifiRule(_positive(wifi.get("ratio_above", 1.5), f"{where}.wifi.ratio_above"),
                 _positive(wifi.get("min_baseline", 5), f"{where}.wifi.min_baseline")) if wifi else None)


def _env(spec: Mapping[str, Any], where: str) -> EnvRule:
    metric, agg = str(spec.get("metric")), str(spec.get("agg", "max"))
    if metric not in ENV_COLUMNS:
        raise ConfigError(f"{where}.metric: unknown metric {metric!r}; expected one of {', '.join(ENV_COLUMNS)}")
    if agg not in AGGREGATES:
        raise ConfigError(f"{where}.agg: {agg!r}; expected one of {', '.join(AGGREGATES)}")
    night = spec.get("night_above")
    return EnvRule(metric, _number(spec.get("above"), f"{where}.above"), agg, str(spec.get("unit", "")),
                   None if night is None else _number(night, f"{where}.night_above"))


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number, not {value!r}")
    return float(value)
