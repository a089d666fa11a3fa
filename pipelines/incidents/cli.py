"""``ioc incidents``: list and show incidents, run the suggester, and handle them (confirm, merge, attach, step,
resolve, answer the attached field reports). See docs/incidents.md."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.table import Column, Table

from ioc import db, stack
from ioc.config import Settings
from pipelines.alarms.cli import fmt_local
from pipelines.incidents import actions, handling, queries, suggest

_out = Console()
_actor = click.option("--actor", required=True, help="username of an operator or admin (kept in the timeline)")
_version = click.option("--version", "version", type=int, default=None,
                        help="the version you looked at (ioc incidents show): refused if it changed since")


def _url(settings: Settings) -> str:
    return settings.database_url or stack.endpoints(settings).database_url


@click.group()
def incidents() -> None:
    """Incidents (sự cố): evidence grouped across systems, handled by playbooks. See docs/incidents.md."""


@incidents.command("run")
@click.option("--interval", type=click.FloatRange(0.5, 600), default=5.0, show_default=True,
              help="seconds per cycle")
@click.option("--once", is_flag=True, help="one cycle, then exit")
@click.pass_obj
def run(settings: Settings, interval: float, once: bool) -> None:
    """Group new alarms, camera events and field reports into suggested incidents, until Ctrl-C."""
    url = _url(settings)
    if once:
        with db.connect(url) as conn:
            conn.autocommit = True
            stats = suggest.cycle(conn)
        click.echo(f"{stats.candidates} free evidence: {stats.suggested} suggested, {stats.joined} joined")
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    suggest.run(url, stop, interval)


@incidents.command("demo")
@click.pass_obj
def demo(settings: Settings) -> None:
    """A few plausible incidents for the demo city (camera events over MQTT, reports, handling); once a day."""
    from pipelines.incidents import demo as demo_data

    urls = stack.endpoints(settings)
    with db.connect(_url(settings)) as conn:
        conn.autocommit = True
        made = demo_data.run(conn, settings.mqtt_url or urls.mqtt_url, settings.tz, datetime.now(UTC))
    click.echo(f"{made} demo incidents")


@incidents.command("list")
@click.option("--status", "statuses", multiple=True, type=click.Choice(actions.STATUSES),
              help="[default: suggested and confirmed]")
@click.option("--type", "type_id")
@click.option("--ward")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.pass_obj
def list_incidents(settings: Settings, statuses: tuple[str, ...], type_id: str | None, ward: str | None,
                   limit: int) -> None:
    """Incidents: suggestions first, then confirmed ones, most severe first (local times)."""
    where = queries.IncidentFilter(statuses or ("suggested", "confirmed"), type_id, ward)
    with db.connect(_url(settings)) as conn:
        total, rows = queries.listing(conn, where, datetime.now(UTC), 0, limit)
    table = Table("id", "status", "severity", Column("type", no_wrap=True), "wards", "evidence", "step",
                  "overdue", "opened", "newest")
    for r in rows:
        table.add_row(str(r["id"]), r["status"], r["severity"], r["type"], ", ".join(r["ward_codes"]),
                      str(r["items"]), str(r["current_step"] or ""), str(r["overdue_steps"] or ""),
                      fmt_local(r["opened_at"], settings.tz), fmt_local(r["last_evidence_at"], settings.tz))
    _out.print(table)
    click.echo(f"{len(rows)} of {total} incidents")


@incidents.command("show")
@click.argument("incident_id", type=int)
@click.pass_obj
def show(settings: Settings, incident_id: int) -> None:
    """One incident: its evidence, its playbook and its timeline."""
    now = datetime.now(UTC)
    with db.connect(_url(settings)) as conn:
        inc = queries.one(conn, incident_id, now)
        if inc is None:
            raise click.ClickException(f"incident {incident_id} does not exist")
        items, steps, events = (queries.items(conn, incident_id), queries.steps(conn, incident_id, now),
                                queries.timeline(conn, incident_id))
    tz = settings.tz
    click.echo(f"#{inc['id']} {inc['name_vi']} / {inc['name_en']} · {inc['status']} · {inc['severity']} · "
               f"{inc['owner']} · wards {', '.join(inc['ward_codes']) or '-'} · version {inc['version']}")
    for it in items:
        click.echo(f"  evidence {fmt_local(it['at'], tz)}  {it['source']:<12} {it['label']}")
    for s in steps:
        mark = "✓" if s["done_at"] else ("!" if s["overdue"] else ("→" if s["current"] else " "))
        ticks = "".join("x" if c["done"] else "." for c in s["checklist"])
        click.echo(f"  step {mark} {s['position']}. {s['title_vi']} ({s['department']}, due "
                   f"{fmt_local(s['due_at'], tz)}) [{ticks}]")
    for e in events:
        click.echo(f"  {fmt_local(e['at'], tz)}  {e['actor']:<10} {e['action']:<12} {e['note'] or ''}")


@incidents.command("confirm")
@click.argument("incident_id", type=int)
@_actor
@_version
@click.option("--note")
@click.pass_obj
def confirm(settings: Settings, incident_id: int, actor: str, version: int | None, note: str | None) -> None:
    """Confirm a suggestion: it becomes an incident with its type's playbook."""
    with db.connect(_url(settings)) as conn:
        v = actions.confirm(conn, incident_id, actor, version, note)
    click.echo(f"incident {incident_id}: confirmed (version {v})")


