"""Write the synthetic field-report demo set: ``demo_reports.csv`` (good rows) and ``demo_reports_bad.csv``.

Seeded, so the same arguments always give the same files. Points are drawn inside the real 2025 wards of Nha Trang
and Đồng Xoài (``data/boundaries/wards_2025.geojson``); everything else is invented: the texts, the times and the
reporters, whose phone numbers start with 0000 and e-mails end in .invalid so that none can belong to anyone.

    .venv/bin/python data/reports/generate.py [--end 2026-11-20] [--count 160] [--seed 2026]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shapely.geometry import Point, shape
from shapely.validation import make_valid

HERE = Path(__file__).resolve().parent
WARDS = HERE.parent / "boundaries" / "wards_2025.geojson"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CITIES = {"Thành phố Nha Trang": ("Trần Phú", "Lê Thánh Tôn", "Yersin", "Thống Nhất", "2 Tháng 4", "Phước Long"),
          "Thành phố Đồng Xoài": ("Phú Riềng Đỏ", "Hùng Vương", "Trần Hưng Đạo", "Lê Duẩn", "Nguyễn Huệ")}
# (category as a hotline writes it, share, texts)
KINDS = (
    ("Ngập úng", 14, ("Nước ngập sâu sau mưa, xe máy chết máy", "Đường ngập 30 cm, nước không rút")),
    ("Tiếng ồn", 12, ("Karaoke hát quá 22 giờ", "Công trình khoan cắt bê tông ban đêm")),
    ("Môi trường, vệ sinh", 16, ("Rác thải đổ bừa bãi ven đường", "Đốt rác gây khói mù")),
    ("Giao thông", 14, ("Xe tải đỗ chắn lối vào hẻm", "Tai nạn va chạm giữa hai xe máy")),
    ("Chiếu sáng công cộng", 10, ("Cả dãy đèn đường không sáng", "Cột đèn nghiêng có nguy cơ đổ")),
    ("Đường, vỉa hè", 10, ("Ổ gà lớn giữa đường", "Vỉa hè bị lấn chiếm bán hàng")),
    ("Thoát nước", 6, ("Nắp cống bị mất", "Cống thoát nước bốc mùi, tắc nghẽn")),
    ("An ninh, trật tự", 8, ("Nhóm thanh niên tụ tập gây gổ", "Đông người tụ tập trước cổng chợ")),
    ("Xây dựng, đất đai", 6, ("Xây dựng không phép, không che chắn", "Đổ vật liệu xây dựng ra lòng đường")),
    ("Khác", 4, ("Cây xanh gãy đổ chắn vỉa hè", "Chó thả rông không rọ mõm")),
)
CHANNELS = ("hotline_1022", "hotline_1022", "zalo", "zalo", "app", "web", "facebook", "field_staff")
COLUMNS = ("external_id", "source", "category", "submitted_at", "description", "lat", "lon", "address",
           "photo_urls", "contact_name", "contact_phone", "contact_email")


def wards() -> list[tuple[str, object]]:
    features = json.loads(WARDS.read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["former_city"], make_valid(shape(f["geometry"]))) for f in features
            if f["properties"]["former_city"] in CITIES]


def point_in(geom: object, rng: random.Random) -> Point:
    minx, miny, maxx, maxy = geom.bounds  # type: ignore[attr-defined]
    while True:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):  # type: ignore[attr-defined]
            return p


def when(end: date, rng: random.Random) -> datetime:
    """Mostly in the last three weeks, more often by day than by night."""
    day = end - timedelta(days=int(rng.triangular(0, 21, 0)))
    hour = min(23, max(0, int(rng.gauss(14, 4.5))))
    return datetime.combine(day, time(hour, rng.randrange(60)), TZ)


def rows(count: int, end: date, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    places = wards()
    weights = [k[1] for k in KINDS]
    out = []
    for i in range(1, count + 1):
        city, geom = rng.choice(places)
        category, _, texts = rng.choices(KINDS, weights)[0]
        p = point_in(geom, rng)
        street = rng.choice(CITIES[city])
        with_contact = rng.random() < 0.7
        out.append({
            "external_id": f"DEMO-{i:04d}", "source": rng.choice(CHANNELS), "category": category,
            "submitted_at": when(end, rng).strftime("%d/%m/%Y %H:%M"), "description": rng.choice(texts),
            "lat": f"{p.y:.6f}", "lon": f"{p.x:.6f}", "address": f"{rng.randint(1, 300)} {street}",
            "photo_urls": f"https://media.example.invalid/demo/{i:04d}.jpg" if rng.random() < 0.4 else "",
            "contact_name": f"Người dân mẫu {i:03d}" if with_contact else "",
            "contact_phone": f"0000{rng.randrange(10**6):06d}" if with_contact else "",
            "contact_email": f"demo{i:03d}@example.invalid" if with_contact and rng.random() < 0.3 else ""})
    return sorted(out, key=lambda r: datetime.strptime(r["submitted_at"], "%d/%m/%Y %H:%M"))


def bad_rows(good: list[dict[str, str]]) -> list[dict[str, str]]:
    """Five rows with one mistake each, as hotline spreadsheets have them: for trying the importer's reports."""
    base = dict(good[0], external_id="BAD-0001")
    return [base | {"category": "Cháy rừng"}, dict(base, external_id="BAD-0002", lat=base["lon"], lon=base["lat"]),
            dict(base, external_id="BAD-0003", submitted_at="31/02/2026 08:00"),
            dict(base, external_id="BAD-0004", contact_phone="12345"),
            dict(base, external_id="", description="no id")]


def write(path: Path, items: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        writer.writeheader()
        writer.writerows(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 20), help="last day of reports")
    parser.add_argument("--count", type=int, default=160)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    good = rows(args.count, args.end, args.seed)
    write(HERE / "demo_reports.csv", good)
    write(HERE / "demo_reports_bad.csv", bad_rows(good))
    print(f"wrote {len(good)} reports to {HERE / 'demo_reports.csv'} and 5 bad rows to demo_reports_bad.csv")


if __name__ == "__main__":
    main()
