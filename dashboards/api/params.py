"""Parameter parsing and validation: the reason of every 400 names the parameter and what was expected."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dashboards.api.errors import ApiError
from dashboards.api.spec import Param

# '+07:00' arrives as ' 07:00' when a client does not encode the '+' of an offset in a query string.
_SPACE_OFFSET = re.compile(r" (\d{2}:?\d{2})$")
# Far wider than any data of ours, and far enough from year 1 and 9999 that the arithmetic callers do (a default
# span of 24 h or 90 days, a time zone shift) cannot overflow datetime into a 500.
FIRST_YEAR, LAST_YEAR = 1970, 2199
_YEAR_BEYOND = re.compile(r"[+-]?(\d{5,}|0000)-\d{2}-\d{2}")


def _out_of_range(name: str, text: str) -> ApiError:
    return ApiError(400, f"{name}: {text!r} is out of range; use a date from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31")


def parse_datetime(name: str, text: str, tz: ZoneInfo) -> datetime:
    fixed = _SPACE_OFFSET.sub(r"+\1", text.strip())
    try:
        value = datetime.fromisoformat(fixed.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        if _YEAR_BEYOND.match(fixed):   # well formed, only beyond what datetime holds: say that, not "not ISO"
            raise _out_of_range(name, text) from None
        raise ApiError(400, f"{name}: {text!r} is not an ISO 8601 date or time "
                            "(example: 2026-11-21T08:00:00+07:00)") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _out_of_range(name, text)
    return value if value.tzinfo else value.replace(tzinfo=tz)


def parse_one(param: Param, raw: str, tz: ZoneInfo) -> Any:
    if param.kind == "integer":
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"{param.name}: {raw!r} is not an integer") from None
        if param.minimum is not None and value < param.minimum:
            raise ApiError(400, f"{param.name}: {value} is below the minimum {param.minimum}")
        if param.maximum is not None and value > param.maximum:
            raise ApiError(400, f"{param.name}: {value} is above the maximum {param.maximum}")
        return value
    if param.kind == "datetime":
        return parse_datetime(param.name, raw, tz)
    if param.kind == "enum" and raw not in param.enum:
        raise ApiError(400, f"{param.name}: {raw!r} is not one of {', '.join(param.enum)}")
    if param.pattern and not re.fullmatch(param.pattern, raw):
        raise ApiError(400, f"{param.name}: {raw!r} does not match {param.pattern}")
    return raw


def parse(params: Sequence[Param], query: Mapping[str, str], path: Mapping[str, str], tz: ZoneInfo) -> dict[str, Any]:
    """Validated values by name; defaults filled; unknown query parameters are refused, not ignored."""
    known = {p.name for p in params if p.where == "query"}
    unknown = sorted(set(query) - known)
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; expected one of {', '.join(sorted(known)) or 'none'}")
    out: dict[str, Any] = {}
    for p in params:
        raw = path.get(p.name) if p.where == "path" else query.get(p.name)
        if raw is None or raw == "":
            if p.required:
                raise ApiError(400, f"{p.name} is required")
            out[p.name] = p.default
        else:
            out[p.name] = parse_one(p, raw, tz)
    return out