@incidents.command("dismiss")
@click.argument("incident_id", type=int)
@_actor
@_version
@click.option("--note", required=True, help="why this is not an incident")
@click.pass_obj
def dismiss(settings: Settings, incident_id: int, actor: str, version: int | None, note: str) -> None:
    """Dismiss a suggestion (its evidence is not suggested again)."""
    with db.connect(_url(settings)) as conn:
        actions.dismiss(conn, incident_id, actor, note, version)
    click.echo(f"incident {incident_id}: dismissed")


@incidents.command("merge")
@click.argument("incident_id", type=int)
@click.argument("into", type=int)
@_actor
@_version
@click.pass_obj
def merge(settings: Settings, incident_id: int, into: int, actor: str, version: int | None) -> None:
    """Merge INCIDENT_ID into INTO: its evidence moves there."""
    with db.connect(_url(settings)) as conn:
        actions.merge(conn, incident_id, into, actor, version)
    click.echo(f"incident {incident_id}: merged into {into}")


@incidents.command("attach")
@click.argument("incident_id", type=int)
@click.argument("source", type=click.Choice(handling.SOURCES))
@click.argument("ref")
@_actor
@_version
@click.pass_obj
def attach(settings: Settings, incident_id: int, source: str, ref: str, actor: str, version: int | None) -> None:
    """Attach an alarm (id), a field report (id) or a camera event (DEVICE@TIME) by hand."""
    with db.connect(_url(settings)) as conn:
        handling.attach(conn, incident_id, source, ref, actor, version)
    click.echo(f"incident {incident_id}: {source} {ref} attached")


@incidents.command("step")
@click.argument("incident_id", type=int)
@click.argument("position", type=int)
@_actor
@_version
@click.option("--check", multiple=True, type=int, help="checklist item number (1-based) to tick; repeatable")
@click.option("--done", is_flag=True, help="the step is finished")
@click.option("--note")
@click.pass_obj
def step(settings: Settings, incident_id: int, position: int, actor: str, version: int | None,
         check: tuple[int, ...], done: bool, note: str | None) -> None:
    """Tick a step's checklist and/or finish it; finishing the last step resolves the incident."""
    with db.connect(_url(settings)) as conn:
        status = actions.step(conn, incident_id, position, actor, check=check, done=done, note=note,
                              version=version)
    click.echo(f"incident {incident_id}: step {position} {'done' if done else 'updated'}; {status}")


@incidents.command("resolve")
@click.argument("incident_id", type=int)
@_actor
@_version
@click.option("--note", required=True, help="why it is resolved before its playbook is through")
@click.pass_obj
def resolve(settings: Settings, incident_id: int, actor: str, version: int | None, note: str) -> None:
    """Resolve an incident by hand."""
    with db.connect(_url(settings)) as conn:
        actions.resolve(conn, incident_id, actor, note, version)
    click.echo(f"incident {incident_id}: resolved")


@incidents.command("answer")
@click.argument("incident_id", type=int)
@_actor
@click.option("--response", required=True, help="the public answer the reporters read")
@click.pass_obj
def answer(settings: Settings, incident_id: int, actor: str, response: str) -> None:
    """Answer every open field report attached to the incident (through the reports workflow)."""
    with db.connect(_url(settings)) as conn:
        done = handling.answer(conn, incident_id, actor, response, settings.tz)
    for a in done:
        click.echo(f"report {a.report_id}: {a.reason}")
