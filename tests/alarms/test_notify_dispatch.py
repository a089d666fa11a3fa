"""The notifier over a real database and real receivers: the outbox becomes grouped, recorded deliveries that are
retried with back-off, fail visibly, and escalate unacknowledged critical alarms."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from ioc.config import Settings
from ioc.security import users
from pipelines.alarms import actions
from pipelines.alarms.notify import routes
from pipelines.alarms.notify.channels import Channel
from pipelines.alarms.notify.dispatcher import Dispatcher, run
from pipelines.alarms.notify.smtp import EmailChannel
from pipelines.alarms.notify.telegram import TelegramChannel
from pipelines.alarms.notify.webhook import WebhookChannel
from smartward.cli import main
from tests.alarms.receivers import TOKEN, Http, free_port, http_server, smtp_server
from tests.alarms.support import NOW, VN, cycle, device, heartbeat, install, rows, rule
from tests.support import count, wait_until

OFFLINE = {"id": "camera-offline", "name": {"vi": "Camera mất kết nối", "en": "Camera offline"},
           "kind": "device_offline", "severity": "major", "owner": "it_ops", "scope": {"kinds": ["camera"]}}
ROUTES = """version: 1
group_wait: 30s
repeat_interval: 5m
routes:
  - name: it-ops
    match: {owner: it_ops}
    notify: [{channel: webhook, to: "%(url)s/hook"}, {channel: telegram, to: "-100777"}]
    escalate:
      - after: 15m
        notify: [{channel: webhook, to: "%(url)s/tier1"}]
