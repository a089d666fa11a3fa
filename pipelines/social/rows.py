"""One provider item (a CSV row, a JSON object) → a :class:`MentionIn`, or every problem it has. Pure, never raises
on input: each problem names the field and says what was expected, so the provider can fix its export."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipelines.social import privacy
from pipelines.social.model import MAX_SUMMARY, SENTIMENTS, TOPICS, MentionIn, Problem
from pipelines.social.profile import FIELDS, REQUIRED, Profile, fold

EARLIEST = datetime(2000, 1, 1)
FUTURE_SLACK = timedelta(minutes=10)       # providers' clocks drift a little; a post from tomorrow is an error
MAX_REACH = 10**10
_LOCAL_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
_REACH = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([kKmM]?)$")
_SOURCE = re.compile(r"^[a-z0-9_]{1,40}$")
_TRUE, _FALSE = {"1", "true", "yes", "co", "x"}, {"0", "false", "no", "khong", ""}


@dataclass(frozen=True)
class Context:
    profile: Profile
    tz: ZoneInfo
    now: datetime


def parse_item(raw: Mapping[str, Any], line: int, ctx: Context) -> MentionIn | list[Problem]:
    """The mention in ``raw`` (column → value), its personal columns dropped, or its problems."""
    values: dict[str, Any] = {}
    personal: list[str] = []
    for column, value in raw.items():
        if privacy.is_personal_field(column):
            personal.append(str(value) if value is not None else "")
            continue
        name = ctx.profile.field_of(column)
        if name is not None and not _blank(value):
            values.setdefault(name, value)
    for name, default in ctx.profile.defaults.items():
        values.setdefault(name, default)
    problems: list[Problem] = [Problem(line, f, "missing; required") for f in REQUIRED if f not in values]
    out: dict[str, Any] = {}
    for name in FIELDS:
        if name in values and name in _PARSERS:
            try:
                out[name] = _PARSERS[name](values[name], ctx)
            except ValueError as exc:
                problems.append(Problem(line, name, str(exc)))
    if ("lat" in out) != ("lon" in out) and not problems:
        problems.append(Problem(line, "lat" if "lon" in out else "lon", "coordinates need both lat and lon"))
    if problems:
        return problems
    summary = privacy.clean_summary(str(values.get("summary", "")), personal)[:MAX_SUMMARY]
    return MentionIn(out.get("source", "unknown"), out["url"], out["published_at"], out["topic"], out["sentiment"],
                     out["reach"], summary, out.get("ward"), out.get("lon"), out.get("lat"),
                     out.get("synthetic", False))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and math.isnan(value))


def _url(value: Any, _ctx: Context) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{text[:80]!r} is not an http(s) URL of the post")
    cleaned = privacy.clean_url(text)
    if len(cleaned) > 2000:
        raise ValueError("longer than 2000 characters")
    return cleaned


def _source(value: Any, ctx: Context) -> str:
    word = ctx.profile.value("source", value) or fold(value).replace(" ", "_")
    if not _SOURCE.match(word):
        raise ValueError(f"{str(value)[:40]!r}: a source is a short name such as facebook, tiktok, news")
    return word


def _choice(name: str, value: Any, ctx: Context, allowed: tuple[str, ...]) -> str:
    word = ctx.profile.value(name, value)
    if word is None:
        raise ValueError(f"{str(value)[:40]!r} is not a known {name}; expected one of {', '.join(allowed)} "
                         "(or a Vietnamese word for one, or a mapping in the provider's profile)")
    return word


def _topic(value: Any, ctx: Context) -> str:
    return _choice("topic", value, ctx, TOPICS)


def _sentiment(value: Any, ctx: Context) -> str:
    if isinstance(value, int | float) or re.fullmatch(r"\s*[-+]?\d*\.?\d+\s*", str(value)):
        score = float(value)           # a score in [-1, 1]: clearly negative or positive, else neutral
        if not -1.0 <= score <= 1.0:
            raise ValueError(f"score {score:g} is outside [-1, 1]")
        return "negative" if score <= -0.25 else "positive" if score >= 0.25 else "neutral"
    return _choice("sentiment", value, ctx, SENTIMENTS)


def _reach(value: Any, _ctx: Context) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a number of people reached")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        found = _REACH.match(text)
        if found is None:
            if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):      # 12.345 or 12,345: thousands grouped
                return _check_reach(float(re.sub(r"[.,]", "", text)))
            raise ValueError(f"{str(value)[:40]!r} is not a number of people reached (e.g. 12000, 12.000, 12k)")
        digits, unit = found.groups()
        if not unit and re.fullmatch(r"\d{1,3}[.,]\d{3}", digits):   # 12.345: grouped, not a decimal
            return _check_reach(float(digits.replace(".", "").replace(",", "")))
        number = float(digits.replace(",", ".")) * {"": 1, "k": 1_000, "m": 1_000_000}[unit.lower()]
    return _check_reach(number)


def _check_reach(number: float) -> int:
    if not math.isfinite(number) or number < 0 or number > MAX_REACH:
        raise ValueError(f"{number:g} people reached is out of range (0 … {MAX_REACH:g})")
    return int(round(number))


def _published(value: Any, ctx: Context) -> datetime:
    when = _parse_time(value, ctx.tz)
    if when < EARLIEST.replace(tzinfo=ctx.tz):
        raise ValueError(f"{when.isoformat()} is before 2000")
    if when > ctx.now + FUTURE_SLACK:
        raise ValueError(f"{when.isoformat()} is in the future")
    return when


def _parse_time(value: Any, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz)          # Unix seconds
    text = str(value).strip()
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return found if found.tzinfo else found.replace(tzinfo=tz)   # no offset: local time
    except ValueError:
        pass
    for pattern in _LOCAL_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    raise ValueError(f"{text[:40]!r} is not a time; expected ISO 8601 (2026-12-01T08:30+07:00) or dd/mm/yyyy HH:MM")


def _ward(value: Any, _ctx: Context) -> str:
    text = str(value).strip()
    if len(text) > 120:
        raise ValueError("longer than 120 characters; expected a ward code or name")
    return text


def _coordinate(low: float, high: float, name: str) -> Any:
    def parse(value: Any, _ctx: Context) -> float:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"{str(value)[:40]!r} is not a {name}") from None
        if not (math.isfinite(number) and low <= number <= high):
            raise ValueError(f"{number:g} is not a {name} ({low:g} … {high:g})")
        return number
    return parse


def _flag(value: Any, _ctx: Context) -> bool:
    word = fold(value)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{str(value)[:20]!r}: expected true or false")


_PARSERS: dict[str, Any] = {
    "url": _url, "source": _source, "published_at": _published, "topic": _topic, "sentiment": _sentiment,
    "reach": _reach, "ward": _ward, "lat": _coordinate(-90, 90, "latitude"), "lon": _coordinate(-180, 180, "longitude"),
    "synthetic": _flag,
}
