"""Cell parsers of the import files. Each takes a cell (text from CSV, typed from XLSX) and returns a value or
raises ``ValueError`` with a message a clerk can act on. Vietnamese words are accepted beside the English ones."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ioc.localtime import parse_local
from pipelines.kpis import periods

_TRUE = {"1", "true", "yes", "y", "x", "có", "co", "đúng", "dung", "t"}
_FALSE = {"0", "false", "no", "n", "không", "khong", "sai", "f"}
_MY = re.compile(r"^(\d{1,2})/(\d{4})$")


def words(value: object) -> str:
    """Lower-case NFC text with single spaces: how a cell's words are compared."""
    return " ".join(unicodedata.normalize("NFC", str(value)).strip().lower().split())


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def text(value: object) -> str:
    out = unicodedata.normalize("NFC", str(value)).strip()
    if not out:
        raise ValueError("is empty")
    return out


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    w = words(value)
    if w in _TRUE:
        return True
    if w in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes/no (use 1/0, true/false, có/không)")


def number(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        out = float(value)
    else:
        raw = str(value).strip().replace(" ", "")
        if "," in raw and "." not in raw:
            raw = raw.replace(",", ".")       # 1234,5 written the Vietnamese way
        try:
            out = float(raw)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(out):
        raise ValueError(f"{value!r} is not a finite number")
    return out


def count(value: object) -> float:
    out = number(value)
    if out < 0 or out != int(out):
        raise ValueError(f"{value!r} is not a whole number ≥ 0")
    return out


def non_negative(value: object) -> float:
    out = number(value)
    if out < 0:
        raise ValueError(f"{value!r} is negative")
    return out


def timestamp(value: object, tz: ZoneInfo) -> datetime:
    """An aware datetime. Without an offset the time is local (``tz``); XLSX date cells are local too."""
    return parse_local(value, tz)


def month(value: object) -> date:
    """First day of a month written 2025-06, 06/2025, or as a date cell."""
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    raw = str(value).strip()
    m = _MY.match(raw)
    if m:
        raw = f"{m.group(2)}-{int(m.group(1)):02d}"
    try:
        p = periods.parse(raw)
    except periods.PeriodError:
        raise ValueError(f"{value!r} is not a month (use 2025-06 or 06/2025)") from None
    if p.kind != "month":
        raise ValueError(f"{value!r} is not a month (use 2025-06 or 06/2025)")
    return p.start


def period(value: object) -> periods.Period:
    if isinstance(value, datetime | date):
        return periods.month_of(value if isinstance(value, date) else value.date())
    raw = str(value).strip()
    if isinstance(value, int | float) and float(value).is_integer():
        raw = str(int(value))
    m = _MY.match(raw)
    try:
        return periods.parse(f"{m.group(2)}-{int(m.group(1)):02d}" if m else raw)
    except periods.PeriodError as exc:
        raise ValueError(str(exc)) from None


def choice(mapping: dict[str, str], what: str):  # -> Callable[[object], str]
    def parse(value: object) -> str:
        w = words(value)
        if w in mapping:
            return mapping[w]
        raise ValueError(f"{value!r} is not a {what} (one of {', '.join(sorted(set(mapping.values())))})")

    return parse


CHANNELS = {"online": "online", "trực tuyến": "online", "truc tuyen": "online", "in_person": "in_person",
            "in person": "in_person", "trực tiếp": "in_person", "truc tiep": "in_person", "post": "post",
            "bưu chính": "post", "buu chinh": "post"}
STATUSES = {"received": "received", "mới tiếp nhận": "received", "in_progress": "in_progress",
            "in progress": "in_progress", "đang giải quyết": "in_progress", "supplement": "supplement",
            "chờ bổ sung": "supplement", "resolved": "resolved", "đã giải quyết": "resolved",
            "rejected": "rejected", "từ chối": "rejected", "withdrawn": "withdrawn", "rút hồ sơ": "withdrawn"}
ONLINE_SERVICES = {"none": "none", "không": "none", "partial": "partial", "một phần": "partial",
                   "mot phan": "partial", "full": "full", "toàn trình": "full", "toan trinh": "full",
                   "end-to-end": "full"}
LEVELS = {"2": "2", "3": "3", "4": "4", "mức 2": "2", "mức 3": "3", "mức 4": "4", "level 2": "2", "level 3": "3",
          "level 4": "4", "2.0": "2", "3.0": "3", "4.0": "4"}


def level(value: object) -> int:
    return int(choice(LEVELS, "service level")(value))
