"""The upload check is by content, never by name: each allowed type is recognised, everything else refused with
its reason. Pure."""

from __future__ import annotations

import pytest

from pipelines.public import files
from tests.public.files import PDF, PNG, plain_zip, xlsx


@pytest.mark.parametrize(("data", "content_type"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0rest", "image/jpeg"), (xlsx(), files.XLSX)])
def test_each_allowed_type_is_recognised_by_its_bytes(data: bytes, content_type: str) -> None:
    assert files.sniff(data).content_type == content_type


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "the file is empty"),
    (b"<html><script>alert(1)</script>", "not a PDF, image or Office file"),
    (b"MZ\x90\x00 an exe named budget.pdf", "not a PDF, image or Office file"),
    (plain_zip(), "a ZIP file that is neither XLSX nor DOCX"),
    (b"PK\x03\x04 broken", "a damaged ZIP/Office file"),
    (b"%PDF-" + b"x" * files.MAX_BYTES, "the limit is 7 MB"),
])
def test_other_files_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(files.FileRefused, match=reason):
        files.sniff(data)


def test_the_offered_name_loses_paths_and_takes_the_real_extension() -> None:
    kind = files.sniff(PDF)
    assert files.safe_filename("C:\\Users\\x\\Kế hoạch 2026.exe", kind) == "Kế hoạch 2026.pdf"
    assert files.safe_filename('../../"evil";.pdf', kind) == "evil.pdf"
    assert files.safe_filename("", kind) == "tai-lieu.pdf"
