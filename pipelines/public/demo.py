"""``ioc public-demo``: the residents' page of the demo wards (the wards with devices) made SYNTHETIC but plausible:
hamlets (a grid of "Khu phố N" / "Ấp …" areas over each ward), online support points (a public-service café, a
community digital team, the one-stop desk) and disclosure documents (plans, budget, contributions, a land notice)
dated around today, some open for comments and with a few comments. Everything is marked ``synthetic`` and the page
labels it "dữ liệu mẫu". Idempotent: hamlets and points are keyed by ward and name, documents by ward and title.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
import psycopg
from shapely import wkb
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry

from ioc import db, stack
from ioc.config import Settings
from ioc.textfold import unmarked
from pipelines.public import demo_files, disclosures, hamlets, support_points
from pipelines.public.hamlets import Hamlet

log = logging.getLogger("ioc.public.demo")
AP_NAMES = ("Tân Hòa", "Phú Lợi", "Bình Minh", "Đông Hưng", "Tân Lập", "Phước Thiện")
ACTOR = "demo"


def _cells(ward: BaseGeometry, cols: int = 3, rows: int = 2) -> list[BaseGeometry]:
    """The ward cut by a cols×rows grid, north-west first; slivers (under 4 % of the ward) dropped."""
    west, south, east, north = ward.bounds
    dx, dy = (east - west) / cols, (north - south) / rows
    out = []
    for r in range(rows):
        for c in range(cols):
            cell = ward.intersection(box(west + c * dx, north - (r + 1) * dy, west + (c + 1) * dx, north - r * dy))
            if cell.geom_type == "GeometryCollection":
                cell = cell.buffer(0)
            if cell.geom_type in ("Polygon", "MultiPolygon") and cell.area >= 0.04 * ward.area:
                out.append(cell)
    return out


def demo_hamlets(code: str, name: str, ward: BaseGeometry) -> list[Hamlet]:
    rural = not name.startswith("Phường")
    return [Hamlet(0, code, f"Ấp {AP_NAMES[i % len(AP_NAMES)]}" if rural else f"Khu phố {i + 1}", mapping(cell),
                   synthetic=True) for i, cell in enumerate(_cells(ward))]


def _offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    return (round(lon + east_m / (111_320 * math.cos(math.radians(lat))), 6), round(lat + north_m / 111_320, 6))


def demo_points(code: str, name: str, centre: tuple[float, float], first_hamlet: str) -> list[
        support_points.SupportPoint]:
    short = name.removeprefix("Phường ").removeprefix("Xã ")
    lon, lat = centre
    return [
        support_points.SupportPoint(code, "one_stop", f"Bộ phận một cửa UBND {name}", lon, lat,
                                    f"Trụ sở UBND {name}", "7:30–11:30, 13:30–17:00, thứ Hai–thứ Sáu; sáng thứ Bảy",
                                    ("Hộ tịch", "Chứng thực", "Đất đai", "Dịch vụ công trực tuyến")),
        support_points.SupportPoint(code, "cafe", f"Cà phê dịch vụ công {short}", *_offset(lon, lat, 260, -180),
                                    f"Nhà văn hóa {first_hamlet}, {name}", "7:00–10:30 thứ Bảy, Chủ nhật",
                                    ("Nộp hồ sơ trực tuyến", "Thanh toán trực tuyến", "VNeID mức 2")),
        support_points.SupportPoint(code, "digital_team", f"Tổ công nghệ số cộng đồng {first_hamlet}",
                                    *_offset(lon, lat, -320, 240), f"Nhà văn hóa {first_hamlet}",
                                    "19:00–21:00 thứ Tư; hẹn tại nhà cho người cao tuổi",
                                    ("Cài VNeID", "Tài khoản ngân hàng số", "Nhận diện lừa đảo qua mạng")),
    ]


def _documents(code: str, name: str, now: datetime, tz: ZoneInfo) -> list[disclosures.NewDisclosure]:
    today, year = now.astimezone(tz).date(), now.astimezone(tz).year
    street = f"liên {'ấp' if not name.startswith('Phường') else 'khu phố'} 2–3"
    budget = demo_files.xlsx(f"Dự toán thu, chi ngân sách {name} năm {year + 1}", ("Khoản mục", "Dự toán (triệu đồng)"),
                             [("Thu ngân sách được hưởng", 18_450), ("Chi thường xuyên", 14_920),
                              ("Chi đầu tư phát triển", 3_100), ("Dự phòng", 430)])
    fund = demo_files.xlsx("Thu, chi quỹ vận động làm đường hẻm", ("Ngày", "Nội dung", "Thu", "Chi"),
                           [(f"{(today - timedelta(days=60)):%d/%m/%Y}", "Các hộ đóng góp đợt 1", 186_000_000, 0),
                            (f"{(today - timedelta(days=41)):%d/%m/%Y}", "Tạm ứng nhà thầu", 0, 150_000_000),
                            (f"{(today - timedelta(days=38)):%d/%m/%Y}", "Các hộ đóng góp đợt 2", 64_500_000, 0)])
    def at(days: int, hour: int) -> datetime:    # a period opens and closes on office hours, local time
        return datetime.combine(today + timedelta(days=days), time(hour), tz)

    return [
        disclosures.NewDisclosure(code, "plan", f"Kế hoạch chỉnh trang đô thị và vỉa hè năm {year + 1}",
                                  today - timedelta(days=12), "ke-hoach-chinh-trang.pdf", demo_files.pdf(
                                      f"Ke hoach chinh trang do thi nam {year + 1}",
                                      [f"{name}", "1. Lat lai via he 4 tuyen duong chinh", "2. Trong 120 cay xanh",
                                       "3. Den chieu sang LED cho 6 hem"]),
                                  f"Urban and pavement improvement plan {year + 1}", at(-10, 8), at(20, 17)),
        disclosures.NewDisclosure(code, "budget", f"Dự toán thu, chi ngân sách phường năm {year + 1}",
                                  today - timedelta(days=20), "du-toan-ngan-sach.xlsx", budget,
                                  f"Ward budget estimate {year + 1}", at(-15, 8), at(5, 17)),
        disclosures.NewDisclosure(code, "budget", f"Công khai quyết toán ngân sách năm {year - 1}",
                                  today - timedelta(days=150), "quyet-toan.pdf", demo_files.pdf(
                                      f"Quyet toan ngan sach nam {year - 1}", [name, "Tong thu: 17.902 trieu dong",
                                                                               "Tong chi: 17.311 trieu dong"]),
                                  f"Final budget accounts {year - 1}"),
        disclosures.NewDisclosure(code, "contribution", "Công khai thu, chi quỹ vận động làm đường hẻm",
                                  today - timedelta(days=35), "quy-lam-duong-hem.xlsx", fund,
                                  "Alley road fund: income and spending", at(-34, 8), at(-4, 17)),
        disclosures.NewDisclosure(code, "land", f"Thông báo thu hồi đất mở rộng đường {street}",
                                  today - timedelta(days=6), "thong-bao-thu-hoi-dat.pdf", demo_files.pdf(
                                      "Thong bao thu hoi dat", [name, f"Mo rong duong {unmarked(street)}",
                                                                "Dien tich du kien: 2.350 m2, 41 ho"]),
                                  "Notice of land recovery for a road widening", at(-5, 8), at(25, 17)),
    ]


COMMENTS = {
    "plan": (("Đề nghị ưu tiên lát vỉa hè trước cổng trường tiểu học.", "published"),
             ("Cây xanh nên chọn loại ít rụng lá, rễ không phá vỉa hè.", "published"),
             ("Xin phường công bố tiến độ từng tuyến đường.", "pending")),
    "budget": (("Đề nghị tăng chi cho chiếu sáng các hẻm nhỏ.", "published"),
               ("Khoản dự phòng nên công khai khi được sử dụng.", "pending")),
    "contribution": (("Cảm ơn ban vận động, số liệu rõ ràng.", "published"),
                     ("Xin niêm yết danh sách hộ đóng góp tại nhà văn hóa.", "hidden")),
    "land": (("Hẻm 12 ngập mỗi khi mưa lớn, đề nghị làm cống trước khi mở đường.", "pending"),
             ("Đồng ý với phương án, mong bồi thường thỏa đáng cho các hộ.", "published")),
}


def load(conn: psycopg.Connection, now: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Everything above for each ward that has devices; what was added."""
    wards = conn.execute("""SELECT w.code, w.name, ST_AsBinary(w.geom), ST_X(ST_PointOnSurface(w.geom)),
                                   ST_Y(ST_PointOnSurface(w.geom))
                            FROM wards w WHERE w.valid_to IS NULL
                              AND w.code IN (SELECT DISTINCT ward_code FROM devices WHERE ward_code IS NOT NULL)
                            ORDER BY w.code""").fetchall()
    done = {"hamlets": 0, "support_points": 0, "disclosures": 0, "comments": 0}
    for code, name, geom, lon, lat in wards:
        places = demo_hamlets(code, name, wkb.loads(bytes(geom)))
        done["hamlets"] += hamlets.load(conn, places)[0]
        points = demo_points(code, name, (lon, lat), places[0].name if places else "khu phố 1")
        done["support_points"] += support_points.load(conn, points)[0]
        conn.execute("UPDATE support_points SET synthetic = true WHERE ward_code = %s AND name = ANY(%s)",
                     [code, [p.name for p in points]])
        conn.execute("""UPDATE reports SET hamlet = ioc_hamlet_at(ward_code, geom)
                        WHERE ward_code = %s AND hamlet IS NULL AND geom IS NOT NULL""", [code])
        for item in _documents(code, name, now, tz):
            if conn.execute("SELECT 1 FROM disclosures WHERE ward_code = %s AND title_vi = %s",
                            [code, item.title_vi]).fetchone():
                continue
            doc = disclosures.add(conn, item, ACTOR)
            conn.execute("UPDATE disclosures SET synthetic = true, published_at = %s WHERE id = %s",
                         [datetime.combine(item.document_date, time(8, 30), tz) + timedelta(days=1), doc])
            done["disclosures"] += 1
            if item.comments_open is not None:
                for i, (body, state) in enumerate(COMMENTS[item.category]):
                    at = max(item.comments_open, now - timedelta(days=3 * (i + 1))) + timedelta(hours=2)
                    conn.execute("""INSERT INTO disclosure_comments (disclosure_id, received_at, body, state,
                                                                     moderated_by, moderated_at)
                                    VALUES (%s, %s, %s, %s, %s, %s)""",
                                 [doc, min(at, now), body, state, ACTOR if state != "pending" else None,
                                  min(at, now) if state != "pending" else None])
                    done["comments"] += 1
        conn.commit()
    return done


@click.command("public-demo")
@click.pass_obj
def public_demo(settings: Settings) -> None:
    """Load the demo wards' SYNTHETIC hamlets, support points and disclosure documents (idempotent)."""
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        done = load(conn, datetime.now(ZoneInfo("UTC")), settings.tz)
    click.echo("residents' page demo data: " + ", ".join(f"{v} {k}" for k, v in done.items()))
