"""``ioc alarms``: load and list rules, run the evaluator, list and handle alarms, add silences."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Column, Table

from ioc import db, stack
from ioc.config import Settings
from pipelines.alarms import actions, rules, runner, store
from pipelines.alarms.notify import cli as notify_cli
from pipelines.alarms.policy import MATCH_KEYS

_out = Console()


def fmt_local(value: datetime | None, tz: ZoneInfo) -> str:
    """UTC inside, Vietnamese local time on screen (dd/mm/yyyy HH:MM)."""
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else ""


def _url(settings: Settings) -> str:
    return settings.database_url or stack.endpoints(settings).database_url


@click.group()
def alarms() -> None:
    """Alarms (cảnh báo): rules, evaluation, handling, silences and notifications. See docs/alarms.md."""


alarms.add_command(notify_cli.notify)        # ioc alarms notify run|check
alarms.add_command(notify_cli.deliveries)    # ioc alarms deliveries


@alarms.group("rules")
def rules_group() -> None:
    """Alarm rules: a YAML file, validated with the line and field of each error."""


@rules_group.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--prune", is_flag=True, help="disable rules that are not in the file")
@click.pass_obj
def rules_load(settings: Settings, file: Path, prune: bool) -> None:
    """Validate FILE and put its rules in force (an invalid file changes nothing)."""
    parsed = rules.load(file)
    with db.connect(_url(settings)) as conn:
        done = store.save_rules(conn, parsed, str(file), prune)
    click.echo(f"{done['loaded']} rules loaded from {file}" + (f", {done['disabled']} disabled" if prune else ""))


@rules_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="disabled rules too")
@click.pass_obj
def rules_list(settings: Settings, show_all: bool) -> None:
    with db.connect(_url(settings)) as conn:
        found = store.rules(conn, enabled_only=not show_all)
    # ids are what people type next: never wrapped
    table = Table(Column("id", no_wrap=True), "kind", "severity", "raise / clear", "for", "owner", "tên / name")
    for r in found:
        table.add_row(r.id, r.kind, r.severity, f"{r.trigger.op} {r.trigger.value:g} / {r.release.op} "
                      f"{r.release.value:g}", f"{r.for_:g}s", r.owner, f"{r.name.vi} / {r.name.en}")
    _out.print(table)


@alarms.command("run")
@click.option("--interval", type=click.FloatRange(0.5, 60), default=2.0, show_default=True, help="seconds per cycle")
@click.option("--once", is_flag=True, help="one cycle, then exit")
@click.pass_obj
def run(settings: Settings, interval: float, once: bool) -> None:
    """Evaluate the rules against what was stored since the last cycle, until Ctrl-C."""
    url = _url(settings)
    if once:
        with db.connect(url) as conn:
            conn.autocommit = True
            stats = runner.cycle(conn, settings.tz, settings.stale_ingest_s)
        click.echo(f"{stats.rules} rules: {stats.raised} raised, {stats.resolved} resolved, "
                   f"{stats.renotified} re-notified, {stats.closed} closed"
                   + (f"; held while the pipeline is stale: {', '.join(stats.skipped)}" if stats.skipped else ""))
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    runner.run(url, settings.tz, settings.stale_ingest_s, stop, interval)


@alarms.command("list")
@click.option("--state", "states", multiple=True, type=click.Choice(actions.STATES),
              help="[default: open and acknowledged]")
@click.option("--severity", type=click.Choice(rules.SEVERITIES))
@click.option("--rule")
@click.option("--ward")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.pass_obj
def list_alarms(settings: Settings, states: tuple[str, ...], severity: str | None, rule: str | None,
                ward: str | None, limit: int) -> None:
    """Alarms, most severe and newest first (times in local time)."""
    where = actions.AlarmFilter(states or ("open", "acknowledged"), severity, rule, ward)
    with db.connect(_url(settings)) as conn:
        total, rows = actions.listing(conn, where, 0, limit)
    table = Table("id", "severity", "state", Column("rule", no_wrap=True), Column("entity", no_wrap=True), "ward",
                  "value", "count", "raised", "last seen")
    for a in rows:
        value = "" if a["value"] is None else f"{a['value']:g}"
        table.add_row(str(a["id"]), a["severity"], a["state"] + (" ~flapping" if a["flapping"] else ""),
                      a["rule_id"], a["entity"], a["ward_code"] or "", value, str(a["count"]),
                      fmt_local(a["raised_at"], settings.tz), fmt_local(a["last_seen_at"], settings.tz))
    _out.print(table)
    click.echo(f"{len(rows)} of {total} alarms")


def _move(action: str) -> click.Command:
    @click.command({"acknowledge": "ack"}.get(action, action))
    @click.argument("alarm_id", type=int)
    @click.option("--actor", required=True, help="username of an operator or admin (kept in the audit trail)")
    @click.option("--note", help="why (kept in the audit trail)")
    @click.pass_obj
    def command(settings: Settings, alarm_id: int, actor: str, note: str | None) -> None:
        with db.connect(_url(settings)) as conn:
            state = actions.act(conn, alarm_id, action, actor, note)
        click.echo(f"alarm {alarm_id}: {state}")

    command.help = f"{action.capitalize()} an alarm by hand."
    return command


for _action in actions.MOVES:
    alarms.add_command(_move(_action))


@alarms.command("assign")
@click.argument("alarm_id", type=int)
@click.argument("assignee")
@click.option("--actor", required=True, help="username of an operator or admin")
@click.option("--note")
@click.pass_obj
def assign(settings: Settings, alarm_id: int, assignee: str, actor: str, note: str | None) -> None:
    """Give an alarm to someone (kept in the audit trail)."""
    with db.connect(_url(settings)) as conn:
        actions.assign(conn, alarm_id, assignee, actor, note)
    click.echo(f"alarm {alarm_id}: assigned to {assignee}")


@alarms.command("silence")
@click.option("--match", "matches", multiple=True, required=True, metavar="KEY=VALUE",
              help=f"repeatable; keys: {', '.join(MATCH_KEYS)}; VALUE may be a,b,c")
@click.option("--reason", required=True)
@click.option("--by", "created_by", required=True, help="who silences (kept with the silence)")
@click.option("--expires", type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]), required=True,
              help="local time (Asia/Ho_Chi_Minh) when it ends")
@click.option("--window", "windows", multiple=True, metavar="HH:MM-HH:MM",
              help="recurring maintenance window, local time (repeatable: several a day)")
@click.option("--weekday", "weekdays", multiple=True, type=click.IntRange(1, 7), help="1 = Monday … 7 = Sunday")
@click.pass_obj
def silence(settings: Settings, matches: tuple[str, ...], reason: str, created_by: str, expires: datetime,
            windows: tuple[str, ...], weekdays: tuple[int, ...]) -> None:
    """Silence matching alarms until --expires: they are still recorded, but nobody is notified."""
    matcher: dict[str, str | list[str]] = {}
    for item in matches:
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--match")
        matcher[key.strip()] = value.split(",") if "," in value else value
    with db.connect(_url(settings)) as conn:
        sid = store.add_silence(conn, matcher=matcher, reason=reason, created_by=created_by,
                                expires_at=expires.replace(tzinfo=settings.tz), starts_at=datetime.now(UTC),
                                windows=windows, weekdays=weekdays)
    click.echo(f"silence {sid} until {fmt_local(expires.replace(tzinfo=settings.tz), settings.tz)}")


@alarms.command("silences")
@click.pass_obj
def list_silences(settings: Settings) -> None:
    """Silences and maintenance windows in force or to come."""
    with db.connect(_url(settings)) as conn:
        found = store.silence_rows(conn)
    for s in found:   # one line each: a silence is read whole, and grep finds it
        matcher = " ".join(f"{k}={v if isinstance(v, str) else ','.join(v)}" for k, v in s["matcher"].items())
        windows = " ".join(f"{w['start']}-{w['end']}" for w in s["windows"] or [])
        days = f" days {','.join(map(str, s['weekdays']))}" if s["weekdays"] else ""
        click.echo(f"{s['id']}  {matcher}  {windows or 'always'}{days}  until "
                   f"{fmt_local(s['expires_at'], settings.tz)}  by {s['created_by']}: {s['reason']}")


@alarms.command("unsilence")
@click.argument("silence_id", type=int)
@click.option("--by", "actor", required=True, help="who ends the silence")
@click.pass_obj
def unsilence(settings: Settings, silence_id: int, actor: str) -> None:
    """End a silence now."""
    with db.connect(_url(settings)) as conn:
        store.revoke_silence(conn, silence_id, actor)
    click.echo(f"silence {silence_id} ended")
