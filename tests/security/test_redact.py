"""The redaction of personal details from free text (``ioc.security.personal.redact``), pure."""

from __future__ import annotations

import pytest

from ioc.security.personal import redact


@pytest.mark.parametrize(("text", "expected"), [
    ("gọi 0912345678 nhé", "gọi [số điện thoại đã ẩn] nhé"),
    ("gọi 0912 345 678", "gọi [số điện thoại đã ẩn]"),
    ("gọi 0912.345.678 hoặc 091-234-5678", "gọi [số điện thoại đã ẩn] hoặc [số điện thoại đã ẩn]"),
    ("+84 912 345 678, 0084912345678, 84912345678", "[số điện thoại đã ẩn], [số điện thoại đã ẩn], "
                                                   "[số điện thoại đã ẩn]"),
    ("máy bàn 0258 3822 123", "máy bàn [số điện thoại đã ẩn]"),
    ("thư: Lan.Tran+pa@mail.example.com.vn.", "thư: [email đã ẩn]."),
    ("CCCD 079123456789", "CCCD [số CCCD đã ẩn]"),
    ("CCCD: 079 123 456 789.", "CCCD: [số CCCD đã ẩn]."),
])
def test_personal_details_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Ngập 40 cm từ 7 giờ, năm 2026, số nhà 123/45 Trần Phú",
    "mã vận đơn 12345678901234",          # 14 digits: neither a phone nor a CCCD
    "đèn số 12, cột 3456",
    "",
])
def test_other_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_redacting_twice_changes_nothing() -> None:
    once = redact("0912345678 lan@example.vn 079123456789")
    assert redact(once) == once
