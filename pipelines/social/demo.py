"""The demo's social listening feed: SYNTHETIC mentions (``synthetic = true``, provider ``demo-mo-phong``, URLs under
``https://mo-phong.invalid/``; every screen labels them "dữ liệu mô phỏng / synthetic"). No real post is quoted.

Each hour of the city gets its own seeded draw: about three mentions an hour by day and one at night, topics
and sentiments in plausible proportions (flooding mostly negative, public services often positive), reach from a
long-tailed distribution (most posts reach hundreds, a few tens of thousands). Most mentions name their ward
(in the spellings people use: "Phường Tân Phú", "phuong tan phu", "P. Tân Phú"), some give only a point, some
nothing. A few carry an author and a phone number, which the import strips as it would a provider's.
Because each hour's draw is fixed by the seed, a backfill run twice, or the ticker catching up, stores each
mention once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import psycopg

from ioc.errors import ImportDataError
from ioc.textfold import unmarked
from pipelines.social import importer, store
from pipelines.social.model import UnknownProvider

PROVIDER: Final = "demo-mo-phong"
LABEL: Final = "dữ liệu mô phỏng / synthetic"
TOPIC_WEIGHTS: Final = {"flooding": 18, "waste": 18, "public_order": 14, "traffic": 20, "public_services": 14,
                        "street_lighting": 10, "other": 6}
# (negative, positive) shares; the rest is neutral
TONE: Final = {"flooding": (0.75, 0.05), "waste": (0.7, 0.1), "public_order": (0.6, 0.1), "traffic": (0.6, 0.1),
               "public_services": (0.35, 0.4), "street_lighting": (0.65, 0.15), "other": (0.3, 0.3)}
SOURCES: Final = {"facebook": 50, "tiktok": 15, "news": 15, "zalo": 10, "forum": 10}
TEXTS: Final = {
    ("flooding", "negative"): ["Mưa lớn chiều nay, đường {place} ngập sâu, xe máy chết máy hàng loạt",
                               "Cống ở {place} lại tắc, nước ngập vào nhà dân sau cơn mưa"],
    ("flooding", "neutral"): ["Cập nhật mực nước tại {place} sau mưa: đã rút dần"],
    ("flooding", "positive"): ["Tuyến cống mới ở {place} thoát nước tốt, mưa to không còn ngập"],
    ("waste", "negative"): ["Bãi rác tự phát ở {place} bốc mùi mấy ngày chưa ai dọn",
                            "Xe rác không đến {place} hai hôm nay, rác tràn ra đường"],
    ("waste", "neutral"): ["Lịch thu gom rác mới ở {place} áp dụng từ tuần này"],
    ("waste", "positive"): ["Đoàn thanh niên {place} ra quân dọn vệ sinh, đường sạch hẳn"],
    ("public_order", "negative"): ["Nhóm thanh niên tụ tập gây ồn ào lúc nửa đêm ở {place}",
                                   "Mất trộm xe máy trước cửa hàng ở {place}, mọi người cẩn thận"],
    ("public_order", "neutral"): ["Công an {place} tăng cường tuần tra dịp cuối năm"],
    ("public_order", "positive"): ["Cảm ơn công an {place} đã nhanh chóng tìm lại tài sản"],
    ("traffic", "negative"): ["Kẹt xe kéo dài giờ tan tầm ở ngã tư {place}",
                              "Ổ gà lớn trên đường qua {place}, đã có người ngã xe"],
    ("traffic", "neutral"): ["Phân luồng giao thông ở {place} để thi công từ thứ Hai"],
    ("traffic", "positive"): ["Đường qua {place} vừa được trải nhựa lại, đi êm hẳn"],
    ("public_services", "negative"): ["Làm thủ tục ở bộ phận một cửa {place} phải chờ cả buổi",
                                      "Nộp hồ sơ trực tuyến mà vẫn bị yêu cầu lên {place} bổ sung giấy tờ"],
    ("public_services", "neutral"): ["Hỏi: làm căn cước cho con ở {place} cần giấy tờ gì?"],
    ("public_services", "positive"): ["Cán bộ một cửa {place} hướng dẫn tận tình, làm xong trong ngày",
                                      "Nộp hồ sơ trực tuyến ở {place} nhanh, không phải đi lại"],
    ("street_lighting", "negative"): ["Cả dãy đèn đường ở {place} tắt mấy tối liền, đi lại rất nguy hiểm"],
    ("street_lighting", "neutral"): ["Điện lực thông báo cắt điện bảo trì khu vực {place} sáng Chủ nhật"],
    ("street_lighting", "positive"): ["Đèn LED mới ở {place} sáng và tiết kiệm hơn"],
    ("other", "negative"): ["Tiếng karaoke ở {place} đến khuya, rất phiền"],
    ("other", "neutral"): ["Chợ đêm cuối tuần ở {place} có gì hay?"],
    ("other", "positive"): ["Lễ hội ẩm thực ở {place} tối qua rất vui"],
}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lon: float
    lat: float


def places(conn: psycopg.Connection) -> list[Place]:
    """The current wards that hold the demo's devices (all current wards when there are none)."""
    rows = conn.execute("""
        SELECT w.code, w.name, ST_X(ST_PointOnSurface(w.geom)), ST_Y(ST_PointOnSurface(w.geom)) FROM wards w
        WHERE w.valid_to IS NULL AND (EXISTS (SELECT 1 FROM devices d WHERE d.ward_code = w.code)
                                      OR NOT EXISTS (SELECT 1 FROM devices WHERE ward_code IS NOT NULL))
        ORDER BY w.code""").fetchall()
    return [Place(str(c), str(n), float(x), float(y)) for c, n, x, y in rows]


