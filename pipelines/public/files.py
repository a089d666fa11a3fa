"""What a disclosure file is, from its first bytes, never from its name: PDF, PNG, JPEG, XLSX or DOCX. Pure.

XLSX and DOCX are both ZIP files; the part each must hold (``xl/workbook.xml``, ``word/document.xml``) tells them
apart, and a ZIP holding neither (or not a ZIP at all) is refused. Anything else (an executable, an HTML page
renamed ``.pdf``) is refused with the reason, so it is never served to residents under a trusted type.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Final

from pipelines.public.reason import Reason

MAX_BYTES: Final = 7 * 1024 * 1024       # a scanned budget table fits; under the web server's 8 MB request limit
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SIMPLE: Final = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
                  (b"\xff\xd8\xff", "image/jpeg", "jpg"))
_OOXML: Final = (("xl/workbook.xml", XLSX, "xlsx"), ("word/document.xml", DOCX, "docx"))
ALLOWED: Final = "PDF, PNG, JPEG, XLSX, DOCX"


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


class FileRefused(ValueError):
    """The file cannot be published: the message says why, for the person uploading it."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(data: bytes) -> Kind:
    """The file's type from its content, or :class:`FileRefused` naming what is wrong."""
    if not data:
        raise FileRefused(Reason("the file is empty", "file_empty"))
    if len(data) > MAX_BYTES:
        mb, limit = f"{len(data) / 1048576:.1f}", MAX_BYTES // 1048576
        raise FileRefused(Reason(f"the file is {mb} MB; the limit is {limit} MB", "file_big", mb=mb, limit=limit))
    for magic, content_type, ext in _SIMPLE:
        if data.startswith(magic):
            return Kind(content_type, ext)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise FileRefused(Reason(f"a damaged ZIP/Office file ({exc})", "file_damaged")) from exc
        for part, content_type, ext in _OOXML:
            if part in names:
                return Kind(content_type, ext)
        raise FileRefused(Reason(f"a ZIP file that is neither XLSX nor DOCX; allowed: {ALLOWED}", "file_zip",
                                 allowed=ALLOWED))
    raise FileRefused(Reason(f"not a PDF, image or Office file (its first bytes are {data[:8]!r}); allowed: {ALLOWED}",
                             "file_type", allowed=ALLOWED))


def safe_filename(name: str, kind: Kind) -> str:
    """The name to offer on download: the uploader's base name without path or control characters, ending in the
    extension of what the file really is."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>:|?*;').strip(" .") or "tai-lieu"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150]}.{kind.extension}"
