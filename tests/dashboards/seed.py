"""Test and benchmark data written straight into the tables the dashboards read (the pipelines are not needed).

Ward outlines are the real 2025 wards; PM2.5 follows the real US-Embassy Hanoi hourly series (shifted and scaled
per station); the rest is a plausible daily rhythm. Rollup rows are bulk-loaded with COPY.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ioc.data import data_path
from pipelines.social import demo as social_demo

WARDS_FILE = "boundaries/wards_2025.geojson"  # shipped data files (ioc.data)
PM25_FILE = "air_quality/hanoi_pm25_hourly_2016_2020.csv"
NHA_TRANG = ("22333", "22366", "22390", "22402")
EVENT_TYPES = ("traffic_violation", "illegal_parking", "crowd", "accident")


@dataclass(frozen=True)
class Device:
    device_id: str
    kind: str
    ward_code: str


def load_wards(conn: psycopg.Connection, codes: Sequence[str] = NHA_TRANG) -> list[str]:
    features = json.loads(data_path(WARDS_FILE).read_text(encoding="utf-8"))["features"]
    chosen = [f for f in features if f["properties"]["new_ward_code"] in codes]
    for f in chosen:
        p = f["properties"]
        conn.execute("""
            INSERT INTO wards (code, name, province, geom, valid_from, former_city, source)
            VALUES (%s, %s, %s, ST_Multi(ST_CollectionExtract(ST_MakeValid(
                    ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326)), 3)), '2025-07-01', %s, 'test')""",
                     [p["new_ward_code"], p["new_ward_name"], p["new_province_name"], json.dumps(f["geometry"]),
                      p["former_city"]])
    return [f["properties"]["new_ward_code"] for f in chosen]


def add_devices(conn: psycopg.Connection, per_kind_per_ward: int, wards: Iterable[str] = NHA_TRANG,
                kinds: Sequence[str] = ("camera", "env", "wifi"), seed: int = 7) -> list[Device]:
    """Registered devices at random points inside each ward; all online and fresh (tests then age some)."""
    made: list[Device] = []
    for w_i, ward in enumerate(wards):
        for k_i, kind in enumerate(kinds):
            conn.execute("""
                INSERT INTO devices (device_id, kind, name, location, ward_code, registered, registered_at,
                                     last_seen_at, last_data_at, online, online_changed_at, battery)
                SELECT format('%%s-%%s-%%s', %(kind)s::text, %(ward)s::text, lpad(d.path[1]::text, 4, '0')),
                       %(kind)s::text, format('%%s %%s', initcap(%(kind)s::text), d.path[1]), d.geom,
                       %(ward)s::text, true, now() - interval '60 days', now(), now(), true,
                       now() - interval '1 day', 80
                FROM wards w, LATERAL ST_Dump(ST_GeneratePoints(w.geom, %(n)s, %(seed)s)) AS d
                WHERE w.code = %(ward)s::text AND w.valid_to IS NULL""",
                         {"kind": kind, "ward": ward, "n": per_kind_per_ward, "seed": seed + w_i * 10 + k_i})
    for row in conn.execute("SELECT device_id, kind, ward_code FROM devices ORDER BY device_id"):
        made.append(Device(*row))
    return made


def pm25_pattern() -> np.ndarray:
    raw = pd.read_csv(data_path(PM25_FILE), usecols=["Raw Conc."])["Raw Conc."].to_numpy(dtype=float)
    return raw[raw >= 0]


def hourly_frame(devices: Sequence[Device], start: datetime, hours: int, rng: np.random.Generator) -> pd.DataFrame:
    """Long-format hourly rollup rows for each device over ``hours`` hours from ``start`` (UTC hour)."""
    pattern = pm25_pattern()
    buckets = pd.date_range(start, periods=hours, freq="h", tz="UTC")
    local_hour = ((buckets.hour + 7) % 24).to_numpy()
    rhythm = 0.35 + 0.65 * np.exp(-((local_hour - 18) ** 2) / 18) + 0.4 * np.exp(-((local_hour - 8) ** 2) / 8)
    parts = []
    for dev in devices:
        metrics = _metrics_for(dev, pattern, rhythm, rng)
        for metric, (n, values) in metrics.items():
            parts.append(pd.DataFrame({"bucket": buckets, "device_id": dev.device_id, "metric": metric,
                                       "n": n, "sum": values * n if metric in _GAUGES else values,
                                       "min": values, "max": values}))
    return pd.concat(parts, ignore_index=True)


_GAUGES = {"pm25", "pm10", "temperature", "laeq", "clients"}


def _metrics_for(dev: Device, pattern: np.ndarray, rhythm: np.ndarray,
                 rng: np.random.Generator) -> dict[str, tuple[int | np.ndarray, np.ndarray]]:
    hours = rhythm.size
    if dev.kind == "env":
        offset = int(rng.integers(0, pattern.size - hours - 1))
        pm = pattern[offset:offset + hours] * rng.uniform(0.6, 1.3)
        return {"pm25": (60, np.round(pm, 1)), "pm10": (60, np.round(pm * 1.6, 1)),
                "temperature": (60, np.round(26 + 4 * rhythm, 1)), "messages": (60, np.full(hours, 60.0))}
    if dev.kind == "wifi":
        clients = np.round(rhythm * rng.uniform(10, 60) * rng.uniform(0.8, 1.25, hours))
        return {"clients": (60, clients), "new_sessions": (60, np.round(clients * 0.8)),
                "messages": (60, np.full(hours, 60.0))}
    vehicles = np.round(rhythm * rng.uniform(300, 1500))
    out: dict[str, tuple[int | np.ndarray, np.ndarray]] = {
        "vehicles": (60, vehicles), "people": (60, np.round(vehicles * 0.4)), "messages": (60, np.full(hours, 60.0))}
    for i, kind in enumerate(EVENT_TYPES):
        events = rng.poisson(rhythm * 0.5 / (i + 1))
        out[f"event:{kind}"] = (events, events.astype(float))
    return out


def copy_rollup(conn: psycopg.Connection, table: str, rows: pd.DataFrame) -> int:
    """COPY a frame of (bucket, device_id, metric, n, sum, min, max) rows into a rollup table."""
    rows = rows[rows["n"] > 0]
    columns = ["bucket", "device_id", "metric", "n", "sum", "min", "max"]
    query = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    step = 500_000
    with conn.cursor() as cur, cur.copy(query) as copy:
        for i in range(0, len(rows), step):
            buf = io.StringIO()
            rows.iloc[i:i + step][columns].to_csv(buf, header=False, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
            copy.write(buf.getvalue())
    return len(rows)


def add_history(conn: psycopg.Connection, devices: Sequence[Device], days: int, now: datetime | None = None,
                seed: int = 11) -> int:
    """Hourly rows for ``days`` days up to the current hour, their daily sums, and 1-minute rows for 60 minutes."""
    now = now or datetime.now(UTC)
    rng = np.random.default_rng(seed)
    hour = now.replace(minute=0, second=0, microsecond=0)
    start = hour - timedelta(hours=days * 24 - 1)
    hourly = hourly_frame(devices, start, days * 24, rng)
    written = copy_rollup(conn, "rollup_1h", hourly)
    written += copy_rollup(conn, "rollup_1d", daily_from_hourly(hourly))
    written += copy_rollup(conn, "rollup_1m", minutes_from_hourly(hourly, now))
    add_accounting(conn, [d.device_id for d in devices], start, hour)
    return written


def add_accounting(conn: psycopg.Connection, device_ids: Sequence[str], start: datetime, last: datetime) -> None:
    """What the ingester would have accounted for the seeded hours: every expected periodic reading stored, but
    one hour in 40 of each device half empty (deterministic), so completeness reads like a real network's ~99 %."""
    conn.execute("""
        INSERT INTO ingest_accounting (device_id, hour, expected, received, stored, periodic, first_ts, last_ts)
        SELECT s.device_id, h, 3600 / s.interval_s, n, n, n, h, h + interval '59 minutes'
        FROM device_state s
        CROSS JOIN generate_series(%s::timestamptz, %s::timestamptz, interval '1 hour') h
        CROSS JOIN LATERAL (SELECT (ceil(3600 / s.interval_s)
                  * CASE WHEN (abs(hashtext(s.device_id)) + extract(epoch FROM h)::bigint / 3600) %% 40 = 0
                         THEN 0.5 ELSE 1 END
                  * least(1, extract(epoch FROM now() - h) / 3600))::int AS n) x   -- the current hour: so far
        WHERE s.device_id = ANY(%s)
        ON CONFLICT (device_id, hour) DO NOTHING""", [start, last, list(device_ids)])


