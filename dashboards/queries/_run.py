"""The dashboards' query helpers: the core's readers (:mod:`ioc.query`) and the parameters of a scope or a search."""

from __future__ import annotations

from collections.abc import Sequence

from ioc.query import Params, Query, frame, one, rows, tuples

__all__ = ["Params", "Query", "frame", "like_pattern", "one", "rows", "tuples", "ward_codes"]


def ward_codes(wards: Sequence[str] | None) -> list[str] | None:
    """A scope of wards as the ``text[]`` parameter of ``(%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))``:
    None is everywhere, an empty list nowhere. One code must come as a list: a bare string would be its letters."""
    if isinstance(wards, str):
        raise TypeError(f"a scope of wards is a list of codes, not the string {wards!r}")
    return None if wards is None else list(wards)


def like_pattern(text: str) -> str:
    """A user's search text as an ILIKE pattern that matches it literally anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
