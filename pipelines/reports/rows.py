"""One input row → a :class:`ReportIn` or the list of what is wrong with it, pure.

Every problem of a row is reported (line, field, reason), not just the first, so one pass over a hotline's
spreadsheet fixes it. Values may be text (CSV, JSON) or typed cells (XLSX: numbers, datetimes).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ioc.localtime import parse_local
from pipelines.reports.categories import Matcher
from pipelines.reports.model import CHANNELS, Contact, Problem, ReportIn

FIELDS = ("source", "external_id", "category", "submitted_at", "description", "lat", "lon", "address",
          "photo_urls", "department", "contact_name", "contact_phone", "contact_email", "description_public",
          "consent_keep", "hamlet")
REQUIRED = ("external_id", "category", "submitted_at")
# Vietnam with its islands, generously: a point outside is a swapped lat/lon or a typo.
LAT_RANGE, LON_RANGE = (6.0, 23.5), (102.0, 117.5)
MAX_PHOTOS = 10
_PHONE = re.compile(r"^0\d{9,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The reporter's answer to "publish my description?" / "keep my contact?", as forms and spreadsheets write it.
_YES = frozenset({"1", "true", "yes", "y", "x", "co", "có", "đồng ý", "dong y"})
_NO = frozenset({"0", "false", "no", "n", "khong", "không", "không đồng ý", "khong dong y"})


@dataclass(frozen=True)
class RowContext:
    matcher: Matcher
    departments: frozenset[str]
    tz: ZoneInfo
    now: datetime
    default_source: str | None = None


class _Bad(ValueError):
    pass


@dataclass
class _Row:
    raw: Mapping[str, Any]
    problems: list[Problem] = field(default_factory=list)

    def take(self, name: str, line: int, parse: Callable[[Any], Any]) -> Any:
        value = self.raw.get(name)
        try:
            return parse(value)
        except _Bad as exc:
            self.problems.append(Problem(line, name, str(exc)))
            return None


def text(value: Any) -> str:
    """A cell as stripped text; whole floats lose their ``.0`` (Excel stores ids and phones as numbers)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _required(value: Any, what: str, limit: int = 200) -> str:
    found = text(value)
    if not found:
        raise _Bad(f"{what} is required")
    if len(found) > limit:
        raise _Bad(f"longer than {limit} characters")
    return found


def parse_time(value: Any, tz: ZoneInfo) -> datetime:
    """ISO 8601 (no offset: local time), ``dd/mm/yyyy[ HH:MM[:SS]]`` (local) or a spreadsheet datetime."""
    if not isinstance(value, date) and not text(value):
        raise _Bad("a time is required")
    try:
        return parse_local(value, tz)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def number_in(value: Any, lo: float, hi: float) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raw = text(value)
        if not raw:
            return None
        if raw.count(",") == 1 and "." not in raw:   # "10,95" from a Vietnamese-locale spreadsheet
            raw = raw.replace(",", ".")
        try:
            number = float(raw)
        except ValueError:
            raise _Bad(f"{raw!r} is not a number") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise _Bad(f"{number:g} is outside Vietnam ({lo:g} to {hi:g}); are lat and lon swapped?")
    return number


def phone(value: Any) -> str | None:
    raw = text(value)
    if not raw:
        return None
    digits = re.sub(r"[\s.\-()]", "", raw)
    digits = "0" + digits[3:] if digits.startswith("+84") else digits
    if re.fullmatch(r"[1-9]\d{8,9}", digits):   # a spreadsheet stored the number as a number: the 0 was dropped
        digits = "0" + digits
    if not _PHONE.match(digits):
        raise _Bad(f"{raw!r} is not a Vietnamese phone number (10 or 11 digits starting with 0, or +84)")
    return digits


def yes_no(value: Any) -> bool | None:
    """A recorded yes or no (``có``/``không``, true/false, 1/0, x); None when nothing was recorded."""
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if not raw:
        return None
    if raw in _YES or raw in _NO:
        return raw in _YES
    raise _Bad(f"{raw!r} is not a yes or no (có/không, true/false, 1/0)")


