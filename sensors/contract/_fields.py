"""Checks of single received values against their FieldSpec. Each returns the value to store or raises Invalid."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from ._ranges import SEQ, FieldSpec
from ._rejection import Invalid, show, type_name

TS_MIN = datetime(2000, 1, 1, tzinfo=UTC)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
_TS_EXPECTED = "expected an RFC 3339 time with offset (2026-11-21T08:15:00+07:00) or integer epoch milliseconds"
_I64 = 2**63
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def value(spec: FieldSpec, raw: object) -> object:
    """The stored value of field ``spec`` given its received value (None = absent)."""
    if raw is None:
        if spec.required:
            raise Invalid("missing_field", f"field '{spec.key}' is missing: expected {expected(spec)}", spec.key)
        return spec.default
    return _CHECKS[spec.type](spec, raw)


def expected(spec: FieldSpec) -> str:
    """What a field must hold, in the words of a reason."""
    if spec.type in ("int", "number"):
        noun = "an integer" if spec.type == "int" else "a number"
        return f"{noun} {_bounds(spec)}"
    if spec.type == "bool":
        return "true or false"
    if spec.type == "choice":
        return f"one of {', '.join(spec.choices)}"
    if spec.type == "url":
        return f"an http or https URL of at most {spec.max_len} characters"
    return f"a string of at most {spec.max_len} characters"


def _bounds(spec: FieldSpec) -> str:
    text = f"{spec.lo}..{spec.hi}"
    text = f"{text} {spec.unit}" if spec.unit else text
    return f"{text} ({spec.hint})" if spec.hint else text


def _wrong_type(spec: FieldSpec, raw: object) -> Invalid:
    advice = " (write whole numbers without a decimal point)" if isinstance(raw, float) and spec.type == "int" else ""
    reason = f"field '{spec.key}' = {show(raw)} is {type_name(raw)}: expected {expected(spec)}{advice}"
    return Invalid("wrong_type", reason, spec.key)


def _out_of_range(spec: FieldSpec, raw: object) -> Invalid:
    return Invalid(
        "out_of_range", f"field '{spec.key}' = {show(raw)} is out of range: expected {_bounds(spec)}", spec.key
    )


def _bad_value(spec: FieldSpec, raw: object, problem: str) -> Invalid:
    return Invalid("bad_value", f"field '{spec.key}' = {show(raw)} {problem}: expected {expected(spec)}", spec.key)


def _check_int(spec: FieldSpec, raw: object) -> int:
    if type(raw) is not int:
        # orjson reads integers beyond 64 bits as floats: say "too large", not "has a decimal point".
        if type(raw) is float and raw.is_integer() and abs(raw) >= _I64:
            raise _out_of_range(spec, raw)
        raise _wrong_type(spec, raw)
    if not spec.lo <= raw <= spec.hi:
        raise _out_of_range(spec, raw)
    return raw


def _check_number(spec: FieldSpec, raw: object) -> float:
    if type(raw) is not float and type(raw) is not int:
        raise _wrong_type(spec, raw)
    if not spec.lo <= raw <= spec.hi:  # NaN fails this too
        raise _out_of_range(spec, raw)
    return float(raw)


def _check_bool(spec: FieldSpec, raw: object) -> bool:
    if type(raw) is not bool:
        raise _wrong_type(spec, raw)
    return raw


def _check_text(spec: FieldSpec, raw: object) -> str:
    if type(raw) is not str:
        raise _wrong_type(spec, raw)
    if len(raw) > spec.max_len:
        raise _bad_value(spec, raw, f"is {len(raw)} characters long")
    if "\x00" in raw:
        raise _bad_value(spec, raw, "contains a NUL character, which cannot be stored")
    if spec.key == "firmware" and _CONTROL.search(raw) is not None:
        raise _bad_value(spec, raw, "contains a control character (a version string is one line)")
    return raw


def _check_choice(spec: FieldSpec, raw: object) -> str:
    if type(raw) is not str:
        raise _wrong_type(spec, raw)
    if raw not in spec.choices:
        raise _bad_value(spec, raw, "is not a known value")
    return raw


def _check_url(spec: FieldSpec, raw: object) -> str:
    text = _check_text(spec, raw)
    if not _is_web_url(text):
        raise _bad_value(spec, raw, "is not an http or https URL with a host")
    return text


def _is_web_url(text: str) -> bool:
    if any(c.isspace() or not c.isprintable() for c in text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port that is not a number in 0..65535
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


_CHECKS: dict[str, Callable[[FieldSpec, object], object]] = {
    "int": _check_int,
    "number": _check_number,
    "bool": _check_bool,
    "text": _check_text,
    "choice": _check_choice,
    "url": _check_url,
}


def seq(raw: object) -> int | None:
    """The ``seq`` of an object: absent, or a non-negative integer that fits a bigint."""
    return None if raw is None else _check_int(SEQ, raw)


def ts(raw: object, received_at: datetime, max_future: timedelta, max_age: timedelta | None = None) -> datetime:
    """The ``ts`` of an object as an aware UTC datetime (``raw`` is not None).

    ``max_age`` refuses readings older than the storage window: each distinct old day would create its own chunk."""
    if type(raw) is str:
        when = _from_text(raw)
    elif type(raw) is int:
        when = _from_epoch_ms(raw)
    else:
        raise Invalid("wrong_type", f"field 'ts' = {show(raw)} is {type_name(raw)}: {_TS_EXPECTED}", "ts")
    if when < TS_MIN:
        seconds = (
            " (it looks like epoch seconds: send milliseconds)" if isinstance(raw, int) and raw >= 946684800 else ""
        )
        reason = f"field 'ts' = {show(raw)} is before 2000-01-01: the device clock is not set{seconds}"
        raise Invalid("bad_ts", reason, "ts")
    ahead = when - received_at
    if ahead > max_future:
        raise Invalid("future_ts", _future_reason(raw, ahead, max_future), "ts")
    if max_age is not None and -ahead > max_age:
        raise Invalid("old_ts", _old_reason(raw, -ahead, max_age), "ts")
    return when


def _old_reason(raw: object, behind: timedelta, max_age: timedelta) -> str:
    return (
        f"field 'ts' = {show(raw)} is {behind.total_seconds() / 86400:.1f} days old: readings older than "
        f"{max_age.total_seconds() / 86400:g} days are not stored (device clock wrong, or an old backlog: "
        "backfill it with IOC_INGEST_MAX_AGE_DAYS raised)"
    )


def _future_reason(raw: object, ahead: timedelta, max_future: timedelta) -> str:
    minutes = ahead.total_seconds() / 60
    limit = max_future.total_seconds() / 60
    return (
        f"field 'ts' = {show(raw)} is {minutes:.1f} minutes ahead of the ingester clock "
        f"(at most {limit:g} allowed): device clock skew?"
    )


def _from_text(raw: str) -> datetime:
    match = _RFC3339.fullmatch(raw)
    if match is None:
        raise Invalid("bad_ts", f"field 'ts' = {show(raw)} is not an RFC 3339 time: {_TS_EXPECTED}", "ts")
    if match.group(1) is None:
        reason = f"field 'ts' = {show(raw)} has no UTC offset: an offset is required, e.g. 2026-11-21T08:15:00+07:00"
        raise Invalid("bad_ts", reason, "ts")
    try:
        return datetime.fromisoformat(raw.upper()).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise Invalid("bad_ts", f"field 'ts' = {show(raw)} is not a valid time ({exc}): {_TS_EXPECTED}", "ts") from None


def _from_epoch_ms(raw: int) -> datetime:
    try:
        return _EPOCH + timedelta(milliseconds=raw)
    except OverflowError:
        reason = f"field 'ts' = {show(raw)} is not a time before year 10000: expected epoch milliseconds"
        raise Invalid("bad_ts", reason, "ts") from None
