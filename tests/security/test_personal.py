"""Personal data: only roles that need it see reporters' contacts and camera snapshots, every view is logged, and
each data class is kept no longer than its retention."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ioc import migrate, stack
from ioc import retention as data_classes
from ioc.config import Settings
from ioc.security import personal, retention, roles
from ioc.security.errors import Forbidden
from ioc.security.principal import Principal


def _who(role: str) -> Principal:
    if role == "kiosk":
        return Principal("kiosk", "lobby", "kiosk", roles.KIOSK, key_id=1)
    if role == "api":
        return Principal("api_key", "zalo", "api", frozenset({roles.READ, roles.REPORTS_SUBMIT}), key_id=2)
    return Principal("user", f"{role}-1", role, roles.permissions_of(role), user_id=1)


@pytest.mark.parametrize("role", ["admin", "operator", "leader", "viewer", "kiosk", "api"])
def test_only_admins_and_operators_see_personal_data(role: str) -> None:
    allowed = role in ("admin", "operator")
    for data_class in (personal.REPORT_CONTACT, personal.CAMERA_SNAPSHOT):
        assert personal.may_see(_who(role), data_class) == allowed
    rows: list[dict[str, str | None]] = [{"device_id": "cam-1", "snapshot_url": "https://cam.example/1.jpg"},
                                         {"device_id": "cam-2", "snapshot_url": None}]
    shown = personal.redact_snapshots(rows, _who(role))
    assert (shown[0]["snapshot_url"] is not None) == allowed and shown[1] == rows[1] and rows[0]["snapshot_url"]


def test_every_view_is_logged_and_a_refusal_leaves_no_data(db: psycopg.Connection) -> None:
    personal.view(db, _who("operator"), personal.REPORT_CONTACT, "42", purpose="call back about flooding",
                  ip="10.0.0.5")
    personal.view(db, _who("admin"), personal.CAMERA_SNAPSHOT, "cam-1@2026-11-20T01:00:00Z")
    for role in ("viewer", "leader", "kiosk"):
        with pytest.raises(Forbidden):
            personal.view(db, _who(role), personal.REPORT_CONTACT, "42")
    with pytest.raises(Forbidden):
        personal.require(None, personal.CAMERA_SNAPSHOT)
    rows = db.execute("SELECT viewer, role, data_class, subject, purpose, ip FROM personal_data_access ORDER BY id")
    assert rows.fetchall() == [("operator-1", "operator", "report_contact", "42", "call back about flooding",
                                "10.0.0.5"),
                               ("admin-1", "admin", "camera_snapshot", "cam-1@2026-11-20T01:00:00Z", None, None)]


def test_reports_code_gets_its_own_role_names() -> None:
    assert personal.reports_role(_who("admin")) == "admin"
    assert personal.reports_role(_who("operator")) == "staff"
    with pytest.raises(Forbidden):
        personal.reports_role(_who("leader"))


def test_retention_comes_from_the_settings(settings: Settings) -> None:
    changed = settings.model_copy(update={"camera_event_retention_days": 30, "report_contact_retention_days": 180})
    rules = data_classes.by_name()
    assert set(rules) == {"raw_telemetry", "rollups", "dead_letters", "camera_events", "report_contacts",
                          "access_logs", "alarms", "alarm_deliveries", "footage_register", "footage_contacts",
                          "social_mentions", "briefing_recipients"}
    assert rules["social_mentions"].personal and rules["social_mentions"].days(changed) == 365
    assert rules["alarm_deliveries"].personal and rules["alarm_deliveries"].how == "delete"
    assert rules["footage_register"].how == "keep" and rules["footage_contacts"].days(changed) == 365
    with pytest.raises(ValueError, match="footage_register is kept"):
        rules["footage_register"].days(changed)
    assert rules["report_contacts"].days(changed) == 180 and rules["report_contacts"].personal
    tables = dict(data_classes.chunk_plan(changed))
    assert tables["camera_events"] == 30 and tables["dead_letter_messages"] == 90 and tables["env_telemetry"] == 30
    assert "report_contacts" not in tables   # a plain table: purge() deletes from it


def test_purge_deletes_expired_personal_data_only(db: psycopg.Connection, settings: Settings) -> None:
    old, recent = db.execute(
        """INSERT INTO reports (source, category, submitted_at, sla_days, status, closed_at) VALUES
           ('web', 'other', now() - interval '800 days', 10, 'closed', now() - interval '400 days'),
           ('web', 'other', now() - interval '20 days', 10, 'closed', now() - interval '10 days')
           RETURNING id""").fetchall()
    for (rid,) in (old, recent):
        db.execute("INSERT INTO report_contacts (report_id, phone) VALUES (%s, '0912345678')", [rid])
    db.execute("""INSERT INTO personal_data_access (viewer, role, data_class, subject, at) VALUES
                  ('a', 'admin', 'report_contact', '1', now() - interval '800 days'),
                  ('a', 'admin', 'report_contact', '1', now())""")
    done = retention.purge(db, settings)
    assert done["report_contacts"] == 1 and done["personal_data_access"] == 1
    assert db.execute("SELECT report_id FROM report_contacts").fetchall() == [recent]
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (2,)   # the report stays, its contact goes


def _report(conn: psycopg.Connection) -> int:
    row = conn.execute("""INSERT INTO reports (source, category, submitted_at, sla_days)
                          VALUES ('web', 'traffic', now(), 3) RETURNING id""").fetchone()
    assert row is not None
    conn.execute("INSERT INTO report_contacts (report_id, phone) VALUES (%s, '0905123456')", [row[0]])
    return int(row[0])


def test_contact_views_of_the_reports_land_in_the_one_access_log(db: psycopg.Connection) -> None:
    from pipelines.reports import contacts

    rid = _report(db)
    contacts.contact_view(db, rid, "op-1", "staff", purpose="desk: reports page")
    contacts.full_contact(db, rid, "admin-1", "admin", "court order 12/2026")
    assert db.execute("""SELECT viewer, role, data_class, subject, purpose, masked FROM personal_data_access
                         ORDER BY id""").fetchall() == [
        ("op-1", "staff", "report_contact", str(rid), "desk: reports page", True),
        ("admin-1", "admin", "report_contact", str(rid), "court order 12/2026", False)]
    assert [(v.viewer, v.masked) for v in contacts.views(db, rid)] == [("op-1", True), ("admin-1", False)]


def test_the_migration_moves_earlier_contact_views_into_the_access_log(services: stack.Endpoints,
                                                                      tmp_path: Path) -> None:
    """Views logged before 0070 (in the reports' own table) are kept: moved, in order, with their times."""
    from tests.conftest import database_url_for

    base = services.database_url
    name = f"ioc_mig0070_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        before = tmp_path / "before"
        before.mkdir()
        for mig in migrate.available():
            if mig.version < 70:
                (before / mig.name).write_text(mig.sql, encoding="utf-8")
        with psycopg.connect(database_url_for(base, name), autocommit=True) as conn:
            migrate.apply(conn, before)
            rid = _report(conn)
            conn.execute("""INSERT INTO report_contact_views (report_id, viewer, role, masked, purpose, viewed_at)
                            VALUES (%s, 'op-1', 'staff', true, 'call back', '2026-10-01T03:00Z'),
                                   (%s, 'admin-1', 'admin', false, NULL, '2026-10-02T03:00Z')""", [rid, rid])
            assert migrate.apply(conn)[0] == "0070_one_access_log.sql"   # later migrations follow
            assert conn.execute("""SELECT viewer, data_class, subject, masked, purpose, at FROM personal_data_access
                                   ORDER BY id""").fetchall() == [
                ("op-1", "report_contact", str(rid), True, "call back", datetime(2026, 10, 1, 3, tzinfo=UTC)),
                ("admin-1", "report_contact", str(rid), False, None, datetime(2026, 10, 2, 3, tzinfo=UTC))]
            assert conn.execute("SELECT report_id, viewer FROM report_contact_views ORDER BY viewed_at").fetchall() \
                == [(rid, "op-1"), (rid, "admin-1")]
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_purge_deletes_old_notifications_and_old_closed_alarms_only(db: psycopg.Connection,
                                                                     settings: Settings) -> None:
    """Alarm notifications name staff e-mails and phones (personal data): kept 90 days once sent or failed; a closed
    alarm goes after 730 days with its history (cascade); live alarms and pending messages are never purged."""
    db.execute("""INSERT INTO alarm_rules (id, kind, severity, name_vi, name_en, owner, definition, source)
                  VALUES ('r1', 'threshold', 'major', 'Bụi', 'Dust', 'environment', '{}'::jsonb, 'test')""")
    old, live = (db.execute(
        """INSERT INTO alarms (rule_id, entity, severity, owner, raised_at, last_raised_at, last_seen_at, state,
                               closed_at)
           VALUES ('r1', %s, 'major', 'environment', %s, %s, %s, %s, %s) RETURNING id""",
        [entity, at, at, at, state, closed]).fetchone()[0]  # type: ignore[index]
        for entity, at, state, closed in (("env-1", "2020-01-01T00:00Z", "closed", "2020-01-02T00:00Z"),
                                          ("env-2", "2020-01-01T00:00Z", "open", None)))
    db.execute("""INSERT INTO alarm_transitions (alarm_id, at, actor, action, from_state, to_state)
                  VALUES (%s, '2020-01-01T00:00Z', 'system', 'raised', NULL, 'open')""", [old])
    for status, age in (("sent", "2000 days"), ("pending", "2000 days"), ("sent", "1 day")):
        db.execute("""INSERT INTO alarm_deliveries (group_key, channel, target, severity, subject, body, status,
                                                    created_at)
                      VALUES ('r1|26734|major', 'email', 'lan@phuong.gov.vn', 'major', 's', 'b', %s,
                              now() - %s::interval)""", [status, age])
    done = retention.purge(db, settings)
    assert done["alarm_deliveries"] == 1 and done["alarms"] == 1
    assert db.execute("SELECT id FROM alarms").fetchall() == [(live,)]
    assert db.execute("SELECT count(*) FROM alarm_transitions WHERE alarm_id = %s", [old]).fetchone() == (0,)
    assert db.execute("SELECT status FROM alarm_deliveries ORDER BY id").fetchall() == [("pending",), ("sent",)]