def email(value: Any) -> str | None:
    raw = text(value)
    if raw and not _EMAIL.match(raw):
        raise _Bad(f"{raw!r} is not an e-mail address")
    return raw or None


def photo_urls(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        urls = [text(v) for v in value if text(v)]
    else:
        urls = [u for u in re.split(r"[\s;|]+", text(value)) if u]
    bad = [u for u in urls if not re.match(r"^https?://[^\s/]+", u)]
    if bad:
        raise _Bad(f"{bad[0]!r} is not an http(s) URL")
    if len(urls) > MAX_PHOTOS:
        raise _Bad(f"{len(urls)} photos; at most {MAX_PHOTOS}")
    return tuple(urls)


def _choice(value: Any, choices: frozenset[str] | tuple[str, ...], what: str, default: str | None) -> str | None:
    raw = text(value) or default
    if raw is None:
        return None
    if raw not in choices:
        raise _Bad(f"{raw!r} is not a known {what} (expected one of {', '.join(sorted(choices))})")
    return raw


def parse_row(values: Mapping[str, Any], line: int, ctx: RowContext) -> ReportIn | list[Problem]:
    """``values`` by field name (see :data:`FIELDS`); the report, or every problem found in the row."""
    row = _Row(values)

    def category(v: Any) -> str:
        name = _required(v, "a category")
        found = ctx.matcher.exact(name)
        if found is None:
            raise _Bad(f"{name!r} is not a known category (expected one of {', '.join(ctx.matcher.codes)})")
        return found

    def submitted(v: Any) -> datetime:
        when = parse_time(v, ctx.tz)
        if when > ctx.now + timedelta(minutes=10):
            raise _Bad(f"{when.isoformat()} is in the future")
        return when

    source = row.take("source", line, lambda v: _choice(v, CHANNELS, "channel", ctx.default_source))
    if source is None and not row.problems:
        row.problems.append(Problem(line, "source", "a channel is required (a column or --source)"))
    ext = row.take("external_id", line, lambda v: _required(v, "an external id (it makes re-imports safe)"))
    cat = row.take("category", line, category)
    when = row.take("submitted_at", line, submitted)
    lat = row.take("lat", line, lambda v: number_in(v, *LAT_RANGE))
    lon = row.take("lon", line, lambda v: number_in(v, *LON_RANGE))
    address = text(values.get("address")) or None
    description = row.take("description", line, _description)
    photos = row.take("photo_urls", line, photo_urls)
    dept = row.take("department", line, lambda v: _choice(v, ctx.departments, "department", None))
    contact = Contact(text(values.get("contact_name")) or None, row.take("contact_phone", line, phone),
                      row.take("contact_email", line, email))
    public = row.take("description_public", line, yes_no)
    keep = row.take("consent_keep", line, yes_no)
    place = row.take("hamlet", line, hamlet)
    _where(row, line, lat, lon, address)
    if row.problems:
        return row.problems
    return ReportIn(source, ext, cat, when, description or "", lon, lat, address, photos or (), dept,
                    None if contact.empty() else contact, description_public=public, consent_keep=bool(keep),
                    hamlet=place)


def hamlet(value: Any) -> str | None:
    """The hamlet or residential group a reporter named (ấp, khu phố, tổ dân phố), NFC, at most 100 characters."""
    found = unicodedata.normalize("NFC", " ".join(text(value).split()))
    if len(found) > 100:
        raise _Bad(f"{len(found)} characters; at most 100")
    return found or None


def _description(value: Any) -> str:
    found = text(value)
    if len(found) > 4000:
        raise _Bad(f"{len(found)} characters; at most 4000")
    return found


def _where(row: _Row, line: int, lat: float | None, lon: float | None, address: str | None) -> None:
    failed = {p.field for p in row.problems}
    if "lat" in failed or "lon" in failed:
        return
    if (lat is None) != (lon is None):
        row.problems.append(Problem(line, "lon" if lon is None else "lat", "give both lat and lon, or neither"))
    elif lat is None and not address:
        row.problems.append(Problem(line, "lat", "no location: give lat and lon, or an address"))
