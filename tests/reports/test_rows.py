"""Pure parsing of import rows and contacts: every problem named by line, field and reason; masking by role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.reports.categories import Category, Matcher, fold
from pipelines.reports.model import Contact, Problem, ReportIn
from pipelines.reports.privacy import mask_contact
from pipelines.reports.rows import RowContext, parse_row
from tests.reports.helpers import PHONE, TZ, local

MATCHER = Matcher([Category("flooding", "Ngập úng", "Flooding"), Category("noise", "Tiếng ồn", "Noise"),
                   Category("lighting", "Chiếu sáng công cộng", "Street lighting", "infrastructure"),
                   Category("other", "Khác", "Other")])
CTX = RowContext(MATCHER, frozenset({"drainage"}), TZ, datetime(2026, 11, 21, 3, 0, tzinfo=UTC), "hotline_1022")
GOOD = {"external_id": "HL-1", "category": "Ngập úng", "submitted_at": "20/11/2026 07:30", "lat": "12,2387",
        "lon": "109.1967", "contact_phone": "+84 912 345 678", "photo_urls": "https://a.vn/1.jpg; https://a.vn/2.jpg"}


def test_a_good_row() -> None:
    found = parse_row(GOOD, 2, CTX)
    assert isinstance(found, ReportIn)
    assert (found.source, found.category, found.lat, found.lon) == ("hotline_1022", "flooding", 12.2387, 109.1967)
    assert found.submitted_at == local(2026, 11, 20, 7, 30)
    assert found.contact == Contact(None, PHONE, None)
    assert found.photo_urls == ("https://a.vn/1.jpg", "https://a.vn/2.jpg")


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"category": "Cháy rừng"}, "category", "not a known category"),
    ({"external_id": ""}, "external_id", "external id"),
    ({"submitted_at": "32/13/2026"}, "submitted_at", "not a valid date"),
    ({"submitted_at": "yesterday"}, "submitted_at", "not a time"),
    ({"submitted_at": "2027-01-01T00:00:00+07:00"}, "submitted_at", "in the future"),
    ({"lat": "109.19"}, "lat", "are lat and lon swapped"),
    ({"lat": "abc"}, "lat", "not a number"),
    ({"lon": ""}, "lon", "give both lat and lon"),
    ({"lat": "", "lon": ""}, "lat", "no location"),
    ({"contact_phone": "12345"}, "contact_phone", "not a Vietnamese phone number"),
    ({"contact_email": "an@"}, "contact_email", "not an e-mail address"),
    ({"photo_urls": "ftp://x/y.jpg"}, "photo_urls", "not an http(s) URL"),
    ({"source": "telegram"}, "source", "not a known channel"),
    ({"department": "fire"}, "department", "not a known department"),
])
def test_each_problem_names_its_field(change: dict[str, str], field: str, reason: str) -> None:
    found = parse_row(GOOD | change, 7, CTX)
    assert isinstance(found, list)
    assert [p.field for p in found] == [field], found
    assert found[0].line == 7 and reason in found[0].reason


def test_all_problems_of_a_row_at_once() -> None:
    found = parse_row({"category": "?", "submitted_at": "x"}, 3, CTX)
    assert isinstance(found, list)
    assert {p.field for p in found} == {"external_id", "category", "submitted_at", "lat"}
    assert Problem(3, "lat", "no location: give lat and lon, or an address") in found
    assert found[0].describe("row").startswith("row 3, ")


def test_categories_by_code_name_and_keyword() -> None:
    assert fold("  Chiếu SÁNG công-cộng ") == "chieu sang cong cong"
    assert MATCHER.exact("ngap ung") == MATCHER.exact("FLOODING") == MATCHER.exact("flooding") == "flooding"
    assert MATCHER.exact("Đèn đường") is None
    assert MATCHER.guess("SL-04", "Street light out") == "lighting"
    assert MATCHER.guess("42", "Loud music from bar", "noise at night") == "noise"
    assert MATCHER.guess("77", "Pothole") is None   # roads is not in this matcher's list


def test_contact_masked_for_everyone_but_admins() -> None:
    contact = Contact("Nguyễn Văn An", PHONE, "an.nguyen@example.vn")
    assert mask_contact(contact, "admin") == contact
    for role in ("staff", "viewer"):
        masked = mask_contact(contact, role)
        assert masked == Contact("N. V. A.", "091*****78", "a***@***.vn")
    assert PHONE not in repr(mask_contact(contact, "staff"))
    assert mask_contact(None, "staff") is None
