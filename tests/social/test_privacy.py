"""Personal identifiers never reach the table: author columns dropped, the summary cleaned, the URL trimmed."""

from __future__ import annotations

from pipelines.social.model import MentionIn
from pipelines.social.privacy import clean_summary, clean_url, is_personal_field
from pipelines.social.profile import Profile
from pipelines.social.rows import Context, parse_item
from tests.social.support import NOW, TZ


def test_summary_loses_links_handles_emails_phones_ids_and_the_author() -> None:
    text = ("Trần Thị Bích viết: nhà tôi ở hẻm 12 ngập, gọi 0912.345.678 hoặc +84 912 345 679, mail bich@gmail.com, "
            "CCCD 079123456789, xem https://facebook.com/tran.bich và @bich_tran, @Trần Thị Bích")
    cleaned = clean_summary(text, ["Trần Thị Bích", "@bich_tran"])
    for gone in ("Bích", "0912", "912 345 679", "gmail", "079123456789", "facebook.com", "bich_tran", "@"):
        assert gone not in cleaned, gone
    assert "hẻm 12 ngập" in cleaned and "[số điện thoại đã ẩn]" in cleaned and "[liên kết đã ẩn]" in cleaned


def test_post_url_keeps_what_finds_the_post() -> None:
    assert clean_url("HTTPS://user:pw@WWW.Facebook.com/permalink.php?story_fbid=12&id=34&__cft__[0]=zz&fbclid=q#c") \
        == "https://www.facebook.com/permalink.php?story_fbid=12&id=34"
    assert clean_url("https://www.youtube.com/watch?v=abc&si=track") == "https://www.youtube.com/watch?v=abc"
    assert clean_url("https://forum.vn/showthread.php?t=123&p=9&utm_source=fb") == \
        "https://forum.vn/showthread.php?t=123&p=9"


def test_author_columns_are_recognised_in_either_language() -> None:
    assert all(map(is_personal_field, ("Author", "author_name", "Tác giả", "Người đăng", "Profile URL", "handle",
                                       "Số điện thoại", "Followers")))
    assert not any(map(is_personal_field, ("Link", "Nội dung", "Phường", "reach")))


def test_an_item_with_author_columns_keeps_none_of_them() -> None:
    raw = {"url": "https://zalo.me/g/abc", "published": "2026-12-04 08:00", "topic": "rác", "sentiment": "neg",
           "reach": "3000", "Tác giả": "Lê Văn Tám", "Profile URL": "https://zalo.me/0912345678",
           "summary": "Lê Văn Tám phản ánh rác ở chợ, SĐT 0987654321"}
    found = parse_item(raw, 2, Context(Profile(), TZ, NOW))
    assert isinstance(found, MentionIn)
    assert "Tám" not in found.summary and "0987654321" not in found.summary and "rác ở chợ" in found.summary
    assert "0912345678" not in repr(found)
