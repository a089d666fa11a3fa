"""The staff pages /staff/disclosures and /staff/support-points over the real app: who may open them, upload with
field-level refusals, withdraw, moderate, add/edit/close a support point with every field checked, CSRF, audit."""

from __future__ import annotations

import io
import re

import psycopg
from flask import Flask
from flask.testing import FlaskClient

from tests.public.files import PDF
from tests.public.helpers import WARD, add_document
from tests.security.helpers import signed_in


def csrf(client: FlaskClient) -> str:
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None
    return cookie.value


def field_error(html: str, field: str) -> str | None:
    """The error shown under ``field``: each field is one ``col-md-*`` block of the form."""
    for block in html.split('<div class="col-md-')[1:]:
        if f'id="f-{field}"' in block:
            found = re.search(r'<div class="invalid-feedback">([^<]*)</div>', block)
            return found.group(1) if found else None
    raise AssertionError(f"no field {field}")


def upload(client: FlaskClient, data: bytes, name: str = "ke-hoach.pdf", **fields: str) -> object:
    form = {"csrf_token": csrf(client), "ward_code": WARD, "category": "plan", "document_date": "2026-12-01",
            "title_vi": "Kế hoạch phòng chống ngập 2027", "comments_open": "2026-12-01T08:00",
            "comments_close": "2027-01-15T17:00", **fields, "file": (io.BytesIO(data), name)}
    return client.post("/staff/disclosures", data=form, content_type="multipart/form-data")


def test_only_operators_and_admins_open_the_staff_pages(server: Flask, db: psycopg.Connection) -> None:
    assert server.test_client().get("/staff/disclosures").status_code == 302          # → /login
    for role, status in (("viewer", 403), ("leader", 403), ("operator", 200), ("admin", 200)):
        client = signed_in(server, db, role)
        for path in ("/staff/disclosures", "/staff/support-points"):
            assert client.get(path).status_code == status, (role, path)


def test_upload_withdraw_and_moderate(server: Flask, db: psycopg.Connection) -> None:
    client = signed_in(server, db, "operator", "lan")
    client.get("/staff/disclosures")
    done = upload(client, PDF)
    assert done.status_code == 303, done.get_data(as_text=True)[:500]
    doc, who = db.execute("SELECT id, uploaded_by FROM disclosures").fetchone()
    assert who == "lan"
    listed = client.get("/staff/disclosures?done=1").get_data(as_text=True)
    assert "Kế hoạch phòng chống ngập 2027" in listed and "Đã lưu." in listed
    db.execute("INSERT INTO disclosure_comments (disclosure_id, body) VALUES (%s, 'Nên nạo vét cống trước Tết')",
               [doc])
    db.commit()
    comment = db.execute("SELECT id FROM disclosure_comments").fetchone()[0]
    assert "Nên nạo vét cống trước Tết" in client.get(f"/staff/disclosures/{doc}").get_data(as_text=True)
    assert client.post(f"/staff/comments/{comment}", data={"csrf_token": csrf(client), "state": "published"}
                       ).status_code == 303
    nothing = client.post(f"/staff/disclosures/{doc}/withdraw", data={"csrf_token": csrf(client), "reason": " "})
    assert nothing.status_code == 400 and "Cần lý do rút văn bản" in nothing.get_data(as_text=True)
    assert client.post(f"/staff/disclosures/{doc}/withdraw", data={"csrf_token": csrf(client),
                                                                   "reason": "đăng nhầm"}).status_code == 303
    assert db.execute("SELECT state FROM disclosure_comments").fetchone() == ("published",)
    assert db.execute("SELECT withdrawn_by FROM disclosures").fetchone() == ("lan",)
    actions = [a for (a,) in db.execute("SELECT action FROM security_events WHERE actor = 'lan' AND action LIKE "
                                        "'disclosure%' ORDER BY id")]
    assert actions == ["disclosure_add", "disclosure_comment_published", "disclosure_withdraw"]
    assert "Đã rút" in client.get("/staff/disclosures").get_data(as_text=True)


