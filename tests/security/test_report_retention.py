"""Reporters' personal data is purged by the last activity date, closed or not, unless they consented to keep it;
the access log names Law 91/2025/QH15 and the purpose; migrations 0095-0097 carry existing rows over sensibly."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from dashboards.i18n import t
from ioc import migrate, stack
from ioc.config import Settings
from ioc.security import personal, retention
from pipelines.reports.actions import apply_action
from pipelines.reports.workflow import Action
from tests.conftest import database_url_for
from tests.reports.helpers import TZ

TEXT = "Cống tắc trước nhà, gọi tôi 0912 345 678, email lan@example.vn, CCCD 079123456789"
REDACTED = ("Cống tắc trước nhà, gọi tôi [số điện thoại đã ẩn], email [email đã ẩn], CCCD [số CCCD đã ẩn]")


def _report(db: psycopg.Connection, idle_days: int, *, status: str = "received", keep: bool = False) -> int:
    """A report with a contact whose last activity was ``idle_days`` ago."""
    row = db.execute("""INSERT INTO reports (source, category, description, submitted_at, sla_days, status,
                                             consent_keep, last_activity_at)
                        VALUES ('hotline_1022', 'drainage', %s, now() - %s, 3, %s, %s, now() - %s) RETURNING id""",
                     [TEXT, timedelta(days=idle_days + 1), status, keep, timedelta(days=idle_days)]).fetchone()
    assert row is not None
    db.execute("INSERT INTO report_contacts (report_id, name, phone) VALUES (%s, 'Lan', '0912345678')", [row[0]])
    return int(row[0])


def _state(db: psycopg.Connection, rid: int) -> tuple[bool, str, bool]:
    has_contact = db.execute("SELECT count(*) FROM report_contacts WHERE report_id = %s", [rid]).fetchone()
    text, purged = db.execute("SELECT description, details_purged_at IS NOT NULL FROM reports WHERE id = %s",
                              [rid]).fetchone() or ("", False)
    return has_contact == (1,), text, purged


def test_purge_goes_by_last_activity_closed_or_not(db: psycopg.Connection, settings: Settings) -> None:
    kept = settings.report_contact_retention_days
    forgotten = _report(db, kept + 30)                         # never closed, idle for longer than the retention
    closed = _report(db, kept + 1, status="resolved")
    consented = _report(db, kept + 30, keep=True)
    recent = _report(db, kept - 1)
    done = retention.purge(db, settings)
    assert (done["report_contacts"], done["report_descriptions"]) == (2, 2)
    assert _state(db, forgotten) == (False, REDACTED, True)
    assert _state(db, closed) == (False, REDACTED, True)
    assert _state(db, consented) == (True, TEXT, False)
    assert _state(db, recent) == (True, TEXT, False)
    again = retention.purge(db, settings)
    assert (again["report_contacts"], again["report_descriptions"]) == (0, 0)


def test_activity_moves_the_date_the_purge_counts_from(db: psycopg.Connection, settings: Settings) -> None:
    rid = _report(db, settings.report_contact_retention_days + 30)
    now = datetime.now(UTC)
    apply_action(db, rid, Action("assign", department="drainage"), "minh", TZ, now)
    assert db.execute("SELECT last_activity_at FROM reports WHERE id = %s", [rid]).fetchone() == (now,)
    retention.purge(db, settings)
    assert _state(db, rid) == (True, TEXT, False)


def test_the_access_log_names_law_91_and_the_purpose(db: psycopg.Connection) -> None:
    personal.log_access(db, "minh", "staff", personal.REPORT_CONTACT, "1", purpose=personal.HANDLING_PURPOSE,
                        masked=True)
    assert db.execute("SELECT legal_basis, purpose FROM personal_data_access").fetchall() == [
        ("Law 91/2025/QH15", "xử lý phản ánh / handling the report")]
    comment = db.execute("SELECT obj_description('personal_data_access'::regclass)").fetchone()
    assert comment is not None and "Law 91/2025/QH15" in comment[0]
    assert "Luật số 91/2025/QH15" in t("reports.contact.logged", "vi") and "mục đích" in t("reports.contact.logged",
                                                                                         "vi")
    assert "Law 91/2025/QH15" in t("reports.contact.logged", "en") and "purpose" in t("reports.contact.logged", "en")


def test_decree_13_is_only_named_as_what_law_91_replaced() -> None:
    """Every mention of Decree 13/2023 in code, docs and catalogues has Law 91/2025/QH15 within three lines (it says
    what was replaced, or which rule older log rows were made under); 0040 is applied and cannot change (0097
    comments the table anew)."""
    repo = Path(__file__).resolve().parents[2]
    stale = []
    for path in repo.glob("**/*"):
        if path.suffix not in (".py", ".md", ".po", ".sql") or {".venv", "tests", ".git"} & set(path.parts):
            continue
        if path.name == "0040_security.sql":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            if ("13/2023" in line or "Decree 13" in line or "Nghị định 13" in line) and \
                    not any("91/2025" in near for near in lines[max(0, n - 3):n + 4]):
                stale.append(f"{path.relative_to(repo)}:{n + 1}: {line.strip()}")
    assert stale == []
    readme = (repo / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if "IOC_REPORT_CONTACT_RETENTION_DAYS" in line)
    assert "Law 91/2025/QH15" in row and "last activity" in row


@pytest.fixture
def fresh_url(services: stack.Endpoints) -> str:
    name = f"ioc_mig0095_{os.getpid()}"
    with psycopg.connect(services.database_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield database_url_for(services.database_url, name)
    with psycopg.connect(services.database_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_the_migrations_carry_existing_rows_over(fresh_url: str, tmp_path: Path) -> None:
    for mig in migrate.available():
        if mig.version < 95:
            (tmp_path / mig.name).write_text(mig.sql, encoding="utf-8")
    with psycopg.connect(fresh_url, autocommit=True) as conn:
        migrate.apply(conn, tmp_path)
        ids = {}
        for ext, source in (("H", "hotline_1022"), ("Z", "zalo"), ("W", "web"), ("F", "field_staff"),
                            ("P", "open311"), ("city.example:7", "open311")):
            ids[ext] = conn.execute("""INSERT INTO reports (source, external_id, category, submitted_at, sla_days,
                                                            updated_at)
                                       VALUES (%s, %s, 'other', '2026-03-01T00:00Z', 3, '2026-03-02T00:00Z')
                                       RETURNING id""", [source, ext]).fetchone()[0]   # type: ignore[index]
        conn.execute("""INSERT INTO report_history (report_id, at, actor, action, to_status)
                        VALUES (%s, '2026-05-05T00:00Z', 'lan', 'assign', 'assigned')""", [ids["H"]])
        conn.execute("""INSERT INTO personal_data_access (at, viewer, role, data_class, subject) VALUES
                        ('2025-12-31T16:59Z', 'a', 'admin', 'report_contact', '1'),
                        ('2025-12-31T17:00Z', 'a', 'admin', 'report_contact', '1')""")
        applied = migrate.apply(conn)
        assert applied[:3] == ["0095_report_publication.sql", "0096_open311_readers.sql",
                               "0097_access_log_law91.sql"]
        public = dict(conn.execute("SELECT external_id, description_public FROM reports").fetchall())
        assert public == {"H": False, "Z": False, "W": False, "F": True, "P": False, "city.example:7": True}
        active = dict(conn.execute("SELECT external_id, last_activity_at FROM reports").fetchall())
        assert active["H"] == datetime(2026, 5, 5, tzinfo=UTC) and active["W"] == datetime(2026, 3, 2, tzinfo=UTC)
        assert conn.execute("SELECT count(*) FROM reports WHERE consent_keep OR details_purged_at IS NOT NULL"
                            ).fetchone() == (0,)
        assert [r[0] for r in conn.execute("SELECT legal_basis FROM personal_data_access ORDER BY at")] == [
            "Decree 13/2023/NĐ-CP", "Law 91/2025/QH15"]                 # 2026-01-01 00:00 in Vietnam
