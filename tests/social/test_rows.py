"""One provider item → a mention or its problems: pure, every field's bad values named with what was expected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pipelines.social.model import MentionIn, Problem
from pipelines.social.profile import Profile, from_json
from pipelines.social.rows import Context, parse_item
from tests.social.support import NOW, TZ

CTX = Context(Profile(), TZ, NOW)
GOOD = {"Link": "https://facebook.com/groups/dx/posts/1?fbclid=abc&utm_source=x", "Nền tảng": "FB",
        "Thời gian": "05/12/2026 08:30", "Chủ đề": "Ngập nước", "Sắc thái": "Tiêu cực", "Lượt tiếp cận": "12.500",
        "Nội dung": "Đường ngập", "Phường": "P. Nha Trang"}


def parse(raw: dict[str, Any], ctx: Context = CTX) -> MentionIn | list[Problem]:
    return parse_item(raw, 7, ctx)


def test_vietnamese_columns_and_values_are_folded_to_ours() -> None:
    found = parse(GOOD)
    assert isinstance(found, MentionIn)
    assert (found.source, found.topic, found.sentiment, found.reach, found.ward) == (
        "facebook", "flooding", "negative", 12500, "P. Nha Trang")
    assert found.published_at == datetime(2026, 12, 5, 1, 30, tzinfo=UTC)     # local time without an offset
    assert found.url == "https://facebook.com/groups/dx/posts/1"               # tracking parameters dropped


@pytest.mark.parametrize(("topic", "expected"), [
    ("rác thải", "waste"), ("RAC THAI", "waste"), ("An ninh trật tự", "public_order"), ("giao_thong", "traffic"),
    ("Dịch vụ công", "public_services"), ("điện chiếu sáng", "street_lighting"), ("street_lighting", "street_lighting"),
    ("Khác", "other")])
def test_topics_in_either_language(topic: str, expected: str) -> None:
    found = parse({**GOOD, "Chủ đề": topic})
    assert isinstance(found, MentionIn) and found.topic == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Tích cực", "positive"), ("trung tính", "neutral"), ("-0.7", "negative"), (0.1, "neutral"), (0.6, "positive")])
def test_sentiment_words_and_scores(value: object, expected: str) -> None:
    found = parse({**GOOD, "Sắc thái": value})
    assert isinstance(found, MentionIn) and found.sentiment == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("12,5k", 12500), ("1.234.567", 1234567), ("800", 800), (42, 42), ("3M", 3_000_000), ("12 000", 12000)])
def test_reach_as_people_write_it(value: object, expected: int) -> None:
    found = parse({**GOOD, "Lượt tiếp cận": value})
    assert isinstance(found, MentionIn) and found.reach == expected


def test_every_bad_field_is_named_with_the_line() -> None:
    found = parse({"Link": "facebook.com/x", "Thời gian": "hôm qua", "Chủ đề": "bóng đá", "Sắc thái": "-3",
                   "Lượt tiếp cận": "-5", "lat": "11.5"})
    assert isinstance(found, list)
    by_field = {p.field: p.reason for p in found}
    assert set(by_field) == {"url", "published_at", "topic", "sentiment", "reach"}
    assert all(p.line == 7 for p in found)
    assert "not an http(s) URL" in by_field["url"] and "not a known topic" in by_field["topic"]
    assert "outside [-1, 1]" in by_field["sentiment"] and "not a number of people" in by_field["reach"]


def test_missing_required_fields_and_half_a_point() -> None:
    found = parse({"Link": "https://x.vn/p/1", "lat": "11.5"})
    assert isinstance(found, list)
    assert {p.field for p in found} == {"published_at", "topic", "sentiment", "reach"}
    half = parse({**GOOD, "lat": "11.5"})
    assert isinstance(half, list) and [(p.field, p.reason) for p in half] == [("lon", "coordinates need both lat "
                                                                                    "and lon")]


def test_a_post_from_the_future_is_refused() -> None:
    later = (NOW + timedelta(hours=2)).isoformat()
    found = parse({**GOOD, "Thời gian": later})
    assert isinstance(found, list) and found[0].field == "published_at" and "future" in found[0].reason


def test_a_provider_profile_maps_its_own_columns_and_words() -> None:
    profile = from_json({"columns": {"Post permalink": "url", "Mood": "sentiment", "Theme": "topic"},
                         "values": {"topic": {"Úng ngập": "flooding"}, "sentiment": {"bad": "negative"}},
                         "defaults": {"source": "tiktok"}})
    found = parse({"Post permalink": "https://tiktok.com/@x/video/9", "Mood": "BAD", "Theme": "ung ngap",
                   "published": "2026-12-04T20:00:00Z", "reach": "900"}, Context(profile, TZ, NOW))
    assert isinstance(found, MentionIn)
    assert (found.source, found.topic, found.sentiment) == ("tiktok", "flooding", "negative")
    assert found.published_at == datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
