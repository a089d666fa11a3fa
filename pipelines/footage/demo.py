"""A SYNTHETIC footage register for Đồng Xoài, so the /footage page is not empty in the demo.

Đồng Xoài reported 658 extractions in two years: 274 for public order (ANTT), 181 for traffic safety (TTATGT) and
203 for other purposes (contact tracing, finding lost people). The demo keeps those proportions at a quarter of the
volume (69 / 45 / 51) over the two years before today, each extraction walked through the whole workflow by two
demo officers, so the counts, outcomes and a few overdue destructions look like a real register. Seeded in one
transaction through the chain writer (hashes and all), in well under a second.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from pipelines.footage.chain import Entry, append

COUNTS = {"antt": 69, "ttatgt": 45, "other": 51}
OFFICERS = ("trichxuat.an", "trichxuat.binh")     # demo names; `ioc users add … --role footage_officer` for real ones
WARDS = {"25210": ("dx-cam-0007", "dx-cam-0009", "dx-cam-0012", "dx-cam-0017", "dx-cam-0019", "dx-cam-0037"),
         "25195": ("dx-cam-0001", "dx-cam-0002", "dx-cam-0008", "dx-cam-0015", "dx-cam-0021", "dx-cam-0029")}
UNITS = {"antt": "Công an phường {ward}", "ttatgt": "Đội CSGT Công an tỉnh Đồng Nai", "other": "UBND phường {ward}"}
WARD_NAMES = {"25210": "Đồng Xoài", "25195": "Bình Phước"}
REASONS = ("truy vết tiếp xúc / contact tracing", "tìm người đi lạc / finding a lost person",
           "tìm tài sản thất lạc / finding lost property")
BASIS = {"antt": "Công văn đề nghị của Công an phường, Luật Bảo vệ DLCN 91/2025/QH15 Điều 19",
         "ttatgt": "Luật TTATGT đường bộ 2024; công văn của Đội CSGT",
         "other": "Đơn đề nghị có xác nhận của UBND phường; Luật 91/2025/QH15"}
OUTCOME_WEIGHTS = {"antt": (("criminal_case", 5), ("administrative_violation", 3), ("none", 2)),
                   "ttatgt": (("traffic_accident", 6), ("administrative_violation", 3), ("none", 1)),
                   "other": (("none", 7), ("administrative_violation", 1))}
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
GIVEN = ("Văn Hùng", "Thị Lan", "Minh Tuấn", "Quốc Bảo", "Thị Hoa", "Đức Anh", "Hữu Phước", "Thanh Tâm")


def _plan(now: datetime, rnd: random.Random) -> list[tuple[datetime, str, str]]:
    items = []
    for purpose, n in COUNTS.items():
        for _ in range(n):
            at = now - timedelta(days=rnd.uniform(2, 730), hours=rnd.uniform(0, 8))
            at = at.replace(hour=rnd.randint(1, 10), minute=rnd.randint(0, 59), second=0, microsecond=0)  # 8–17 VN
            items.append((at, purpose, rnd.choice(tuple(WARDS))))
    return sorted(items)


def entries(now: datetime, seed: int = 19) -> list[tuple[int, Entry]]:
    """The demo's events in time order, each with its extraction's index (its steps follow within days)."""
    rnd = random.Random(seed)
    events: list[tuple[datetime, int, Entry]] = []
    for n, (at, purpose, ward) in enumerate(_plan(now, rnd)):
        officer, other = OFFICERS[n % 2], OFFICERS[(n + 1) % 2]
        cams = rnd.sample(WARDS[ward], rnd.randint(1, 3))
        seen = at - timedelta(days=rnd.uniform(0.2, 5))
        name = f"{rnd.choice(SURNAMES)} {rnd.choice(GIVEN)}"
        details = {"requester": name, "unit": UNITS[purpose].format(ward=WARD_NAMES[ward]),
                   "legal_basis": BASIS[purpose], "reason": rnd.choice(REASONS) if purpose == "other" else None,
                   "cameras": cams, "from": seen.isoformat(),
                   "to": (seen + timedelta(hours=rnd.randint(1, 6))).isoformat()}
        events.append((at, n, Entry("request", officer, at, details, ward_code=ward, purpose=purpose)))
        step = at + timedelta(hours=rnd.uniform(1, 20))
        if rnd.random() < 0.04:
            refusal = {"reason": "không đủ căn cứ pháp lý / no legal basis"}
            events.append((step, n, Entry("refuse", other, step, refusal)))
            continue
        by = (step + timedelta(days=30)).date()
        events.append((step, n, Entry("approve", other, step, {"destroy_by": by.isoformat(), "note": None})))
        files = [{"name": f"{c}_{seen:%Y%m%d}.mp4", "bytes": rnd.randint(40, 900) << 20,
                  "sha256": f"{rnd.getrandbits(256):064x}"} for c in cams]
        handover = {"to": f"{rnd.choice(SURNAMES)} {rnd.choice(GIVEN)}",
                    "unit": UNITS[purpose].format(ward=WARD_NAMES[ward]), "method": "USB, bàn giao trực tiếp"}
        steps: list[tuple[str, dict[str, Any]]] = [
            ("export", {"files": files}), ("deliver", handover), ("outcome", {"note": None}),
            ("destroy", {"record": f"BB-{at:%Y}-{n + 1:04d}/TXHA"})]
        for event, fields in steps:
            step += timedelta(days=rnd.uniform(0.1, 9))
            if step > now - timedelta(hours=1) or (event == "destroy" and rnd.random() < 0.03):
                break                                   # recent ones are still open; a few destructions are late
            result = None
            if event == "outcome":
                names, weights = zip(*OUTCOME_WEIGHTS[purpose], strict=True)
                result = rnd.choices(names, weights)[0]
            events.append((step, n, Entry(event, officer, step, fields, outcome=result)))
    return [(n, e) for _, n, e in sorted(events, key=lambda x: (x[0], x[1]))]


def seed(conn: psycopg.Connection, now: datetime | None = None) -> int:
    """Add the demo register when the register is empty; the number of rows added."""
    with conn.transaction():
        conn.execute("LOCK TABLE footage_register IN SHARE ROW EXCLUSIVE MODE")
        if conn.execute("SELECT 1 FROM footage_register LIMIT 1").fetchone():
            return 0
        plan = entries(now or datetime.now(UTC))
        # the register is empty, so row k (from 1) of the plan gets id k: each event names its request's row
        request_id: dict[int, int] = {}
        linked = []
        for k, (n, entry) in enumerate(plan, start=1):
            request_id.setdefault(n, k)
            linked.append(replace(entry, extraction_id=request_id[n]))
        return len(append(conn, linked))