"""


@pytest.fixture
def http() -> Iterator[Http]:
    with http_server() as server:
        yield server


def dispatcher(http: Http, **extra: Channel) -> Dispatcher:
    channels: dict[str, Channel] = {"webhook": WebhookChannel("k"), "telegram": TelegramChannel(TOKEN, http.url)}
    return Dispatcher(routes.parse(ROUTES % {"url": http.url}), channels | extra, VN)


def cameras_offline(db: psycopg.Connection, n: int, ward: str = "26734", severity: str = "major") -> None:
    install(db, rule(OFFLINE, severity=severity))
    for i in range(n):
        device(db, f"cam-{ward}-{i}", kind="camera", ward=ward, online=False, last_data_at=NOW)
    heartbeat(db, NOW)
    cycle(db, NOW)


def test_forty_cameras_offline_are_one_message_per_target(db: psycopg.Connection, http: Http) -> None:
    cameras_offline(db, 40)
    notifier = dispatcher(http)
    assert notifier.cycle(db, NOW + timedelta(seconds=10)).queued == 0          # the group waits for the rest
    stats = notifier.cycle(db, NOW + timedelta(seconds=30))
    assert (stats.groups, stats.queued, stats.sent) == (1, 2, 2)
    hook = [r for r in http.requests if r.path == "/hook"]
    assert len(hook) == 1 and len(hook[0].json()["events"]) == 40
    assert "40 đối tượng" in hook[0].json()["subject"]
    assert rows(db, "SELECT channel, status, attempt, cardinality(event_ids) FROM alarm_deliveries ORDER BY id") == [
        ("webhook", "sent", 1, 40), ("telegram", "sent", 1, 40)]
    assert rows(db, "SELECT count(*) FROM alarm_events WHERE notify AND delivered_at IS NULL") == [(0,)]


def test_a_group_sends_again_only_after_its_repeat_interval(db: psycopg.Connection, http: Http) -> None:
    cameras_offline(db, 2)
    notifier = dispatcher(http)
    notifier.cycle(db, NOW + timedelta(seconds=30))
    device(db, "cam-late", kind="camera", online=False, last_data_at=NOW)
    heartbeat(db, NOW + timedelta(minutes=1))
    cycle(db, NOW + timedelta(minutes=1))
    assert notifier.cycle(db, NOW + timedelta(minutes=4)).queued == 0
    assert notifier.cycle(db, NOW + timedelta(minutes=5, seconds=30)).queued == 2
    assert [len(r.json()["events"]) for r in http.requests if r.path == "/hook"] == [2, 1]


def test_a_transient_failure_is_retried_with_back_off(db: psycopg.Connection, http: Http) -> None:
    cameras_offline(db, 1)
    http.failures.append((503, b'{"error": "busy"}'))          # the first request (the webhook) fails
    notifier = dispatcher(http)
    stats = notifier.cycle(db, NOW + timedelta(seconds=30))
    assert (stats.sent, stats.retrying) == (1, 1)
    [(status, attempt, error, wait)] = rows(db, """SELECT status, attempt, error, next_try_at - %s
                                                  FROM alarm_deliveries WHERE channel = 'webhook'""",
                                            [NOW + timedelta(seconds=30)])
    assert (status, attempt, wait) == ("retrying", 1, timedelta(seconds=30)) and "HTTP 503" in error
    assert notifier.cycle(db, NOW + timedelta(seconds=45)).sent == 0            # not before its back-off
    assert notifier.cycle(db, NOW + timedelta(seconds=60)).sent == 1
    assert rows(db, "SELECT status, attempt, error FROM alarm_deliveries WHERE channel = 'webhook'") == [
        ("sent", 2, None)]


def test_smtp_down_then_up_is_retried_and_delivered(db: psycopg.Connection, http: Http) -> None:
    cameras_offline(db, 1)
    port = free_port()
    text = ROUTES.replace('{channel: telegram, to: "-100777"}', "{channel: email, to: noc@phuong.vn}")
    notifier = Dispatcher(routes.parse(text % {"url": http.url}),
                          {"webhook": WebhookChannel("k"), "email": EmailChannel("127.0.0.1", port, "ioc@phuong.vn",
                                                                                 starttls=False)}, VN)
    assert notifier.cycle(db, NOW + timedelta(seconds=30)).retrying == 1
    assert "unreachable" in rows(db, "SELECT error FROM alarm_deliveries WHERE channel = 'email'")[0][0]
    with smtp_server() as (up_port, mails):
        notifier.channels["email"].port = up_port  # type: ignore[attr-defined]
        assert notifier.cycle(db, NOW + timedelta(seconds=60)).sent == 1
    assert len(mails) == 1 and mails[0]["To"] == "noc@phuong.vn"


def test_a_channel_without_its_secret_fails_visibly(db: psycopg.Connection, http: Http) -> None:
    cameras_offline(db, 1)
    notifier = Dispatcher(routes.parse(ROUTES % {"url": http.url}), {"webhook": WebhookChannel("k")}, VN)
    assert notifier.cycle(db, NOW + timedelta(seconds=30)).failed == 1
    [(status, error)] = rows(db, "SELECT status, error FROM alarm_deliveries WHERE channel = 'telegram'")
    assert status == "failed" and "telegram is not configured" in error


def test_an_unacknowledged_critical_alarm_escalates_once(db: psycopg.Connection, http: Http) -> None:
    cameras_offline(db, 2, severity="critical")
    notifier = dispatcher(http)
    notifier.cycle(db, NOW + timedelta(seconds=30))
    [acked, _] = [a for (a,) in rows(db, "SELECT id FROM alarms ORDER BY id")]
    users.add(db, "lan", "operator", actor="test")
    actions.act(db, acked, "acknowledge", "lan", "đang xử lý")
    assert notifier.cycle(db, NOW + timedelta(minutes=14)).escalated == 0
    assert notifier.cycle(db, NOW + timedelta(minutes=15)).escalated == 1
    assert notifier.cycle(db, NOW + timedelta(minutes=16)).escalated == 0
    [tier1] = [r for r in http.requests if r.path == "/tier1"]
    assert tier1.json()["subject"].startswith("[CHUYỂN CẤP 1 / ESCALATED 1] [NGHIÊM TRỌNG / CRITICAL]")
    assert tier1.json()["alarm_id"] != acked


def test_silenced_events_never_reach_anyone(db: psycopg.Connection, http: Http) -> None:
    install(db, rule(OFFLINE))
    db.execute("""INSERT INTO alarm_silences (matcher, reason, created_by, starts_at, expires_at)
                  VALUES ('{"rule": "camera-offline"}', 'bảo trì mạng', 'lan', %s, %s)""",
               [NOW - timedelta(hours=1), NOW + timedelta(days=1)])
    device(db, "cam-s", kind="camera", online=False, last_data_at=NOW)
    heartbeat(db, NOW)
    cycle(db, NOW)
    assert dispatcher(http).cycle(db, NOW + timedelta(minutes=1)).queued == 0
    assert http.requests == []


def test_the_cli_checks_routes_runs_once_and_lists_deliveries(db: psycopg.Connection, http: Http, settings: Settings,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    routes_file = tmp_path / "routes.yaml"
    routes_file.write_text(ROUTES % {"url": http.url})
    monkeypatch.setenv("IOC_ALARM_ROUTES", str(routes_file))
    monkeypatch.setenv("IOC_ALARM_WEBHOOK_KEY", "k")
    base = ["--database-url", str(settings.database_url), "alarms"]
    assert main([*base, "notify", "check"]) == 0
    assert "1 routes (1 enabled); not configured: telegram" in capsys.readouterr().out
    install(db, rule(OFFLINE, **{"for": 0}))
    device(db, "cam-cli", kind="camera", online=False, last_data_at=NOW)
    heartbeat(db, NOW)
    cycle(db, NOW - timedelta(minutes=1))                  # raised a minute ago: past the group wait
    assert main([*base, "notify", "run", "--once"]) == 0
    assert "1 groups, 0 escalations: 2 messages queued; 1 sent, 0 to retry, 1 failed" in capsys.readouterr().out
    assert main([*base, "deliveries", "--status", "failed"]) == 0
    listed = capsys.readouterr().out
    assert "telegram" in listed and "1 deliveries" in listed
    routes_file.write_text("version: 1\nroutes:\n  - name: a\n    notify: [{channel: fax, to: x}]\n")
    assert main([*base, "notify", "check"]) == 2
    assert "routes.yaml:4: routes[0].notify[0].channel" in capsys.readouterr().err


def test_the_loop_delivers_and_a_second_notifier_stands_by(db: psycopg.Connection, db_url: str, http: Http,
                                                            settings: Settings) -> None:
    cameras_offline(db, 3)
    db.execute("UPDATE alarm_events SET at = at - interval '1 minute'")     # past the group wait already
    first, second = threading.Event(), threading.Event()
    loops = [threading.Thread(target=run, args=(db_url, dispatcher(http), stop, 0.5), daemon=True)
             for stop in (first, second)]
    for loop in loops:
        loop.start()
    try:
        wait_until(lambda: count(db_url, "SELECT count(*) FROM alarm_deliveries WHERE status = 'sent'") == 2, 15,
                   what="both messages sent")
        assert main(["--database-url", str(settings.database_url), "alarms", "notify", "run", "--once"]) == 1
    finally:
        first.set()
        second.set()
        for loop in loops:
            loop.join(10)
    assert not any(loop.is_alive() for loop in loops), "a notifier did not stop"
    assert len([r for r in http.requests if r.path == "/hook"]) == 1       # sent once, not once per notifier
