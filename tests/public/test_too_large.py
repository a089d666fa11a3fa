"""Bodies over the app's request cap (8 MB) over real HTTP: the staff upload answers a page in Vietnamese (or
English) that names the limit, the public comment POST plain text; never Werkzeug's generic English 413 page."""

from __future__ import annotations

import psycopg
import pytest
import requests
from psycopg_pool import ConnectionPool

from dashboards.auth.guard import MAX_BODY
from ioc.config import Settings
from tests.public.helpers import WARD, add_document, token
from tests.reports.public_site import serving
from tests.security.helpers import PASSWORD, make_user

OVER = b"%PDF-1.4\n" + b"0" * (MAX_BODY + 1024)     # just over the cap


def _signed_in(base: str, db: psycopg.Connection) -> requests.Session:
    make_user(db, "lan.staff", "operator")
    s = requests.Session()
    s.get(base + "/login", timeout=20)
    answer = s.post(base + "/login", data={"username": "lan.staff", "password": PASSWORD,
                                           "csrf_token": s.cookies["_csrf_token"]}, allow_redirects=False, timeout=20)
    assert answer.status_code == 303, answer.text[:300]
    assert s.get(base + "/staff/disclosures", timeout=20).status_code == 200
    return s


@pytest.mark.parametrize(("query", "said"), [("", "Tệp quá lớn: tối đa 8 MB"), ("?lang=en",
                                                                               "File too large: at most 8 MB")])
def test_a_staff_upload_over_the_cap_says_the_limit(settings: Settings, pool: ConnectionPool,
                                                   db: psycopg.Connection, wards: object, query: str,
                                                   said: str) -> None:
    with serving(settings, pool) as base:
        s = _signed_in(base, db)
        answer = s.post(base + "/staff/disclosures" + query, timeout=60,
                        data={"csrf_token": s.cookies["_csrf_token"], "ward_code": WARD, "category": "plan"},
                        files={"file": ("ke-hoach.pdf", OVER, "application/pdf")})
        assert answer.status_code == 413
        assert answer.headers["Content-Type"].startswith("text/html")
        assert said in answer.text and "Request Entity Too Large" not in answer.text
        # under the cap, a text field over Werkzeug's cap on form fields (multipart) is named by that cap
        field = s.post(base + "/staff/disclosures" + query, timeout=60,
                       data={"csrf_token": s.cookies["_csrf_token"], "title_vi": "x" * 600_000},
                       files={"file": ("ke-hoach.pdf", b"%PDF-1.4\n", "application/pdf")})
        assert field.status_code == 413 and said.replace("8 MB", "500 kB") in field.text
        assert s.get(base + "/staff/disclosures", timeout=20).status_code == 200   # the app is fine afterwards
    assert db.execute("SELECT count(*) FROM disclosures").fetchone() == (0,)


def test_a_public_comment_over_the_cap_is_refused_in_plain_text(settings: Settings, pool: ConnectionPool,
                                                                db: psycopg.Connection, wards: object) -> None:
    doc = add_document(db)
    with serving(settings, pool) as base:
        answer = requests.post(f"{base}/public/comments/{doc}", timeout=60,
                               data={"body": "x" * (MAX_BODY + 1024), "token": token(db, doc)})
        assert answer.status_code == 413
        assert answer.headers["Content-Type"].startswith("text/plain")
        assert answer.text == "Nội dung gửi quá lớn: tối đa 8 MB."
        small = requests.post(f"{base}/public/comments/{doc}", timeout=20, allow_redirects=False,
                              data={"body": "Đề nghị lát lại vỉa hè", "token": token(db, doc)})
        assert small.status_code == 303
    assert db.execute("SELECT count(*) FROM disclosure_comments").fetchone() == (1,)
