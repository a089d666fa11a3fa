"""A small, deterministic set of field reports in the real Nha Trang wards, in every state, with sensors near some.

Every report carries the same reporter phone (:data:`helpers.PHONE`), which the privacy tests search for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from pipelines.reports import evidence_db, store
from pipelines.reports.actions import apply_action
from pipelines.reports.evidence_rules import load_rules
from pipelines.reports.model import CHANNELS, Contact, ReportIn
from pipelines.reports.workflow import Action
from tests.reports.helpers import PHONE, TZ, add_device, load_wards, offset

CATEGORIES = ("flooding", "noise", "traffic", "environment", "lighting", "roads", "public_order", "drainage",
              "construction", "other")
TEXT = {"flooding": "Nước ngập sâu sau mưa lớn", "noise": "Karaoke ồn ào quá giờ", "traffic": "Xe đỗ chắn lối đi",
        "environment": "Rác thải đổ bừa bãi, có khói", "lighting": "Đèn đường hỏng cả dãy",
        "roads": "Ổ gà lớn giữa đường", "public_order": "Tụ tập đông người gây mất trật tự",
        "drainage": "Cống thoát nước bị tắc", "construction": "Công trình xây dựng không che chắn",
        "other": "Cây đổ chắn vỉa hè"}


@dataclass(frozen=True)
class Seeded:
    ids: list[int]
    points: dict[str, tuple[float, float]]


def _reports(points: dict[str, tuple[float, float]], n: int, now: datetime, rng: random.Random) -> list[ReportIn]:
    items = []
    codes = sorted(points)
    for i in range(n):
        lon, lat = points[codes[i % len(codes)]]
        lon, lat = offset(lon, lat, rng.uniform(-600, 600), rng.uniform(-600, 600))
        category = CATEGORIES[i % len(CATEGORIES)]
        submitted = now - timedelta(hours=2 + 7 * i)
        photos = (f"https://media.example.vn/reports/{i}.jpg",) if i % 3 == 0 else ()
        items.append(ReportIn(CHANNELS[i % 6], f"S-{i:03d}", category, submitted, f"{TEXT[category]} (#{i})",
                              round(lon, 6), round(lat, 6), f"{10 + i} Trần Phú" if i % 4 == 0 else None, photos,
                              contact=Contact(f"Người dân {i}", PHONE, f"dan{i}@example.vn")))
    return items


def _handle(conn: psycopg.Connection, ids: list[int], now: datetime) -> None:
    """A realistic spread: about a third finished (some late), some in work, two waiting for the citizen."""
    for k, rid in enumerate(ids):
        at = now - timedelta(hours=7 * k)
        if k % 10 == 9:
            continue
        apply_action(conn, rid, Action("assign", department=("drainage", "urban", "ward_police")[k % 3]), "lan",
                     TZ, at + timedelta(minutes=30))
        if k % 5 == 4:
            continue
        apply_action(conn, rid, Action("start"), "minh", TZ, at + timedelta(hours=1))
        if k in (3, 11):
            apply_action(conn, rid, Action("pause", note="Đề nghị bổ sung ảnh"), "minh", TZ, at + timedelta(hours=2))
        elif k % 3 == 0 and k > 2:
            done = min(at + timedelta(hours=5 + 4 * k), now - timedelta(minutes=5))
            apply_action(conn, rid, Action("resolve", response="Đã xử lý xong, cảm ơn người dân."), "minh", TZ, done)
        elif k % 7 == 6:
            apply_action(conn, rid, Action("reject", response="Không thuộc thẩm quyền của phường."), "lan", TZ,
                         at + timedelta(hours=3))


def _sensors(conn: psycopg.Connection, first: ReportIn, flood: ReportIn, noise: ReportIn) -> None:
    for name, item, kind in (("env-flood", flood, "env"), ("env-noise", noise, "env"), ("cam-flood", flood, "camera")):
        assert item.lon is not None and item.lat is not None
        add_device(conn, name, kind, *offset(item.lon, item.lat, east_m=120))
    conn.execute("INSERT INTO env_telemetry (ts, device_id, received_at, water_level, precipitation) "
                 "VALUES (%s, 'env-flood', %s, 46, 31)", [flood.submitted_at, flood.submitted_at])
    # 76 dB(A) is over both noise limits (70 by day, 55 by night): corroborated whatever hour the tests run at
    conn.execute("INSERT INTO env_telemetry (ts, device_id, received_at, laeq) VALUES (%s, 'env-noise', %s, 76)",
                 [noise.submitted_at, noise.submitted_at])
    conn.execute("INSERT INTO camera_events (ts, device_id, received_at, type, confidence) "
                 "VALUES (%s, 'cam-flood', %s, 'flooding', 0.92)", [flood.submitted_at, flood.submitted_at])


def seed(conn: psycopg.Connection, now: datetime, n: int = 40) -> Seeded:
    points = load_wards(conn)
    items = _reports(points, n, now, random.Random(8))
    ref = store.reference(conn)   # each one received when it was submitted, so timelines read in order
    ids = [store.insert_reports(conn, [item], ref, "seed", TZ, item.submitted_at).ids[0] for item in items]
    _sensors(conn, items[0], items[10], items[1])
    _handle(conn, ids, now)
    evidence_db.corroborate_many(conn, ids, load_rules(), TZ, now)
    return Seeded(ids, points)
