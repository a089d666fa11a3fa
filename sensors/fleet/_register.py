"""``fleet register``: upsert a fleet into the device registry. Idempotent; ward_code is left to the spatial join."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import Fleet, registry_attrs

if TYPE_CHECKING:
    import psycopg

# A device that published before it was registered (registered = false) becomes registered here. registered_at
# keeps the first registration. ward_code is not touched: layers.assign joins locations to versioned wards.
_UPSERT = """
INSERT INTO devices (device_id, kind, name, location, registered, attrs, registered_at)
VALUES (%s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), true, %s, now())
ON CONFLICT (device_id) DO UPDATE SET
    kind = EXCLUDED.kind,
    name = EXCLUDED.name,
    location = EXCLUDED.location,
    registered = true,
    attrs = EXCLUDED.attrs,
    registered_at = coalesce(devices.registered_at, EXCLUDED.registered_at)
"""


def register(conn: psycopg.Connection, fleet: Fleet) -> int:
    """Upsert every device of ``fleet`` (registered = true) in one transaction; returns how many were written."""
    from psycopg.types.json import Jsonb  # the simulator loads fleets without a database driver

    rows = [
        (d.device_id, d.kind, d.name, d.lon, d.lat, Jsonb(registry_attrs(fleet, d)))
        for d in fleet.devices
    ]
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany(_UPSERT, rows)
    return len(rows)
