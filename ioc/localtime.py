"""Times as people type them in import files: ISO 8601 or Vietnamese ``dd/mm/yyyy[ HH:MM[:SS]]`` (also with ``-`` or
``.`` between the date's parts, and ``HH:MM[:SS] dd/mm/yyyy`` with the time first, as one-stop systems export it).

A time without an offset is local (the zone given, Asia/Ho_Chi_Minh in practice); spreadsheet cells (datetime, date)
are local too. One parser for every importer, so a file means the same thing to all of them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TIME_FIRST = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?[ ,]+(\d{1,2})([/.-])(\d{1,2})\5(\d{4})$")


def parse_local(value: object, tz: ZoneInfo) -> datetime:
    """An aware datetime; ValueError with a reason a person can act on."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    raw = str(value).strip()
    if m := _DMY.match(raw):
        d, _sep, mo, y, hh, mm, ss = (int(g) if g and g.isdigit() else 0 for g in m.groups())
    elif m := _TIME_FIRST.match(raw):
        hh, mm, ss, d, _sep, mo, y = (int(g) if g and g.isdigit() else 0 for g in m.groups())
    if m:
        try:
            return datetime(y, mo, d, hh, mm, ss, tzinfo=tz)
        except ValueError as exc:
            raise ValueError(f"{raw!r} is not a valid date ({exc})") from None
    try:
        found = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{raw!r} is not a time (expected 2026-02-13T15:00:00+07:00 or 13/02/2026 15:00)") from None
    return found if found.tzinfo else found.replace(tzinfo=tz)
