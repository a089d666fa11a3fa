"""What of a report the public may see, pure: the category, status, public answer, a point snapped to a ~50 m grid,
and the description only where it is marked public, with phone numbers, e-mails and ID numbers redacted.

The address is never published and the exact point stays on staff pages: a resident's report names their door.
The most trusted civic systems (FixMyStreet, SeeClickFix) publish the same way. Whether a description is public
is the reporter's answer on the web and app forms, else the channel's default (``report_channel_defaults``: not
for hotline and Zalo calls, which staff transcribe without asking to publish).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from ioc.security.personal import redact

CELL_M: Final = 50.0
_M_PER_DEG_LAT: Final = 110_574.0
_M_PER_DEG_LON: Final = 111_320.0     # at the equator; times cos(latitude)


def coarse(lon: float, lat: float, cell_m: float = CELL_M) -> tuple[float, float]:
    """The centre of the ``cell_m`` grid cell holding the point: at most half a diagonal away (35 m for 50 m).

    Latitude snaps first, and the longitude step follows the *snapped* latitude, so every point of one row of
    cells shares the same longitude grid and two nearby reports land on the very same point.
    """
    step_lat = cell_m / _M_PER_DEG_LAT
    snapped_lat = round(lat / step_lat) * step_lat
    step_lon = cell_m / (_M_PER_DEG_LON * math.cos(math.radians(snapped_lat)))
    return round(round(lon / step_lon) * step_lon, 6), round(snapped_lat, 6)


def published(row: Mapping[str, Any]) -> dict[str, Any]:
    """A public row (``pipelines.reports.public``) as it may leave: point snapped, address dropped, description
    redacted (it is already None unless marked public). The public response is staff's text for the public and
    may carry the ward's own phone number: it is published as written."""
    out = {k: v for k, v in row.items() if k != "address"}
    if row.get("lon") is not None and row.get("lat") is not None:
        out["lon"], out["lat"] = coarse(float(row["lon"]), float(row["lat"]))
    if out.get("description"):
        out["description"] = redact(str(out["description"]))
    return out
