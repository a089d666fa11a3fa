"""The briefing archive's recipients are personal data: after IOC_BRIEFING_RECIPIENT_RETENTION_DAYS the retention
run replaces the addresses by their count; the briefing, and the schedule's memory that it was mailed, stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from dashboards.views.briefings import mailed_cell
from ioc import retention as data_classes
from ioc.config import Settings
from ioc.security import retention
from pipelines.briefing import archive

NOW = datetime.now(UTC)


def _briefing(db: psycopg.Connection, week: str, mailed_days_ago: float | None, to: list[str]) -> int:
    found = archive.save(db, week, "*", "vi", "<p>bản tin</p>", b"%PDF-1.4", NOW - timedelta(days=400))
    if mailed_days_ago is not None:
        archive.mark_mailed(db, found, to, NOW - timedelta(days=mailed_days_ago))
    return found


def test_old_recipients_become_a_count(db: psycopg.Connection, settings: Settings) -> None:
    old = _briefing(db, "2025-W40", 400, ["chu.tich@phuong.gov.vn", "pho.chu.tich@phuong.gov.vn"])
    recent = _briefing(db, "2026-W40", 30, ["chu.tich@phuong.gov.vn"])
    never = _briefing(db, "2024-W01", None, [])
    assert data_classes.by_name()["briefing_recipients"].personal
    assert retention.purge(db, settings)["briefing_recipients"] == 1
    rows = {r["id"]: r for r in archive.listing(db)}
    assert rows[old]["mailed_to"] == [] and rows[old]["purged_count"] == 2 and rows[old]["mailed_at"] is not None
    assert rows[recent]["mailed_to"] == ["chu.tich@phuong.gov.vn"] and rows[recent]["purged_count"] is None
    assert rows[never]["mailed_at"] is None
    assert archive.mailed(db, "2025-W40", "*", "vi")          # the schedule still knows: never mailed twice
    assert "@" not in str(db.execute("SELECT mailed_to FROM briefings WHERE id = %s", [old]).fetchone())
    # what the archive page shows, in both languages
    assert mailed_cell(rows[old], "vi") == "đã gửi 2 người nhận (địa chỉ đã xóa sau thời hạn lưu)"
    assert mailed_cell(rows[old], "en").startswith("mailed to 2 recipients")
    assert mailed_cell(rows[recent], "vi") == "chu.tich@phuong.gov.vn"
    # a second run has nothing to do and keeps the count
    assert retention.purge(db, settings)["briefing_recipients"] == 0
    assert {r["id"]: r for r in archive.listing(db)}[old]["purged_count"] == 2


def test_the_period_is_the_setting(db: psycopg.Connection, settings: Settings) -> None:
    mid = _briefing(db, "2026-W30", 100, ["a@phuong.gov.vn"])
    assert settings.briefing_recipient_retention_days == 365
    assert retention.purge(db, settings)["briefing_recipients"] == 0
    shorter = settings.model_copy(update={"briefing_recipient_retention_days": 90})
    assert retention.purge(db, shorter)["briefing_recipients"] == 1
    assert {r["id"]: r for r in archive.listing(db)}[mid]["purged_count"] == 1
