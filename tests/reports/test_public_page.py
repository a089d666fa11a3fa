"""The residents' page (/public) over real HTTP on the real database: no sign-in, what Open311 publishes and nothing
more (the HTML and the JSON are scanned for every reporter's name, phone, e-mail, address and exact point), the
timelines, the filters, following a report by its code, live status, and the serving rules: CSP, cache, limit."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards.public import CSP
from ioc.config import Settings
from ioc.security import policy
from tests.reports import public_site
from tests.reports.helpers import PHONE
from tests.reports.public_site import SECRET_PHONE, WARD, Site, fetch, serving


@pytest.fixture
def site(db: psycopg.Connection) -> Site:
    return public_site.build(db, datetime.now(UTC))


@pytest.fixture
def base(settings: Settings, pool: ConnectionPool, site: Site) -> Iterator[str]:
    with serving(settings, pool) as url:
        yield url


def personal(db: psycopg.Connection) -> list[str]:
    """Every personal detail the database holds about reporters: names, phones, e-mails, addresses."""
    found = [v for row in db.execute("SELECT name, phone, email FROM report_contacts") for v in row if v]
    found += [a for (a,) in db.execute("SELECT address FROM reports WHERE address IS NOT NULL")]
    return sorted(set(found)) + [PHONE, SECRET_PHONE]


def test_the_policy_opens_only_get_on_public() -> None:
    assert policy.requirement("GET", "/public") == policy.PUBLIC
    assert policy.requirement("GET", "/public/22333") == policy.PUBLIC
    assert policy.requirement("POST", "/public/22333") != policy.PUBLIC
    assert policy.requirement("GET", "/publicity") != policy.PUBLIC


def test_no_personal_data_in_any_page_or_its_json(base: str, site: Site, db: psycopg.Connection) -> None:
    secrets = personal(db)
    assert len(secrets) > 40 and "Trần Thị Bích" in secrets and "25 Lê Thánh Tôn" in secrets
    urls = ["/public", "/public?lang=en", f"/public/{WARD}", f"/public/{WARD}?lang=en", f"/public/{WARD}.json",
            f"/public/{WARD}?status=resolved", f"/public/{WARD}?category=roads"]
    urls += [f"/public/{WARD}?code={i}" for i in site.ids] + [f"/public/{WARD}.json?code={i}" for i in site.ids]
    urls += [f"/public/{w}" for w in ("22366", "22390", "22402")]
    for url in urls:
        status, _, body = fetch(base + url)
        assert status == 200, url
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{url} shows {leaked}"
        for lon, lat in site.raw_points:   # the exact point never leaves, only its ~50 m cell
            assert f"{lon:.6f}" not in body or f"{lat:.6f}" not in body, url
    _, _, body = fetch(base + f"/public/{WARD}?code={site.public_id}")
    assert "Ổ gà trước nhà" in body and "đã ẩn" in body        # published, the phone in it redacted


def test_the_ward_page_lists_reports_with_their_timelines(base: str, site: Site, db: psycopg.Connection) -> None:
    status, headers, body = fetch(base + f"/public/{WARD}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    expected = db.execute("SELECT count(*) FROM reports WHERE ward_code = %s", [WARD]).fetchone()
    assert expected is not None and body.count('class="pub-report"') == expected[0] > 5
    assert "Đã tiếp nhận" in body and "Đã giao cho Công ty Thoát nước" in body and "Đã trả lời" in body
    assert "<svg" in body and body.count('class="pub-map-report"') >= 5
    assert "<script" not in body
    data = json.loads(fetch(base + f"/public/{WARD}.json?lang=en")[2])
    assert data["ward"]["code"] == WARD and len(data["reports"]) == expected[0]
    steps = [s["step"] for r in data["reports"] for s in r["timeline"]]
    assert "Received" in steps and any(s.startswith("Assigned to ") for s in steps)
    en = fetch(base + f"/public/{WARD}?lang=en")[2]
    assert "Follow your report" in en and "Theo dõi" not in en


def test_filters_narrow_the_list_and_a_bad_value_is_said(base: str, site: Site, db: psycopg.Connection) -> None:
    body = fetch(base + f"/public/{WARD}.json?category=roads")[2]
    cats = {r["category"] for r in json.loads(body)["reports"]}
    assert cats == {"roads"}
    data = json.loads(fetch(base + f"/public/{WARD}.json?status=resolved")[2])
    assert data["reports"] and {r["status"] for r in data["reports"]} == {"resolved"}
    status, _, html = fetch(base + f"/public/{WARD}?category=nope")
    assert status == 200 and "Không có lĩnh vực “nope”" in html
    n = db.execute("SELECT count(*) FROM reports WHERE ward_code = %s", [WARD]).fetchone()
    assert n is not None and html.count('class="pub-report"') == n[0]


def test_a_resident_follows_a_report_by_its_code(base: str, site: Site, db: psycopg.Connection) -> None:
    done = db.execute("SELECT id FROM reports WHERE status = 'resolved' ORDER BY id LIMIT 1").fetchone()
    assert done is not None
    for code in (f"PA-{done[0]:06d}", f"#{done[0]}", str(done[0])):
        html = fetch(base + "/public?code=" + code.replace("#", "%23"))[2]
        box = html.split('class="pub-tracked"', 1)[1].split("</section>", 1)[0]
        assert f"PA-{done[0]:06d}" in box and "Đã tiếp nhận" in box and "Đã trả lời: đã xử lý" in box
    assert "không phải là mã phản ánh" in fetch(base + "/public?code=abc")[2]
    assert "Không tìm thấy phản ánh PA-999999" in fetch(base + "/public?code=999999")[2]


def test_figures_and_the_quiet_report(base: str, site: Site, db: psycopg.Connection) -> None:
    data = json.loads(fetch(base + f"/public/{WARD}.json")[2])["figures"]
    row = db.execute("""SELECT count(*), count(*) FILTER (WHERE outcome = 'resolved') FROM reports
                        WHERE ward_code = %s""", [WARD]).fetchone()
    assert row is not None and data["received"] == str(row[0]) and data["resolved"] == str(row[1])
    quiet = [q["code"] for q in data["no_update_10_working_days"]]
    assert quiet == [f"PA-{site.quiet_id:06d}"]     # 30 days: ≥ 20 working days; the seed's newer ones are not
    assert data["median_days"] and data["top_categories"]
    assert re.fullmatch(r"\d+ %|—", data["on_time"])


def test_live_status_air_and_wifi(base: str, site: Site) -> None:
    data = json.loads(fetch(base + f"/public/{WARD}.json")[2])
    assert [w["up"] for w in data["wifi"]].count(False) == 1 and len(data["wifi"]) == 2
    assert data["air"] and all(a["inside"] and a["band"] for a in data["air"])
    html = fetch(base + f"/public/{WARD}")[2]
    assert "Wifi công cộng: 1/2 điểm hoạt động" in html and "pub-aqi-" in html


def test_headers_cache_and_unknown_ward(base: str, site: Site, db: psycopg.Connection) -> None:
    status, headers, _ = fetch(base + f"/public/{WARD}")
    assert headers["Content-Security-Policy"] == CSP and "script-src" not in CSP
    assert headers["Cache-Control"] == "public, max-age=30"
    css = fetch(base + "/public/static/ioc-public.css")
    assert css[0] == 200 and "pub-report" in css[2]
    before = fetch(base + f"/public/{WARD}.json")[2]
    db.execute("UPDATE reports SET public_response = 'đổi' WHERE ward_code = %s", [WARD])
    assert fetch(base + f"/public/{WARD}.json")[2] == before       # cached for TTL seconds
    assert fetch(base + "/public/99999")[0] == 404
    assert fetch(base + "/public/99999.json")[0] == 404
    assert fetch(base + "/public/%3Cscript%3E")[0] == 404
    for path in ("/public/a/b", "/public/22333/", "/public/22333/x"):   # not Dash's app shell (its catch-all)
        status, headers, body = fetch(base + path)
        assert status == 404 and headers["Content-Security-Policy"] == CSP and "<script" not in body, path
    status, _, body = fetch(base + "/public/")            # redirected (urllib follows) to the index
    assert status == 200 and "Chọn phường" in body


def test_anonymous_visitors_are_rate_limited(settings: Settings, pool: ConnectionPool, site: Site) -> None:
    from tests.reports.test_open311_limit import fresh_minute

    with serving(settings, pool, limit=3) as base:
        fresh_minute()
        answers = [fetch(base + f"/public/{WARD}") for _ in range(4)]
        assert [a[0] for a in answers] == [200, 200, 200, 429]
        assert 1 <= int(answers[3][1]["Retry-After"]) <= 60
        assert fetch(base + "/public/static/ioc-public.css")[0] == 200    # the stylesheet is not counted
        assert fetch(base + "/open311/v2/requests.json")[0] == 200       # Open311 counts apart