def test_a_bad_upload_is_refused_under_its_field_and_nothing_stored(server: Flask, db: psycopg.Connection) -> None:
    client = signed_in(server, db, "operator")
    client.get("/staff/disclosures")
    bad = upload(client, b"<html>hello</html>", "bang-gia.pdf")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Chưa lưu: hãy sửa các ô được đánh dấu đỏ." in html
    assert (field_error(html, "file") or "").startswith("Nội dung tệp không phải PDF") \
        and field_error(html, "title_vi") is None
    assert 'value="Kế hoạch phòng chống ngập 2027"' in html                          # what was typed is kept
    late = upload(client, PDF, comments_close="2026-11-01T08:00")
    assert late.status_code == 400 and field_error(late.get_data(as_text=True), "comments_close") == \
        "Thời gian hết hạn phải sau thời gian bắt đầu"
    assert db.execute("SELECT count(*) FROM disclosures").fetchone() == (0,)


def test_a_post_without_the_session_csrf_token_is_refused(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    client = signed_in(server, db, "admin")
    assert client.post(f"/staff/disclosures/{doc}/withdraw", data={"reason": "x"}).status_code == 403
    assert db.execute("SELECT withdrawn_at FROM disclosures").fetchone() == (None,)


def test_support_points_are_added_checked_edited_and_closed(server: Flask, db: psycopg.Connection) -> None:
    client = signed_in(server, db, "operator", "minh")
    client.get("/staff/support-points")
    good = {"ward_code": WARD, "kind": "cafe", "name": "Cà phê dịch vụ công Phước Tiến", "address": "12 Phan Chu Trinh",
            "lat": "12.2489", "lon": "109.1903", "hours": "7:30–11:30, thứ 2–thứ 6", "phone": "0258 3822 111",
            "helps_with": "Dịch vụ công trực tuyến; VNeID mức 2"}
    bad = client.post("/staff/support-points", data={**good, "csrf_token": csrf(client), "ward_code": "99999",
                                                     "kind": "kiosk", "lat": "109.19", "name": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    for field, reason in (("ward_code", "Không có phường hiện hành mã “99999”"),
                          ("kind", "“kiosk” không phải là lựa chọn hợp lệ"), ("lat", "nằm ngoài Việt Nam"),
                          ("name", "Chưa điền")):
        assert reason in (field_error(html, field) or ""), field
    assert field_error(html, "lon") is None and 'value="12 Phan Chu Trinh"' in html
    english = client.post("/staff/support-points?lang=en", data={**good, "csrf_token": csrf(client), "lon": "abc"})
    assert field_error(english.get_data(as_text=True), "lon") == "“abc” is not a number"
    assert client.post("/staff/support-points", data={**good, "csrf_token": csrf(client)}).status_code == 303
    point = db.execute("SELECT id, helps_with FROM support_points").fetchone()
    assert point[1] == ["Dịch vụ công trực tuyến", "VNeID mức 2"]
    assert "Cà phê dịch vụ công Phước Tiến" in server.test_client().get(f"/public/{WARD}").get_data(as_text=True)
    edited = client.post(f"/staff/support-points/{point[0]}", data={**good, "csrf_token": csrf(client),
                                                                    "hours": "7:00–17:00"})
    assert edited.status_code == 303
    assert client.post(f"/staff/support-points/{point[0]}/close", data={"csrf_token": csrf(client)}).status_code == 303
    assert db.execute("SELECT hours, closed_by FROM support_points").fetchone() == ("7:00–17:00", "minh")
    assert "Phước Tiến" not in server.test_client().get(f"/public/{WARD}?after=close").get_data(as_text=True)
    actions = [a for (a,) in db.execute("SELECT action FROM security_events WHERE subject = %s ORDER BY id",
                                        [f"support_point:{point[0]}"])]
    assert actions == ["support_point_add", "support_point_edit", "support_point_close"]
