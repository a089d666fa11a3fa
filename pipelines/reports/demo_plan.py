"""The living demo's field reports, pure: who reports what and when, and how each report's handling goes.

Everything is derived from a seed and the report's own id, never from when the demo happens to run, so loading
sixty days of history at start and ticking every minute afterwards give the same city: an hour's arrivals are the
same whichever call produces them (their ids are too, so a second call inserts nothing), and a report's fate (on
time, late, waiting for the citizen, rejected, stuck) is fixed when it arrives. :func:`next_step` reads the
report's state as the database holds it and says which workflow action is due next and when; the database edge
applies it through the real workflow (``pipelines.reports.actions``), so the history is genuine.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipelines.reports.workflow import Action

# (category code, share, sensor kind to report near (None: anywhere in a ward), texts, public answers)
KINDS: tuple[tuple[str, int, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    ("flooding", 12, "env", ("Nước ngập sâu sau mưa, xe máy chết máy", "Đường ngập 30 cm, nước không rút"),
     ("Công ty Thoát nước đã nạo vét miệng cống, nước đã rút hết.",)),
    ("noise", 12, "env", ("Karaoke hát quá 22 giờ", "Công trình khoan cắt bê tông ban đêm"),
     ("Đội trật tự đô thị đã nhắc nhở, hộ gia đình cam kết không hát sau 22 giờ.",)),
    ("environment", 16, "env", ("Rác thải đổ bừa bãi ven đường", "Đốt rác gây khói mù"),
     ("Công ty Môi trường đô thị đã thu gom rác và xử lý điểm đốt rác.",)),
    ("traffic", 14, "camera", ("Xe tải đỗ chắn lối vào hẻm", "Tai nạn va chạm giữa hai xe máy"),
     ("Công an phường đã có mặt, phân luồng và xử lý vi phạm.",)),
    ("lighting", 10, None, ("Cả dãy đèn đường không sáng", "Cột đèn nghiêng có nguy cơ đổ"),
     ("Công ty Chiếu sáng công cộng đã thay bóng và kiểm tra lại cột đèn.",)),
    ("roads", 10, None, ("Ổ gà lớn giữa đường", "Vỉa hè bị lấn chiếm bán hàng"),
     ("Phòng Kinh tế, Hạ tầng và Đô thị đã vá ổ gà và cắm biển cảnh báo.",)),
    ("drainage", 6, "env", ("Nắp cống bị mất", "Cống thoát nước bốc mùi, tắc nghẽn"),
     ("Công ty Thoát nước đã thay nắp cống và thông tắc tuyến cống.",)),
    ("public_order", 8, "camera", ("Nhóm thanh niên tụ tập gây gổ", "Đông người tụ tập trước cổng chợ"),
     ("Công an phường đã đến hiện trường, giải tán nhóm tụ tập.",)),
    ("construction", 6, None, ("Xây dựng không phép, không che chắn", "Đổ vật liệu xây dựng ra lòng đường"),
     ("Đã lập biên bản, chủ công trình đã che chắn và dọn vật liệu.",)),
    ("other", 4, None, ("Cây xanh gãy đổ chắn vỉa hè", "Chó thả rông không rọ mõm"),
     ("Ủy ban phường đã cử cán bộ xử lý theo phản ánh.",)),
)
CHANNELS = ("hotline_1022", "hotline_1022", "zalo", "zalo", "app", "web", "facebook", "field_staff")
# (fate, share): what becomes of a report; ``stuck`` ones are the few that go overdue while open
FATES = (("on_time", 77), ("late", 6), ("paused", 8), ("rejected", 6), ("stuck", 3))
REJECT_ANSWER = "Phản ánh trùng với phản ánh đã tiếp nhận trước đó; đề nghị theo dõi kết quả tại phản ánh gốc."
PAUSE_NOTE = "Đã đề nghị người dân gửi thêm ảnh và vị trí chính xác."
ACTOR = "demo:desk"


def hourly_rate(local: datetime) -> float:
    """Reports an hour: a few by day, fewer at night (expected value of the Poisson draw)."""
    return 2.0 if 7 <= local.hour < 21 else 0.4


@dataclass(frozen=True)
class Arrival:
    external_id: str
    submitted_at: datetime           # UTC
    category: str
    near_kind: str | None            # report next to a sensor of this kind (None: anywhere)
    anchor: float                    # in [0, 1): which anchor point, the edge picks from its sorted list
    bearing: float                   # radians
    distance_m: float
    source: str
    description: str
    with_contact: bool


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def arrivals(start: datetime, end: datetime, seed: int, tz: ZoneInfo) -> Iterator[Arrival]:
    """Every report submitted in [start, end), oldest first; the same hour always gives the same reports."""
    hour = start.replace(minute=0, second=0, microsecond=0)
    weights = [k[1] for k in KINDS]
    while hour < end:
        rng = random.Random(f"{seed}:{hour:%Y%m%d%H}")
        count = _poisson(rng, hourly_rate(hour.astimezone(tz)))
        minutes = sorted(rng.uniform(0, 60) for _ in range(count))
        for i, minute in enumerate(minutes):
            code, _, near, texts, _answers = rng.choices(KINDS, weights)[0]
            at = hour + timedelta(minutes=minute)
            arrival = Arrival(f"DEMO-{hour:%Y%m%d%H}-{i}", at, code, near, rng.random(), rng.uniform(0, 2 * math.pi),
                              rng.uniform(20, 220), rng.choice(CHANNELS), rng.choice(texts), rng.random() < 0.7)
            if start <= at < end:
                yield arrival
        hour += timedelta(hours=1)


@dataclass(frozen=True)
class Fate:
    kind: str
    assign_after: timedelta          # after submission
    start_share: float               # of the SLA span (submission → due), when work starts
    finish_share: float              # of the SLA span; above 1 is late
    pause_share: float               # paused fate: when the citizen is asked
    answer_after: timedelta          # paused fate: when the citizen answers
    close_after: timedelta           # after resolution


def fate_of(external_id: str, seed: int) -> Fate:
    rng = random.Random(f"{seed}:fate:{external_id}")
    kind = rng.choices([f[0] for f in FATES], [f[1] for f in FATES])[0]
    finish = {"late": rng.uniform(1.05, 1.5), "stuck": rng.uniform(2.0, 4.0)}.get(kind, rng.uniform(0.25, 0.9))
    return Fate(kind, timedelta(minutes=rng.uniform(10, 120)), rng.uniform(0.05, 0.2), finish,
                rng.uniform(0.2, 0.4), timedelta(hours=rng.uniform(10, 96)), timedelta(days=rng.uniform(1, 4)))


@dataclass(frozen=True)
class Snapshot:
    """A report as the database holds it, for deciding what comes next."""

    external_id: str
    category: str
    status: str
    department: str | None
    submitted_at: datetime
    due_at: datetime
    paused_since: datetime | None
    resolved_at: datetime | None
    was_paused: bool
    last_at: datetime                # its newest history entry: nothing is dated before it


@dataclass(frozen=True)
class Step:
    at: datetime
    action: Action


def answer(category: str) -> str:
    return next((k[4][0] for k in KINDS if k[0] == category), KINDS[-1][4][0])


def next_step(r: Snapshot, fate: Fate) -> Step | None:
    """The workflow action due next for ``r`` and when (never before its last entry); None when nothing is left."""
    step = _next(r, fate)
    return None if step is None else Step(max(step.at, r.last_at + timedelta(minutes=1)), step.action)


def _next(r: Snapshot, fate: Fate) -> Step | None:
    span = r.due_at - r.submitted_at
    if r.paused_since is not None:
        return Step(r.paused_since + fate.answer_after, Action("resume", note="Người dân đã bổ sung thông tin."))
    if r.status == "received":
        return Step(r.submitted_at + fate.assign_after, Action("assign", department=r.department))
    if r.status in ("resolved", "rejected") and r.resolved_at is not None:
        return Step(r.resolved_at + fate.close_after, Action("close"))
    if r.status == "assigned":
        if fate.kind == "rejected":
            return Step(r.submitted_at + span * fate.start_share, Action("reject", response=REJECT_ANSWER))
        return Step(r.submitted_at + span * fate.start_share, Action("start"))
    if r.status == "in_progress":
        if fate.kind == "paused" and not r.was_paused:
            return Step(r.submitted_at + span * fate.pause_share, Action("pause", note=PAUSE_NOTE))
        return Step(r.submitted_at + span * fate.finish_share, Action("resolve", response=answer(r.category)))
    return None
