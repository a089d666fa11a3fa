"""Small real files for the demo's SYNTHETIC disclosure documents: a one-page PDF and an XLSX table, each saying it
is demo data. Pure (bytes out)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence

from openpyxl import Workbook

BANNER = "DU LIEU MAU - SYNTHETIC DEMO DOCUMENT (smartward-ioc)"


def _pdf_text(text: str) -> str:
    # the PDF's standard Helvetica has no Vietnamese letters: the demo's text is written without diacritics
    bare = "".join(c for c in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
                   if not unicodedata.combining(c))
    plain = "".join(c if ord(c) < 128 else "-" if c in "–—" else "?" for c in bare)
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: Sequence[str]) -> bytes:
    """A valid one-page A4 PDF: the banner, the title and the lines."""
    body = [f"BT /F1 16 Tf 56 780 Td ({_pdf_text(title)}) Tj ET", f"BT /F1 10 Tf 56 805 Td ({BANNER}) Tj ET"]
    body += [f"BT /F1 11 Tf 56 {750 - 18 * i} Td ({_pdf_text(line)}) Tj ET" for i, line in enumerate(lines[:35])]
    stream = "\n".join(body).encode("latin-1")
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
               b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % o for o in offsets)
    out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cong khai"
    sheet.append([title])
    sheet.append(["Dữ liệu mẫu — synthetic demo data (smartward-ioc)"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
