"""Small real files of each allowed type, made in the test (no binary fixtures to keep in step)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Khoản thu", "Số tiền (đồng)"])
    book.active.append(["Đóng góp làm đường hẻm 12", 125_000_000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not an office file")
    return out.getvalue()
