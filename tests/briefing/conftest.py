"""One database per module with a city to brief: the KPI demo set (``ioc kpis demo-data``), devices with three
weeks of readings in the Nha Trang wards, field reports, critical alarms and the footage register's demo rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from click.testing import CliRunner
from psycopg_pool import ConnectionPool

from dashboards import context
from ioc import config, db
from ioc.data import data_path
from pipelines.alarms import rules, store
from pipelines.briefing.week import Week, last_complete
from pipelines.footage import demo as footage_demo
from smartward.cli import cli
from tests.dashboards import seed
from tests.kpis.conftest import demo_pool, demo_settings, demo_url

__all__ = ["demo_pool", "demo_settings", "demo_url"]


@pytest.fixture(scope="module")
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def city(demo_url: str, now: datetime) -> str:
    with db.connect(demo_url) as conn:
        codes = [c for (c,) in conn.execute("SELECT code FROM wards WHERE valid_to IS NULL AND code = ANY(%s)",
                                            [list(seed.NHA_TRANG)])]
        if not codes:
            codes = seed.load_wards(conn)
        made = seed.add_devices(conn, 2, codes)
        seed.add_history(conn, made, days=21, now=now)
        seed.age_devices(conn, offline=[made[0].device_id], stale=[made[1].device_id])
        for i, code in enumerate(codes):
            seed.field_reports(conn, code, open_=4 + i, overdue=1 + i % 2, seed=5 + i)
        _week_reports(conn, codes[0], now)
        store.save_rules(conn, rules.load(data_path("alarms/default_rules.yaml")), "test")
        _alarms(conn, made[0].device_id, codes[0], now)
        footage_demo.seed(conn, now)
        _incidents(conn, codes, now)
        conn.commit()
    return demo_url


def _week_reports(conn: psycopg.Connection, ward: str, now: datetime) -> None:
    """Reports received and handled at known times of the week before last (on time and late): the seed's own
    reports are all of the last 3 days, so that week holds these alone."""
    start = last_complete(now, ZONE).previous().bounds(ZONE)[0]
    for day, late in ((1, False), (2, True), (3, False)):
        at = start + timedelta(days=day, hours=3)
        conn.execute("""INSERT INTO reports (source, category, description, ward_code, status, submitted_at, sla_days,
                                             due_at, resolved_at, outcome, department)
                        VALUES ('web', 'roads', 'week', %s, 'resolved', %s, 2, %s, %s, 'resolved', 'urban')""",
                     [ward, at, at + timedelta(days=1), at + timedelta(days=2 if late else 0, hours=5)])


def _alarms(conn: psycopg.Connection, device: str, ward: str, now: datetime) -> None:
    rule = conn.execute("SELECT id FROM alarm_rules WHERE severity = 'critical' ORDER BY id LIMIT 1").fetchone()
    assert rule is not None, "the default rules hold a critical one"
    start = last_complete(now, ZONE).previous().bounds(ZONE)[0]
    for i, (opened, hours) in enumerate(((1, 5.5), (2, None), (4, 30.0))):
        raised = start + timedelta(days=opened, hours=2)
        resolved = None if hours is None else raised + timedelta(hours=hours)
        conn.execute("""INSERT INTO alarms (rule_id, entity, device_id, ward_code, severity, owner, state, raised_at,
                                            last_raised_at, last_seen_at, resolved_at)
                        VALUES (%s, %s, %s, %s, 'critical', 'ops', %s, %s, %s, %s, %s)""",
                     [rule[0], f"{device}#{i}", device, ward, "open" if resolved is None else "resolved", raised,
                      raised, raised, resolved])


def _incidents(conn: psycopg.Connection, wards: list[str], now: datetime) -> None:
    """The week before last: a flood resolved in 3 h 15 m and an accident still open in the first ward; a suggestion
    nobody judged, a dismissed one and a flood in another ward, which a briefing of the first ward does not count."""
    start = last_complete(now, ZONE).previous().bounds(ZONE)[0]
    other = wards[1] if len(wards) > 1 else wards[0]
    for kind, status, ward, day, hours in (("flooding", "resolved", wards[0], 1, 3.25),
                                           ("traffic_accident", "confirmed", wards[0], 3, None),
                                           ("flooding", "suggested", wards[0], 4, None),
                                           ("crowd", "dismissed", wards[0], 5, None),
                                           ("flooding", "resolved", other, 2, 1.0)):
        opened = start + timedelta(days=day, hours=8)
        conn.execute("""INSERT INTO incidents (type, status, severity, owner, ward_codes, opened_at, last_evidence_at,
                                               confirmed_at, resolved_at)
                        VALUES (%s, %s, 'major', 'drainage', %s, %s, %s, %s, %s)""",
                     [kind, status, [ward], opened, opened, opened if status in ("confirmed", "resolved") else None,
                      None if hours is None else opened + timedelta(hours=hours)])


ZONE = config.load().tz


@pytest.fixture(scope="module")
def ioc(city: str, demo_pool: ConnectionPool, demo_settings: config.Settings) -> Iterator[context.IocContext]:
    yield context.IocContext(demo_settings, given=demo_pool)


@pytest.fixture(scope="module")
def week(now: datetime) -> Week:
    """The week before last: the one the fixture filled with known reports and alarms."""
    return last_complete(now, ZONE).previous()


def run(url: str, state: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, "--state-dir", state, *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output