def items(places_: list[Place], start: datetime, end: datetime, tz: ZoneInfo, seed: int = 21) -> list[dict[str, Any]]:
    """The feed's items published in [start, end), as a provider would send them."""
    if not places_:
        return []
    out: list[dict[str, Any]] = []
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour < end:
        slot = int(hour.timestamp()) // 3600
        rng = random.Random(f"{seed}:{slot}")
        local_hour = hour.astimezone(tz).hour
        rate = 3.2 if 7 <= local_hour < 22 else 0.8
        n = sum(1 for _ in range(8) if rng.random() < rate / 8)
        for i in range(n):
            at = hour + timedelta(seconds=rng.uniform(0, 3600))
            made = _item(rng, at, places_, f"{slot}-{i}")
            if start <= at < end:
                out.append(made)
        hour += timedelta(hours=1)
    return out


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _item(rng: random.Random, at: datetime, places_: list[Place], key: str) -> dict[str, Any]:
    topic, source, where = _pick(rng, TOPIC_WEIGHTS), _pick(rng, SOURCES), rng.choice(places_)
    negative, positive = TONE[topic]
    roll = rng.random()
    sentiment = "negative" if roll < negative else "positive" if roll < negative + positive else "neutral"
    short = where.name.removeprefix("Phường ").removeprefix("Xã ")
    text = rng.choice(TEXTS[(topic, sentiment)]).format(place=short)
    item: dict[str, Any] = {
        "url": f"https://mo-phong.invalid/{source}/posts/{key}", "source": source, "published_at": at.isoformat(),
        "topic": topic, "sentiment": sentiment, "reach": int(rng.lognormvariate(6.6, 1.3)),
        "summary": f"(mô phỏng) {text}", "synthetic": "true"}
    how = rng.random()
    if how < 0.7:
        item["ward"] = rng.choice([where.name, unmarked(where.name), f"P. {short}", where.code])
    elif how < 0.85:
        item["lat"], item["lon"] = where.lat + rng.uniform(-5e-4, 5e-4), where.lon + rng.uniform(-5e-4, 5e-4)
    if rng.random() < 0.08:     # what a real export carries and the import strips
        item["author"], item["handle"] = "Nguyễn Văn Mô Phỏng", "@mophong_demo"
        item["summary"] += " — @mophong_demo, liên hệ 0912 345 678"
    return item


def provider(conn: psycopg.Connection) -> store.Provider:
    """The demo's provider, added on first use."""
    try:
        return store.provider(conn, PROVIDER)
    except UnknownProvider:
        return store.add_provider(conn, PROVIDER)


def load(conn: psycopg.Connection, start: datetime, end: datetime, tz: ZoneInfo, seed: int = 21,
         where: list[Place] | None = None) -> int:
    """The feed's mentions published in [start, end), through the import as a provider's file would go (authors
    stripped, wards matched); returns how many were new."""
    made = items(where if where is not None else places(conn), start, end, tz, seed)
    summary = importer.ImportSummary("item")
    importer.import_items(conn, enumerate(made, start=1), provider(conn), summary, tz=tz, now=end)
    if summary.problems:     # the generator's own bug: say so rather than show a thinner feed
        raise ImportDataError(f"the synthetic feed made bad items: {summary.problems[0].describe('item')}")
    return summary.imported
