"""Which of a provider's columns feeds which field, and which of its words mean which topic or sentiment.

Built-in aliases cover the usual English and Vietnamese exports; a provider's own profile (``ioc social providers
add NAME --profile FILE``, YAML or JSON) adds its column names, its value words and defaults::

    columns: {"Link bài viết": url, "Chủ đề": topic, "Sắc thái": sentiment}
    values:  {topic: {"Úng ngập": flooding}, source: {"FB": facebook}}
    defaults: {source: facebook}

Names and words are compared folded (:func:`fold`: case, Vietnamese marks, ``_``/``-``/``.`` and spacing ignored),
so "Sắc thái", "sac_thai" and "SAC THAI" meet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from ioc.errors import ImportDataError
from ioc.textfold import unmarked
from pipelines.social.model import SENTIMENTS, TOPICS

FIELDS: Final = ("url", "source", "published_at", "topic", "sentiment", "reach", "summary", "ward", "lat", "lon",
                 "synthetic")
REQUIRED: Final = ("url", "published_at", "topic", "sentiment", "reach")


def fold(text: object) -> str:
    return " ".join(re.split(r"[\s_\-.:/]+", unmarked(text).strip())).strip()


COLUMN_ALIASES: Final = {fold(k): v for k, v in {
    "url": "url", "link": "url", "post url": "url", "post link": "url", "permalink": "url", "duong dan": "url",
    "lien ket": "url", "link bai viet": "url", "source": "source", "platform": "source", "network": "source",
    "channel": "source", "nguon": "source", "nen tang": "source", "kenh": "source", "mang xa hoi": "source",
    "published": "published_at", "published at": "published_at", "published time": "published_at",
    "date": "published_at", "time": "published_at", "created at": "published_at", "thoi gian": "published_at",
    "ngay dang": "published_at", "thoi gian dang": "published_at", "topic": "topic", "category": "topic",
    "chu de": "topic", "linh vuc": "topic", "sentiment": "sentiment", "tone": "sentiment", "sac thai": "sentiment",
    "cam xuc": "sentiment", "thai do": "sentiment", "reach": "reach", "impressions": "reach", "views": "reach",
    "tiep can": "reach", "luot tiep can": "reach", "luot xem": "reach", "summary": "summary", "text": "summary",
    "content": "summary", "snippet": "summary", "tom tat": "summary", "noi dung": "summary", "ward": "ward",
    "ward code": "ward", "ward name": "ward", "phuong": "ward", "ma phuong": "ward", "phuong xa": "ward",
    "dia ban": "ward", "lat": "lat", "latitude": "lat", "vi do": "lat", "lon": "lon", "lng": "lon",
    "longitude": "lon", "kinh do": "lon", "synthetic": "synthetic", "mo phong": "synthetic",
    "du lieu mo phong": "synthetic"}.items()}

VALUE_ALIASES: Final[dict[str, dict[str, str]]] = {
    "topic": {fold(k): v for k, v in {
        "flood": "flooding", "flooding": "flooding", "ngap": "flooding", "ngap nuoc": "flooding",
        "ngap ung": "flooding", "lu lut": "flooding", "trieu cuong": "flooding", "waste": "waste",
        "garbage": "waste", "rac": "waste", "rac thai": "waste", "ve sinh moi truong": "waste",
        "moi truong": "waste", "public order": "public_order", "security": "public_order", "crime": "public_order",
        "an ninh": "public_order", "an ninh trat tu": "public_order", "trat tu": "public_order",
        "antt": "public_order", "traffic": "traffic", "giao thong": "traffic", "tai nan": "traffic",
        "un tac": "traffic", "ket xe": "traffic", "public services": "public_services",
        "public service": "public_services", "dich vu cong": "public_services",
        "thu tuc hanh chinh": "public_services", "hanh chinh cong": "public_services", "tthc": "public_services",
        "street lighting": "street_lighting", "lighting": "street_lighting", "dien chieu sang": "street_lighting",
        "chieu sang": "street_lighting", "den duong": "street_lighting", "other": "other", "khac": "other"}.items()},
    "sentiment": {fold(k): v for k, v in {
        "negative": "negative", "neg": "negative", "tieu cuc": "negative", "neutral": "neutral",
        "neu": "neutral", "trung tinh": "neutral", "trung lap": "neutral", "positive": "positive",
        "pos": "positive", "tich cuc": "positive"}.items()},
    "source": {fold(k): v for k, v in {
        "fb": "facebook", "facebook": "facebook", "tiktok": "tiktok", "youtube": "youtube", "zalo": "zalo",
        "news": "news", "bao chi": "news", "bao": "news", "tin tuc": "news", "forum": "forum",
        "dien dan": "forum", "instagram": "instagram", "threads": "threads", "x": "x", "twitter": "x"}.items()},
}


@dataclass(frozen=True)
class Profile:
    """A provider's mapping: folded column name → field, field → folded word → value, field → default."""

    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)

    def field_of(self, column: str) -> str | None:
        key = fold(column)
        return self.columns.get(key) or COLUMN_ALIASES.get(key)

    def value(self, name: str, raw: object) -> str | None:
        """The canonical word for ``raw`` in field ``name``: the provider's words first, then the built-in ones."""
        key = fold(raw)
        if name == "topic" and key.replace(" ", "_") in TOPICS:
            return key.replace(" ", "_")
        if name == "sentiment" and key in SENTIMENTS:
            return key
        return self.values.get(name, {}).get(key) or VALUE_ALIASES.get(name, {}).get(key)

    def to_json(self) -> dict[str, Any]:
        return {"columns": dict(self.columns), "values": {k: dict(v) for k, v in self.values.items()},
                "defaults": dict(self.defaults)}


