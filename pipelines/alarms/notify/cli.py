"""``ioc alarms notify run|check`` and ``ioc alarms deliveries``: the notifier and its delivery record."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Column, Table

from ioc import db, stack
from ioc.config import Settings
from ioc.data import data_path
from pipelines.alarms.notify import dispatcher, outbox, routes, setup

_out = Console()


def _routes(settings: Settings) -> routes.Routes:
    return routes.load(settings.alarm_routes or data_path("alarms/routes.yaml"))


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M:%S") if value else ""


@click.group()
def notify() -> None:
    """Alarm notifications: e-mail, webhook, Telegram, Zalo (routes in data/alarms/routes.yaml)."""


@notify.command("check")
@click.pass_obj
def check(settings: Settings) -> None:
    """Validate the routes file and say which channels it uses but has no secret for."""
    loaded = _routes(settings)
    missing = sorted(loaded.channels() - set(setup.channels(settings)))
    enabled = sum(r.enabled for r in loaded.routes)
    click.echo(f"{len(loaded.routes)} routes ({enabled} enabled)" +
               (f"; not configured: {', '.join(missing)} (see IOC_ALARM_* settings)" if missing else ""))


@notify.command("run")
@click.option("--interval", type=click.FloatRange(0.5, 300), default=5.0, show_default=True, help="seconds per cycle")
@click.option("--once", is_flag=True, help="one cycle, then exit")
@click.pass_obj
def run(settings: Settings, interval: float, once: bool) -> None:
    """Group pending alarm events, deliver them, retry failures with back-off and escalate, until Ctrl-C."""
    notifier = dispatcher.Dispatcher(_routes(settings), setup.channels(settings), settings.tz)
    url = settings.database_url or stack.endpoints(settings).database_url
    if once:
        with db.connect(url) as conn:
            conn.autocommit = True
            if not dispatcher.try_lock(conn):
                raise click.ClickException("another notifier is running (ioc alarms notify run); nothing done")
            s = notifier.cycle(conn)
        click.echo(f"{s.groups} groups, {s.escalated} escalations: {s.queued} messages queued; {s.sent} sent, "
                   f"{s.retrying} to retry, {s.failed} failed" + (f"; {s.unrouted} groups without a route"
                                                                  if s.unrouted else ""))
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    dispatcher.run(url, notifier, stop, interval)


@click.command("deliveries")
@click.option("--status", type=click.Choice(("pending", "retrying", "sent", "failed")))
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.pass_obj
def deliveries(settings: Settings, status: str | None, limit: int) -> None:
    """Alarm notifications and their delivery: newest first, with attempts, the last error and the next try."""
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        found = outbox.listing(conn, status, limit)
    # what people grep and type next is never wrapped; the subject is in the row, the error says why
    table = Table("id", "created", Column("channel", no_wrap=True), Column("target", no_wrap=True), "tier",
                  Column("status", no_wrap=True), "tries", "next try", "error")
    for d in found:
        table.add_row(str(d["id"]), _local(d["created_at"], settings.tz), d["channel"], d["target"], str(d["tier"]),
                      d["status"], str(d["attempt"]), _local(d["next_try_at"], settings.tz), d["error"] or "")
    _out.print(table)
    click.echo(f"{len(found)} deliveries")
