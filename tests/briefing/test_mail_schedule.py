"""Mailing through a real SMTP server (aiosmtpd) with the PDF attached, and the Monday schedule firing once."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from dashboards import context
from dashboards.briefing import service
from pipelines.briefing import archive, schedule
from pipelines.briefing.week import Week
from tests.alarms.receivers import smtp_server
from tests.briefing.conftest import ZONE, run

pytestmark = pytest.mark.integration


def _mailing(ioc: context.IocContext, port: int) -> context.IocContext:
    settings = ioc.settings.model_copy(update={"alarm_smtp_host": "127.0.0.1", "alarm_smtp_port": port,
                                               "alarm_smtp_starttls": False, "alarm_smtp_from": "ioc@test.vn"})
    return context.IocContext(settings, given=ioc.pool)


def test_the_mail_arrives_with_the_html_and_the_pdf_attached(ioc: context.IocContext, week: Week,
                                                             now: datetime) -> None:
    with smtp_server() as (port, mails):
        mailer = _mailing(ioc, port)
        made = service.generate(mailer, week, "22333", "vi", now)
        service.send(mailer, made, ["lanhdao@phuong.vn"], now)
    assert len(mails) == 1
    mail = mails[0]
    subject = str(make_header(decode_header(mail["Subject"])))
    # (compat32's decode_header drops the space at a fold, hence no exact match of the whole subject)
    assert mail["To"] == "lanhdao@phuong.vn" and subject.startswith(f"Bản tin tuần cho lãnh đạo {week.label}")
    assert subject.endswith("Phường Bắc Nha Trang")
    parts = {p.get_content_type(): p for p in mail.walk()}
    pdf = parts["application/pdf"]
    assert pdf.get_filename() == f"briefing_{week.label}_22333_vi.pdf"
    assert pdf.get_payload(decode=True) == made.pdf
    body = parts["text/html"].get_payload(decode=True)
    assert isinstance(body, bytes) and "Phản ánh hiện trường" in body.decode()
    with ioc.pool.connection() as conn:
        row = archive.one(conn, made.archive_id)
    assert row is not None and row["mailed_to"] == ["lanhdao@phuong.vn"] and row["mailed_at"] is not None


def test_the_monday_schedule_mails_each_audience_once_across_restarts(ioc: context.IocContext) -> None:
    with ioc.pool.connection() as conn:
        archive.add_recipient(conn, archive.Recipient("a@tinh.vn", "22366", "vi"))
        archive.add_recipient(conn, archive.Recipient("b@tinh.vn", "22366", "vi"))
        archive.add_recipient(conn, archive.Recipient("c@tinh.vn", "22366", "en"))
    monday = datetime.combine(datetime.now(ZONE).date(), datetime.min.time(), ZONE)
    monday -= timedelta(days=monday.weekday())               # this week's Monday 00:00 local
    with smtp_server() as (port, mails):
        mailer = _mailing(ioc, port)

        def tick(at: datetime) -> list[tuple[str, str, str]]:
            with ioc.pool.connection() as conn:     # a new connection each tick: as a restarted runner would
                return schedule.tick(conn, at, ZONE, service.producer(mailer, at))

        assert tick(monday + timedelta(hours=6, minutes=59)) == []
        done = tick(monday + timedelta(hours=7))
        last_week = schedule.due(monday + timedelta(hours=7), ZONE)
        assert last_week is not None
        assert sorted(done) == [(last_week.label, "22366", "en"), (last_week.label, "22366", "vi")]
        assert tick(monday + timedelta(hours=7, minutes=1)) == []
        assert tick(monday + timedelta(days=2)) == []
    assert sorted(m["To"] for m in mails) == ["a@tinh.vn, b@tinh.vn", "c@tinh.vn"]
    assert all(m.get_content_type() == "multipart/mixed" for m in mails)


def test_cli_writes_the_files_and_manages_recipients(city: str, week: Week, tmp_path: Path) -> None:
    state = str(tmp_path)
    out = run(city, state, "briefing", "--week", week.label, "--ward", "22333", "--lang", "en",
              "--pdf", str(tmp_path / "b.pdf"), "--html", str(tmp_path / "b.html"))
    assert f"briefing {week.label} 22333 en" in out
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF-")
    assert "Weekly leader briefing" in (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "added" in run(city, state, "briefing", "recipients", "add", "x@ubnd.vn", "--scope", "22333")
    assert "already" in run(city, state, "briefing", "recipients", "add", "x@ubnd.vn", "--scope", "22333")
    assert "x@ubnd.vn\t22333\tvi" in run(city, state, "briefing", "recipients", "list")
    assert "removed" in run(city, state, "briefing", "recipients", "remove", "x@ubnd.vn", "--scope", "22333")


def test_a_bad_week_or_address_is_refused_by_name(city: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from smartward.cli import cli, main

    assert main(["--database-url", city, "--state-dir", str(tmp_path), "briefing", "--week", "2026-W54"]) == 2
    result = CliRunner().invoke(cli, ["--database-url", city, "--state-dir", str(tmp_path), "briefing",
                                      "recipients", "add", "not-an-address"])
    assert "not-an-address" in str(result.exception)
    result = CliRunner().invoke(cli, ["--database-url", city, "--state-dir", str(tmp_path), "briefing",
                                      "recipients", "add", "a@b.vn", "--scope", "Tỉnh Không Có"])
    assert "'Tỉnh Không Có' is no current ward code or province name" in str(result.exception)