def from_json(data: Mapping[str, Any] | None, where: str = "profile") -> Profile:
    """A profile from its stored or written form; an unknown field or value is refused with where it is."""
    data = data or {}
    unknown = set(data) - {"columns", "values", "defaults"}
    if unknown:
        raise ImportDataError(f"{where}: unknown key {sorted(unknown)[0]!r}; expected columns, values, defaults")
    columns = {fold(c): _field(f, f"{where}: columns[{c!r}]") for c, f in _mapping(data, "columns", where).items()}
    values: dict[str, dict[str, str]] = {}
    for name, words in _mapping(data, "values", where).items():
        _field(name, f"{where}: values")
        allowed = {"topic": TOPICS, "sentiment": SENTIMENTS}.get(name)
        for word, value in _mapping({"v": words}, "v", f"{where}: values[{name!r}]").items():
            if allowed is not None and value not in allowed:
                raise ImportDataError(f"{where}: values[{name!r}][{word!r}] = {value!r}; expected one of "
                                      f"{', '.join(allowed)}")
            values.setdefault(name, {})[fold(word)] = str(value)
    defaults = {_field(k, f"{where}: defaults"): str(v) for k, v in _mapping(data, "defaults", where).items()}
    return Profile(columns, values, defaults)


def load(path: Path) -> Profile:
    """A profile file (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ImportDataError(f"{path}: cannot be read as a profile: {exc}") from exc
    if data is not None and not isinstance(data, dict):
        raise ImportDataError(f"{path}: a profile is a mapping with columns, values, defaults")
    return from_json(data, str(path))


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    found = data.get(key) or {}
    if not isinstance(found, Mapping):
        raise ImportDataError(f"{where}: {key} must be a mapping")
    return found


def _field(name: object, where: str) -> str:
    if name not in FIELDS:
        raise ImportDataError(f"{where}: {name!r} is not a field; expected one of {', '.join(FIELDS)}")
    return str(name)


def unmapped(columns: Iterable[str], profile: Profile) -> list[str]:
    return [c for c in columns if profile.field_of(c) is None]
