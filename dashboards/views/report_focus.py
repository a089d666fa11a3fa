"""Where the /reports map looks first. The demo (and any province running two cities) has its reports 300 km apart:
a view fitted to both shows the empty country between them at a zoom where neither city is visible, and the map
reads as empty. So, as the wall's scenes do, the map frames one city: the one with the most open reports."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboards.queries.wards import Area


def focus_codes(ward_codes: pd.Series, areas: Sequence[Area]) -> list[str] | None:
    """The wards of the city holding the most of these reports' wards when they lie in more than one city; None
    when one city (or none known) holds them all, and the map fits everything."""
    counts = {a.name: int(ward_codes.isin(a.codes).sum()) for a in areas}
    busy = [a for a in areas if counts[a.name]]
    if len(busy) < 2:
        return None
    return list(max(busy, key=lambda a: counts[a.name]).codes)     # a tie: the first, the city with most devices
