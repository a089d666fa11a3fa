"""Support points edited one at a time on the staff page: every field checked (all errors at once, by field), then
added, updated or closed, each write a row of the security audit log (``support_point_add``, ``_edit``,
``_close``). A closed point is kept (``closed_at``) and leaves the residents' page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ioc.query import rows
from ioc.security import audit
from pipelines.public.reason import Reason
from pipelines.public.support_points import KINDS, VIETNAM, SupportPoint, plain

FIELDS = ("ward_code", "kind", "name", "address", "lat", "lon", "hours", "helps_with", "phone")
_LIMITS = {"name": 200, "address": 300, "hours": 200, "phone": 40}


def check(values: Mapping[str, str], current_wards: set[str]) -> SupportPoint | dict[str, Reason]:
    """The point, or every field's problem (field → reason)."""
    get = {k: (values.get(k) or "").strip() for k in FIELDS}
    errors: dict[str, Reason] = {}
    empty = Reason("empty", "empty")
    if get["ward_code"] not in current_wards:
        errors["ward_code"] = Reason(f"no current ward {get['ward_code']!r}", "no_ward", value=get["ward_code"]) \
            if get["ward_code"] else empty
    kind = KINDS.get(plain(get["kind"]).replace("-", " "))
    if kind is None:
        errors["kind"] = Reason(f"{get['kind']!r} is not one of cafe, digital_team, one_stop", "bad_choice",
                                value=get["kind"])
    if not get["name"]:
        errors["name"] = empty
    for name, most in _LIMITS.items():
        if len(get[name]) > most:
            errors[name] = Reason(f"longer than {most} characters", "too_long", most=most)
    lat = lon = 0.0
    for name in ("lat", "lon"):
        try:
            found = float(get[name].replace(",", "."))
        except ValueError:
            errors[name] = Reason(f"not a number: {get[name]!r}", "not_number", value=get[name]) if get[name] \
                else empty
            continue
        lo, hi = (VIETNAM[1], VIETNAM[3]) if name == "lat" else (VIETNAM[0], VIETNAM[2])
        if not lo <= found <= hi:
            errors[name] = Reason(f"{found} is outside Vietnam ({lo}–{hi}); lat and lon swapped?", "outside",
                                  value=found, lo=lo, hi=hi)
        lat, lon = (found, lon) if name == "lat" else (lat, found)
    if errors:
        return errors
    helps = tuple(h.strip() for h in get["helps_with"].replace("\n", ";").split(";") if h.strip())
    return SupportPoint(get["ward_code"], str(kind), get["name"], lon, lat, get["address"] or None,
                        get["hours"] or None, helps, get["phone"] or None)


def save(conn: psycopg.Connection, p: SupportPoint, actor: str, point_id: int | None = None,
         ip: str | None = None) -> int | dict[str, Reason]:
    """Add (``point_id`` None) or update a point; its id, or ``{"name": reason}`` when the ward has one so named."""
    values = [p.ward_code, p.kind, p.name, p.address, p.lon, p.lat, p.hours, list(p.helps_with), p.phone]
    with conn.transaction():
        taken = conn.execute("SELECT id FROM support_points WHERE ward_code = %s AND name = %s AND id <> %s",
                             [p.ward_code, p.name, point_id or 0]).fetchone()
        if taken is not None:
            return {"name": Reason("the ward already has a support point with this name", "name_taken")}
        if point_id is None:
            row = conn.execute("""
                INSERT INTO support_points (ward_code, kind, name, address, geom, hours, helps_with, phone)
                VALUES (%s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s, %s) RETURNING id""",
                               values).fetchone()
        else:
            row = conn.execute("""
                UPDATE support_points SET ward_code = %s, kind = %s, name = %s, address = %s,
                    geom = ST_SetSRID(ST_MakePoint(%s, %s), 4326), hours = %s, helps_with = %s, phone = %s,
                    updated_at = now()
                WHERE id = %s RETURNING id""", [*values, point_id]).fetchone()
        if row is None:
            return {"name": Reason(f"no support point {point_id}", "no_point")}
        audit.record(conn, "support_point_add" if point_id is None else "support_point_edit", actor,
                     f"support_point:{row[0]}", ip, ward=p.ward_code, name=p.name)
    return int(row[0])


def close(conn: psycopg.Connection, point_id: int, actor: str, ip: str | None = None) -> bool:
    with conn.transaction():
        done = conn.execute("""UPDATE support_points SET closed_at = now(), closed_by = %s, updated_at = now()
                               WHERE id = %s AND closed_at IS NULL""", [actor, point_id]).rowcount
        if done:
            audit.record(conn, "support_point_close", actor, f"support_point:{point_id}", ip)
    return bool(done)


def one(pool: ConnectionPool, point_id: int) -> dict[str, Any] | None:
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT id, ward_code, kind, name, address, ST_X(geom) AS lon, ST_Y(geom) AS lat, hours,
                              helps_with, phone, closed_at, synthetic FROM support_points WHERE id = %s""", [point_id])
        return cur.fetchone()


def for_staff(pool: ConnectionPool, ward: str | None) -> list[dict[str, Any]]:
    """Every point (closed ones too) of ``ward`` or of all wards."""
    return rows(pool, """
        SELECT id, ward_code, kind, name, address, hours, phone, closed_at, closed_by, synthetic, updated_at
        FROM support_points WHERE %(ward)s::text IS NULL OR ward_code = %(ward)s
        ORDER BY closed_at IS NOT NULL, ward_code, kind, name""", {"ward": ward})
