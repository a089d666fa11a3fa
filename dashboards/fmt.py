"""Numbers and times for people: vi-VN number format (1.234,5), local time (Asia/Ho_Chi_Minh), honest blanks."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent

from dashboards.i18n import LOCALES, norm_lang

BLANK = "—"


def _locale(lang: str) -> str:
    return LOCALES[norm_lang(lang)]


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """``1234.5`` → ``1.234,5`` (vi) or ``1,234.5`` (en); None/NaN → ``—``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return BLANK
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_locale(lang)))


def percent(value: float | None, lang: str) -> str:
    if value is None or not math.isfinite(value):
        return BLANK
    return str(format_percent(value, format="+#,##0%;-#,##0%", locale=_locale(lang)))


def local_time(ts: datetime | None, tz: ZoneInfo, lang: str, pattern: str = "HH:mm:ss dd/MM/yyyy") -> str:
    """A timestamp in the display zone, day before month as written in Vietnam."""
    if ts is None:
        return BLANK
    return str(format_datetime(ts.astimezone(tz), pattern, tzinfo=tz, locale=_locale(lang)))


def short_time(ts: datetime | None, tz: ZoneInfo, lang: str) -> str:
    return local_time(ts, tz, lang, "HH:mm:ss")


def age(seconds: float | None, lang: str) -> str:
    """``185`` → ``3 phút trước`` / ``3 minutes ago``; None → ``—``."""
    if seconds is None or not math.isfinite(seconds):
        return BLANK
    delta = timedelta(seconds=-max(0.0, seconds))
    return str(format_timedelta(delta, add_direction=True, threshold=1.0, locale=_locale(lang)))
