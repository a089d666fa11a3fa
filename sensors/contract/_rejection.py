"""Rejections: why a message or one object of it cannot be stored, said for the installer who must fix the device."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

CODES = (
    "not_utf8",
    "bad_json",
    "oversize",
    "bad_topic",
    "unknown_kind",
    "unknown_channel",
    "not_object",
    "empty_array",
    "array_too_long",
    "missing_field",
    "wrong_type",
    "out_of_range",
    "bad_value",
    "no_metric",
    "bad_ts",
    "future_ts",
    "old_ts",
)
_SHOW_CHARS = 60


@dataclass(frozen=True, slots=True)
class Rejection:
    """A problem with a message (``index`` None) or with element ``index`` (0-based) of an array payload.

    ``reason`` is English for a person: which field, what was wrong, what was expected. For an array element it
    starts with ``element {index}: ``.
    """

    code: str
    reason: str
    field: str | None = None
    index: int | None = None

    def at(self, index: int) -> Rejection:
        """This rejection as found in element ``index`` of an array payload."""
        return Rejection(self.code, f"element {index}: {self.reason}", self.field, index)


class Invalid(Exception):
    """Raised inside validation and turned into a Rejection at the boundary; never leaves the package."""

    def __init__(self, code: str, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.rejection = Rejection(code, reason, field)


def show(value: object) -> str:
    """A received value as short, printable, storable text (no NUL, no lone surrogate) for a reason."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else f"an integer of {value.bit_length()} bits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _show_text(value)
    if isinstance(value, list):
        return f"an array of {len(value)} elements"
    if isinstance(value, dict):
        return f"an object with {len(value)} keys"
    return f"a {type(value).__name__}"


def _show_text(text: str) -> str:
    clipped = text if len(text) <= _SHOW_CHARS else text[:_SHOW_CHARS] + "…"
    safe = clipped.encode("utf-8", "backslashreplace").decode("utf-8")
    return orjson.dumps(safe).decode("utf-8")  # JSON quoting escapes control characters, NUL included


def type_name(value: object) -> str:
    """What a received JSON value is, in the words of a reason ("a string", "a boolean", ...)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float):
        return "a decimal number"
    names = {int: "an integer", str: "a string", list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), f"a {type(value).__name__}")
