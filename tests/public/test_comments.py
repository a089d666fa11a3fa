"""Anonymous comments on a disclosure, through the real app and database: accepted only inside the period, with a
signed token of the right age for that document; the honeypot drops robots silently; per-address and per-document
limits answer 429; text is reduced to plain text with personal details hidden; no name is asked or kept; residents
see the count and only the published comments."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from flask import Flask

from dashboards.public.documents import CONFIG_KEY
from pipelines.public import comments
from tests.public.helpers import WARD, add_document, token


def post(client: object, doc: int, body: str = "Đề nghị làm vỉa hè rộng hơn", tok: str = "", **extra: str) -> object:
    return client.post(f"/public/comments/{doc}", data={"body": body, "token": tok, **extra})  # type: ignore[attr-defined]


def stored(db: psycopg.Connection) -> list[tuple[str, str]]:
    return db.execute("SELECT body, state FROM disclosure_comments ORDER BY id").fetchall()


def test_a_comment_inside_the_period_is_taken_and_counted(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    client = server.test_client()
    answer = post(client, doc, "Đề nghị <b>làm</b> vỉa hè rộng hơn, gọi tôi 0912 345 678", token(db, doc))
    assert answer.status_code == 303 and answer.headers["Location"] == f"/public/{WARD}?sent={doc}#d{doc}"
    assert stored(db) == [("Đề nghị làm vỉa hè rộng hơn, gọi tôi [số điện thoại đã ẩn]", "pending")]
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Cảm ơn! Góp ý đã được nhận" in page and "1 ý kiến" in page
    assert "vỉa hè rộng hơn" not in page                               # pending: counted, not shown
    comment_id = db.execute("SELECT id FROM disclosure_comments").fetchone()[0]
    comments.moderate(db, comment_id, "published", "staff-test")
    db.commit()
    data = json.loads(client.get(f"/public/{WARD}.json?fresh=1").get_data(as_text=True))["documents"][0]
    assert data["comments"] == 1 and data["published_comments"] == [stored(db)[0][0]]
    assert "0912" not in json.dumps(data) and "345 678" not in client.get(f"/public/{WARD}?f=2").get_data(as_text=True)


def test_the_page_token_works_after_a_person_s_pause(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    client = server.test_client()
    html = client.get(f"/public/{WARD}").get_data(as_text=True)
    found = re.search(rf'action="/public/comments/{doc}"><input type="hidden" name="token" value="([^"]+)"', html)
    assert found and 'name="website"' in html and "name=\"name\"" not in html    # no name field at all
    assert post(client, doc, tok=found.group(1)).status_code == 400            # posted the instant it was read
    time.sleep(2.1)
    assert post(client, doc, tok=found.group(1)).status_code == 303
    assert len(stored(db)) == 1


@pytest.mark.parametrize(("opens", "closes", "status", "said"), [
    (timedelta(days=-10), timedelta(days=-1), 409, "không (còn) lấy ý kiến"),
    (timedelta(days=2), timedelta(days=9), 409, "Chưa đến thời gian lấy ý kiến"),
])
def test_outside_the_period_nothing_is_taken(server: Flask, db: psycopg.Connection, opens: timedelta,
                                             closes: timedelta, status: int, said: str) -> None:
    now = datetime.now(UTC)
    doc = add_document(db, opens=now + opens, closes=now + closes)
    answer = post(server.test_client(), doc, tok=token(db, doc))
    assert answer.status_code == status and said in answer.get_data(as_text=True) and stored(db) == []


def test_expired_forged_or_borrowed_tokens_are_refused(server: Flask, db: psycopg.Connection) -> None:
    doc, other = add_document(db), add_document(db, title="Thông báo thu hồi đất")
    client = server.test_client()
    cases = {"Biểu mẫu đã quá 2 giờ": token(db, doc, timedelta(hours=3)),
             "Biểu mẫu không hợp lệ": token(db, other),                     # signed for another document
             "không hợp lệ": "1700000000.0123456789abcdef0123456789abcdef", "hợp lệ": ""}
    for said, tok in cases.items():
        answer = post(client, doc, tok=tok)
        assert answer.status_code == 400 and said in answer.get_data(as_text=True), tok
    assert stored(db) == []


def test_the_honeypot_drops_a_robot_silently(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    answer = post(server.test_client(), doc, tok=token(db, doc), website="http://spam.example")
    assert answer.status_code == 303 and stored(db) == []


def test_limits_per_address_and_per_document_answer_429(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    server.config[CONFIG_KEY] = 2
    one = server.test_client()
    codes = [post(one, doc, f"Ý kiến {i}", token(db, doc), ).status_code for i in range(3)]
    assert codes == [303, 303, 429]
    other = server.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"          # another address is not held back
    assert post(other, doc, "Ý kiến khác", token(db, doc)).status_code == 303
    db.execute("""INSERT INTO disclosure_comments (disclosure_id, received_at, body)
                  SELECT %s, now(), 'x' FROM generate_series(1, %s)""", [doc, comments.PER_DOCUMENT_PER_HOUR])
    db.commit()
    third = server.test_client()
    third.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    answer = post(third, doc, "Một ý kiến nữa", token(db, doc))
    assert answer.status_code == 429 and "quá nhiều góp ý" in answer.get_data(as_text=True)


def test_empty_or_too_long_comments_are_refused(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    client = server.test_client()
    assert post(client, doc, "  <p> </p> ", token(db, doc)).status_code == 400
    long = post(client, doc, "a" * 2001, token(db, doc))
    assert long.status_code == 400 and "dài quá 2000" in long.get_data(as_text=True) and stored(db) == []


def test_clean_keeps_plain_text_only() -> None:
    assert comments.clean("<script>x</script>Xin\u202e chào\r\n\r\n\r\n\r\nbạn\x00") == "xXin chào\n\nbạn"


def test_the_policy_opens_the_comment_post_and_nothing_else() -> None:
    from ioc.security import policy, roles

    assert policy.requirement("POST", "/public/comments/12") == policy.PUBLIC
    assert policy.requirement("POST", "/public/22333") != policy.PUBLIC
    assert policy.requirement("PUT", "/public/comments/12") == roles.ADMIN
    assert policy.requirement("GET", "/staff/disclosures") == roles.PUBLISH
