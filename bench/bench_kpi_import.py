"""Reading KPI exports (pipelines.kpis.reader): a one-stop export with Vietnamese headers, title rows, x marks and a
totals row, against the same dossiers under the canonical headers, as CSV and XLSX. Budget: 5,000 rows/s or more for
a CSV of either wording (20,000 dossiers, a ward's year, in under 4 s); XLSX is reported, not budgeted (openpyxl's
parsing is most of its time). Pure: no database (storing is unchanged).

Rerun:  .venv/bin/python bench/bench_kpi_import.py [--n 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from pipelines.kpis import reader

BUDGET_ROWS_PER_S = 5000.0
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EXPORT = [
    "STT",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Đơn vị tiếp nhận",
    "Mã phường",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Kênh nộp",
    "Toàn trình",
    "Có phí",
    "Kết quả bản giấy",
    "Thanh toán trực tuyến",
    "Số hóa đầu vào",
    "Số hóa kết quả",
    "Kết quả điện tử",
    "Trạng thái hồ sơ",
    "Người nộp",
]
CANONICAL = [
    "n",
    "dossier_id",
    "procedure_code",
    "unit",
    "ward_code",
    "received_at",
    "due_at",
    "resolved_at",
    "channel",
    "end_to_end",
    "fee_bearing",
    "paper_result",
    "paid_online",
    "input_digitized",
    "output_digitized",
    "e_result",
    "status",
    "applicant",
]


def rows(n: int, vietnamese: bool) -> list[list[object]]:
    """n synthetic dossiers; the same facts in either wording."""
    out: list[list[object]] = []
    for i in range(n):
        day, online, done = 1 + i % 28, i % 3 == 0, i % 5 != 0
        yes, no = ("x", "") if vietnamese else ("1", "0")
        status = ("Đã trả kết quả" if done else "Đang xử lý") if vietnamese else ("resolved" if done else "in_progress")
        out.append(
            [
                i + 1,
                f"H-{i:06d}",
                f"1.{i % 40:03d}",
                "Bộ phận một cửa",
                "25210",
                f"{day:02d}/03/2025 08:{i % 60:02d}",
                f"{day:02d}/04/2025 17:00",
                f"{day:02d}/03/2025 16:00" if done else "",
                ("Trực tuyến" if online else "Trực tiếp") if vietnamese else ("online" if online else "in_person"),
                yes if online and i % 2 else no,
                yes if i % 4 else no,
                yes,
                yes if online and i % 4 else no,
                yes if i % 3 else no,
                yes if done else no,
                yes if done and online else no,
                status,
                "Người nộp tổng hợp",
            ]
        )
    return out


def write(folder: Path, n: int, vietnamese: bool, suffix: str) -> Path:
    header = EXPORT if vietnamese else CANONICAL
    title: list[list[object]] = [["UBND PHƯỜNG (TỔNG HỢP)"], ["DANH SÁCH HỒ SƠ"]] if vietnamese else []
    total: list[list[object]] = [["Tổng cộng", n]] if vietnamese else []
    body: list[list[object]] = [*title, list(header), *rows(n, vietnamese), *total]
    path = folder / f"{'export' if vietnamese else 'canonical'}{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(body)
    else:
        wb = Workbook()  # shared strings, as spreadsheet programs save them
        ws = wb.active
        assert ws is not None
        for r in body:
            ws.append(r)
        wb.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".csv", ".xlsx"):
            for vietnamese in (False, True):
                path = write(Path(tmp), args.n, vietnamese, suffix)
                runs = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    parsed = reader.read(path, TZ)
                    runs.append(time.perf_counter() - start)
                assert len(parsed.rows) == args.n and not parsed.errors, parsed.errors[:3]
                best, median = min(runs), statistics.median(runs)
                rate = args.n / median
                over = suffix == ".csv" and rate < BUDGET_ROWS_PER_S
                failed |= over
                print(
                    f"{path.name:16} {args.n} rows: median {median:.2f} s (best {best:.2f} s), "
                    f"{rate:,.0f} rows/s{'  OVER BUDGET' if over else ''}"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
