"""Disclosure documents on the real database and the real app: upload → listed on /public/<ward> and in its JSON →
downloaded byte for byte with safe headers; withdrawal keeps the row; every write audited; bad files refused."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask

from pipelines.public import disclosures
from tests.public.files import PNG, xlsx
from tests.public.helpers import WARD, add_document


def test_an_uploaded_document_is_listed_and_downloads_byte_identical(server: Flask, db: psycopg.Connection) -> None:
    data = xlsx()
    doc = add_document(db, data=data, category="budget", title="Công khai thu chi quỹ đóng góp quý IV")
    client = server.test_client()
    page = client.get(f"/public/{WARD}").get_data(as_text=True)
    assert "Công khai thu chi quỹ đóng góp quý IV" in page and "Thu chi ngân sách" in page
    assert f'href="/public/documents/{doc}"' in page and "Đang lấy ý kiến đến" in page and "0 ý kiến" in page
    listed = json.loads(client.get(f"/public/{WARD}.json").get_data(as_text=True))["documents"]
    assert [(d["id"], d["type"], d["sha256"]) for d in listed] == [(doc, "XLSX", hashlib.sha256(data).hexdigest())]
    english = client.get(f"/public/{WARD}?lang=en").get_data(as_text=True)
    assert "Pavement plan 2027" in english and "Open for comments until" in english
    got = client.get(f"/public/documents/{doc}")
    assert got.status_code == 200 and got.data == data
    assert got.headers["Content-Type"] == disclosures.files.XLSX
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith('attachment; filename="ke-hoach.xlsx"')   # real type's ext
    assert got.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'


def test_withdrawing_hides_the_document_but_keeps_it_and_audits_both(server: Flask, db: psycopg.Connection) -> None:
    doc = add_document(db)
    assert disclosures.withdraw(db, doc, "staff-test", "sai số liệu")
    db.commit()
    client = server.test_client()
    assert client.get(f"/public/documents/{doc}").status_code == 404
    assert "Kế hoạch chỉnh trang" not in client.get(f"/public/{WARD}?x=1").get_data(as_text=True)
    kept = db.execute("SELECT withdrawn_by, withdrawn_reason, length(content) FROM disclosures WHERE id = %s",
                      [doc]).fetchone()
    assert kept is not None and kept[:2] == ("staff-test", "sai số liệu") and kept[2] > 0
    actions = [a for (a,) in db.execute("SELECT action FROM security_events WHERE subject = %s ORDER BY id",
                                        [f"disclosure:{doc}"])]
    assert actions == ["disclosure_add", "disclosure_withdraw"]
    assert not disclosures.withdraw(db, doc, "staff-test", "again")      # already withdrawn: nothing to do


@pytest.mark.parametrize(("data", "field", "reason"), [
    (b"<html>not a pdf</html>", "file", "not a PDF, image or Office file"),
    (b"%PDF-" + b"0" * (7 * 1024 * 1024), "file", "the limit is 7 MB"),
])
def test_a_bad_file_is_refused_with_a_clear_reason_and_nothing_stored(db: psycopg.Connection,
                                                                      wards: object, data: bytes, field: str,
                                                                      reason: str) -> None:
    with pytest.raises(disclosures.DisclosureRefused, match=reason) as refused:
        add_document(db, data=data)
    assert refused.value.field == field
    assert db.execute("SELECT count(*) FROM disclosures").fetchone() == (0,)


def test_the_period_and_ward_are_checked(db: psycopg.Connection, wards: object) -> None:
    now = datetime.now(UTC)
    with pytest.raises(disclosures.DisclosureRefused, match="closes before it opens"):
        add_document(db, data=PNG, opens=now, closes=now - timedelta(days=1))
    with pytest.raises(disclosures.DisclosureRefused, match="no current ward '99999'"):
        add_document(db, ward="99999")


def test_the_command_adds_lists_and_withdraws(db_url: str, db: psycopg.Connection, wards: object,
                                              tmp_path: object) -> None:
    from pathlib import Path

    from smartward.cli import cli
    from tests.public.files import PDF

    path = Path(str(tmp_path)) / "du-toan.pdf"
    path.write_bytes(PDF)
    run = CliRunner().invoke
    added = run(cli, ["--database-url", db_url, "disclosures", "add", WARD, str(path), "--category", "budget",
                      "--title", "Dự toán ngân sách 2027", "--date", "2026-12-01", "--comments-open", "2026-12-01",
                      "--comments-close", "2026-12-20"])
    assert added.exit_code == 0, added.output
    doc = int(added.output.split()[1])
    row = db.execute("SELECT comments_open, comments_close, uploaded_by FROM disclosures WHERE id = %s",
                     [doc]).fetchone()
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    assert row is not None and row[0] == datetime(2026, 12, 1, tzinfo=hcm)     # a local date opens at its start
    assert row[1] == datetime(2026, 12, 21, tzinfo=hcm) and row[2].startswith("cli:")   # and closes at its end
    assert "Dự toán ngân sách 2027" in run(cli, ["--database-url", db_url, "disclosures", "list", WARD]).output
    bad = path.with_name("virus.pdf")
    bad.write_bytes(b"MZ\x90\x00")
    refused = run(cli, ["--database-url", db_url, "disclosures", "add", WARD, str(bad), "--category", "plan",
                        "--title", "x", "--date", "2026-12-01"])
    assert refused.exit_code != 0 and "virus.pdf: file: not a PDF" in str(refused.exception)
    gone = run(cli, ["--database-url", db_url, "disclosures", "withdraw", str(doc), "--reason", "thay bản mới"])
    assert gone.exit_code == 0 and "WITHDRAWN" in run(cli, ["--database-url", db_url, "disclosures", "list"]).output