def daily_from_hourly(hourly: pd.DataFrame) -> pd.DataFrame:
    day = (hourly["bucket"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.floor("D")).dt.tz_convert("UTC")
    return (hourly.assign(bucket=day).groupby(["bucket", "device_id", "metric"], as_index=False)
            .agg(n=("n", "sum"), sum=("sum", "sum"), min=("min", "min"), max=("max", "max")))


def minutes_from_hourly(hourly: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The last hour's values spread over the last 60 minutes (one row per minute, n = 1 reading)."""
    last = hourly[(hourly["bucket"] == hourly["bucket"].max()) & ~hourly["metric"].str.startswith("event:")]
    minute = now.replace(second=0, microsecond=0)
    parts = []
    for m in range(60):
        ts = pd.Timestamp(minute - timedelta(minutes=m))
        part = last.assign(bucket=ts, n=1)
        gauge = part["metric"].isin(list(_GAUGES))
        part.loc[gauge, "sum"] = part.loc[gauge, "min"]
        part.loc[~gauge, "sum"] = (part.loc[~gauge, "sum"] / 60).round()
        part.loc[~gauge, "n"] = part.loc[~gauge, "sum"].astype(int).clip(lower=0)
        part.loc[part["metric"] == "messages", ["n", "sum"]] = 1
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def heartbeat(conn: psycopg.Connection, age_s: float, worker: str = "ingest-1", rate: float = 120.0) -> None:
    counters = {"received": 100000, "stored": 99990, "duplicates": 3, "dead_lettered": 7, "queue_depth": 4,
                "spool_size": 0, "oldest_unacked_s": 0.8, "rate_in": rate, "rate_stored": rate - 0.5}
    conn.execute("""
        INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at, counters)
        VALUES (%s, now(), now() - make_interval(secs => %s), %s)
        ON CONFLICT (worker) DO UPDATE SET updated_at = EXCLUDED.updated_at,
            last_commit_at = EXCLUDED.last_commit_at, counters = EXCLUDED.counters""",
                 [worker, age_s, json.dumps(counters)])


def camera_events(conn: psycopg.Connection, devices: Sequence[Device], n: int, seed: int = 3) -> None:
    cams = [d for d in devices if d.kind == "camera"]
    rng = np.random.default_rng(seed)
    with conn.cursor() as cur, cur.copy(
            "COPY camera_events (ts, device_id, seq, received_at, type, confidence) FROM STDIN") as copy:
        for i in range(n):
            ts = datetime.now(UTC) - timedelta(seconds=int(rng.integers(5, 3000)))
            dev = cams[int(rng.integers(0, len(cams)))]
            copy.write_row((ts, dev.device_id, i, ts, EVENT_TYPES[i % len(EVENT_TYPES)], 0.9))
    # the rollup job's view of the same events: one 'event:<type>' row per device, type and minute
    conn.execute("""
        INSERT INTO rollup_1m (bucket, device_id, metric, n, sum, min, max)
        SELECT date_trunc('minute', ts), device_id, 'event:' || type, count(*), count(*), 1, 1
        FROM camera_events GROUP BY 1, 2, 3
        ON CONFLICT (device_id, metric, bucket) DO UPDATE SET n = EXCLUDED.n, sum = EXCLUDED.sum""")


def dead_letter(conn: psycopg.Connection, device_id: str, reason: str, n: int = 1) -> None:
    for i in range(n):
        conn.execute("""
            INSERT INTO dead_letters (received_at, topic, payload, reason, code, field, device_id, kind)
            VALUES (now() - make_interval(secs => %s), %s, %s, %s, 'out_of_range', 'pm25', %s, 'env')""",
                     [i, f"ioc/v1/env/{device_id}/telemetry", b'{"pm25": -5}\xff', reason, device_id])


def age_devices(conn: psycopg.Connection, stale: Sequence[str] = (), offline: Sequence[str] = ()) -> None:
    if stale:
        conn.execute("UPDATE devices SET last_data_at = now() - interval '2 hours' WHERE device_id = ANY(%s)",
                     [list(stale)])
    if offline:
        conn.execute("UPDATE devices SET online = false, online_changed_at = now() - interval '5 minutes' "
                     "WHERE device_id = ANY(%s)", [list(offline)])


def field_reports(conn: psycopg.Connection, ward: str, open_: int, overdue: int, seed: int = 5) -> None:
    """``open_`` open field reports at random points of ``ward`` (received or in progress), the first ``overdue``
    of them past their due time, plus one resolved report (never on the map)."""
    conn.execute("""
        INSERT INTO reports (source, category, description, geom, ward_code, status, submitted_at, sla_days, due_at)
        SELECT 'hotline_1022', 'lighting', 'test report', d.geom, %(ward)s::text,
               CASE WHEN d.path[1] %% 2 = 0 THEN 'in_progress' ELSE 'received' END,
               now() - interval '3 days', 3,
               CASE WHEN d.path[1] <= %(overdue)s THEN now() - interval '2 hours' ELSE now() + interval '2 days' END
        FROM wards w, LATERAL ST_Dump(ST_GeneratePoints(w.geom, %(n)s, %(seed)s)) AS d
        WHERE w.code = %(ward)s::text AND w.valid_to IS NULL""",
                 {"ward": ward, "n": open_, "overdue": overdue, "seed": seed})
    conn.execute("""
        INSERT INTO reports (source, category, description, ward_code, status, submitted_at, sla_days, due_at,
                             resolved_at, outcome)
        VALUES ('web', 'roads', 'done', %s, 'resolved', now() - interval '2 days', 5, now() + interval '3 days',
                now() - interval '1 day', 'resolved')""", [ward])


OWNER_CYCLE = (("budget", "ptz"), ("budget", "fixed"), ("socialized", "fixed"), ("socialized", "fixed"),
               ("citizen_shared", "fixed"), ("socialized", "fixed"))


def classify(conn: psycopg.Connection) -> None:
    """Registry attributes as a generated fleet writes them: cameras by ownership and type (one PTZ per ward, in
    Đồng Xoài's rough proportions), and each ward's wifi access points at one point, the ward's last one seasonal
    (Tết: January and February)."""
    cams = [r[0] for r in conn.execute("SELECT device_id FROM devices WHERE kind = 'camera' ORDER BY device_id")]
    for i, device_id in enumerate(cams):
        owner, kind = OWNER_CYCLE[i % len(OWNER_CYCLE)]
        conn.execute("UPDATE devices SET attrs = attrs || jsonb_build_object('ownership', %s::text, "
                     "'camera_type', %s::text) WHERE device_id = %s", [owner, kind, device_id])
    conn.execute("""
        UPDATE devices d SET attrs = d.attrs || jsonb_build_object(
            'hotspot', 'hs-' || d.ward_code || CASE WHEN n.last THEN '-tet' ELSE '' END,
            'hotspot_name', CASE WHEN n.last THEN 'Điểm wifi Tết ' ELSE 'Quảng trường ' END || w.name,
            'place', CASE WHEN n.last THEN 'seasonal' ELSE 'square' END)
            || CASE WHEN n.last THEN '{"season_months": [1, 2]}'::jsonb ELSE '{}'::jsonb END
        FROM (SELECT device_id, device_id = max(device_id) OVER (PARTITION BY ward_code) AS last
              FROM devices WHERE kind = 'wifi') n, wards w
        WHERE d.device_id = n.device_id AND w.code = d.ward_code AND w.valid_to IS NULL""")


def add_environment(conn: psycopg.Connection, devices: Sequence[Device], hours: int = 72,
                    now: datetime | None = None) -> None:
    """Beyond PM2.5, for the environment stations of each ward: noise at every station (the first one special:
    QCVN 26's 55/45 dB(A)), the gases at the first, and a drain gauge at the second, with warning levels
    40/60/80 cm in the registry and a storm six hours ago that lifted it over level II; 1-minute rows for the
    last hour."""
    now = now or datetime.now(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    buckets = pd.date_range(hour - timedelta(hours=hours - 1), periods=hours, freq="h", tz="UTC")
    local = ((buckets.hour + 7) % 24).to_numpy()
    traffic = 0.1 + 0.9 * np.exp(-((local - 8) ** 2) / 6) + 0.8 * np.exp(-((local - 18) ** 2) / 8)
    sun = np.clip(np.cos((local - 14) / 7 * np.pi / 2), 0, None) ** 2 * (np.abs(local - 14) < 7)
    since_storm = (buckets - pd.Timestamp(hour - timedelta(hours=6))).total_seconds().to_numpy() / 3600
    rain = np.where((since_storm >= 0) & (since_storm < 2), 18.0, 0.0)
    water = 12 + np.where(since_storm >= 0.5, 65 * np.exp(-(since_storm - 0.5) / 3), 0) * (since_storm >= 0)
    by_ward: dict[str | None, list[Device]] = {}
    for dev in devices:
        if dev.kind == "env":
            by_ward.setdefault(dev.ward_code, []).append(dev)
    parts = []
    for stations in by_ward.values():
        for i, dev in enumerate(stations):
            metrics = {"laeq": 52 + 14 * traffic + 2 * i}
            if i == 0:
                metrics |= {"no2": 20 + 60 * traffic, "co": 600 + 2400 * traffic, "o3": 25 + 110 * sun,
                            "so2": 8 + 10 * traffic}
                conn.execute("UPDATE devices SET attrs = attrs || %s WHERE device_id = %s",
                             [Jsonb({"station": {"noise_area": "special"}}), dev.device_id])
            if i == 1:
                metrics |= {"water_level": water, "precipitation": rain}
                conn.execute("UPDATE devices SET attrs = attrs || %s WHERE device_id = %s",
                             [Jsonb({"station": {"water_body": "drain", "water_levels_cm": [40, 60, 80]}}),
                              dev.device_id])
            for metric, values in metrics.items():
                values = np.round(np.asarray(values, dtype=float), 1)
                total = values if metric == "precipitation" else values * 60
                parts.append(pd.DataFrame({"bucket": buckets, "device_id": dev.device_id, "metric": metric,
                                           "n": 60, "sum": total, "min": values, "max": values}))
    hourly = pd.concat(parts, ignore_index=True)
    copy_rollup(conn, "rollup_1h", hourly)
    last = hourly[hourly["bucket"] == hourly["bucket"].max()]
    minute = now.replace(second=0, microsecond=0)
    per_minute = [last.assign(bucket=pd.Timestamp(minute - timedelta(minutes=m)), n=1) for m in range(60)]
    minutes = pd.concat(per_minute, ignore_index=True)
    minutes["sum"] = np.where(minutes["metric"] == "precipitation", minutes["min"] / 60, minutes["min"])
    copy_rollup(conn, "rollup_1m", minutes)


def social_mentions(conn: psycopg.Connection, days: float = 3, now: datetime | None = None) -> int:
    """``days`` of the demo's SYNTHETIC social listening feed over the loaded wards (idempotent: more days later
    adds only the missing ones); through the import, so authors are stripped and wards matched as in production."""
    end = now or datetime.now(UTC)
    return social_demo.load(conn, end - timedelta(days=days), end, ZoneInfo("Asia/Ho_Chi_Minh"))


def add_lighting(conn: psycopg.Connection, wards: Iterable[str] = NHA_TRANG, lamps_per_ward: int = 10,
                 days: int = 3, now: datetime | None = None, seed: int = 21) -> list[Device]:
    """A cabinet and ``lamps_per_ward`` lamps in each ward, and ``days`` of their raw 10-minute readings drawn by the
    simulator's own lighting model (sensors.sim.lighting): real sunsets, dimming, failures and day burners."""
    from zoneinfo import ZoneInfo

    from sensors.sim.lighting import LightProfile, light_reading

    now = now or datetime.now(UTC)
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    made: list[Device] = []
    profiles: list[LightProfile] = []
    for w_i, ward in enumerate(wards):
        cabinet = f"lcab-{ward}"
        points = conn.execute(
            "SELECT ST_X(d.geom), ST_Y(d.geom) FROM wards w, LATERAL ST_Dump(ST_GeneratePoints(w.geom, %s, %s)) d "
            "WHERE w.code = %s AND w.valid_to IS NULL", [lamps_per_ward + 1, seed + w_i, ward]).fetchall()
        for i, (lon, lat) in enumerate(points):
            ident = cabinet if i == 0 else f"lamp-{ward}-{i:03d}"
            attrs = ({"device_type": "cabinet", "street": f"Tuyến {ward}"} if i == 0 else
                     {"device_type": "lamp", "street": f"Tuyến {ward}", "cabinet": cabinet, "rated_w": 120.0})
            conn.execute("""
                INSERT INTO devices (device_id, kind, name, location, ward_code, registered, registered_at,
                                     last_seen_at, last_data_at, online, online_changed_at, attrs)
                VALUES (%s, 'light', %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, true, now() - interval '60 days',
                        now(), now(), true, now() - interval '1 day', %s)""",
                         [ident, f"Đèn {ident}", lon, lat, ward, json.dumps(attrs)])
            made.append(Device(ident, "light", ward))
            profiles.append(LightProfile(ident, "lamp" if i else "cabinet", lat, lon, 120.0 if i else 0.0,
                                         cabinet if i else None, 120.0 * lamps_per_ward if i == 0 else 0.0,
                                         lamps_per_ward if i == 0 else 0))
    step = timedelta(minutes=10)
    first = now.replace(second=0, microsecond=0) - timedelta(days=days)
    first -= timedelta(minutes=first.minute % 10)
    columns = ("ts", "device_id", "seq", "received_at", *LIGHT_COLUMNS)
    query = sql.SQL("COPY light_telemetry ({}) FROM STDIN").format(sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.cursor() as cur, cur.copy(query) as copy:
        at = first
        while at <= now:
            for p in profiles:
                r = light_reading(p, at, at.astimezone(tz), None, 600)
                copy.write_row((r.ts, r.device_id, None, r.ts, *(getattr(r, c) for c in LIGHT_COLUMNS)))
            at += step
    return made


LIGHT_COLUMNS = ("device_type", "power_state", "commanded_power_state", "illuminance_level",
                 "commanded_illuminance_level", "active_power", "energy_consumed", "lamp_failure", "supply_loss",
                 "lamp_unexpected_on", "control_gear_comm_failure", "working_mode", "cabinet_door_open", "interval_s")
