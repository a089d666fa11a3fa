"""``ioc reports``: import, Open311 pull, corroborate, handle, SLA counts, exports, the admin contact path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click
import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ioc import db, stack
from ioc.config import Settings
from ioc.errors import ImportDataError
from pipelines.reports import cli_show, evidence_db, intake, open311_client, readers
from pipelines.reports.evidence_rules import load_rules
from pipelines.reports.model import CHANNELS

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _url(settings: Settings) -> str:
    return settings.database_url or stack.endpoints(settings).database_url


@contextmanager
def _progress(label: str, total: int) -> Iterator[Progress | None]:
    """A rich progress bar on stderr for big jobs; small ones finish before a bar would mean anything."""
    if total < 200:
        yield None
        return
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True))
    with bar:
        yield bar


def _corroborate(conn: psycopg.Connection, settings: Settings, ids: list[int], rules: Path | None) -> dict[str, int]:
    with _progress("corroborating", len(ids)) as bar:
        task = bar.add_task("corroborate", total=len(ids)) if bar else None
        return evidence_db.corroborate_many(conn, ids, load_rules(rules), settings.tz, datetime.now(UTC),
                                            (lambda n: bar.update(task, completed=n)) if bar and task is not None
                                            else None)


@click.group()
def reports() -> None:
    """Field reports (phản ánh hiện trường): intake, Open311, corroboration, handling and SLA."""


@reports.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD",
              help="feed a field from a column (repeatable); fields: " + ", ".join(readers.FIELDS))
@click.option("--source", type=click.Choice(CHANNELS), help="channel for rows without a source column")
@click.option("--format", "fmt", type=click.Choice(sorted(readers.UNITS)), help="[default: from the extension]")
@click.option("--corroborate/--no-corroborate", default=True, show_default=True,
              help="judge the new reports against nearby sensors")
@click.pass_obj
def import_cmd(settings: Settings, file: Path, mapping: tuple[str, ...], source: str | None, fmt: str | None,
               corroborate: bool) -> None:
    """Import reports from a CSV, XLSX or JSON FILE; bad rows are listed, good rows imported, re-imports are safe."""
    table = readers.open_table(file, fmt)
    columns = readers.parse_mapping(mapping)
    with db.connect(_url(settings), autocommit=True) as conn, _progress(f"importing {file.name}", table.total) as bar:
        task = bar.add_task("import", total=table.total) if bar else None
        summary = intake.import_file(
            conn, table, columns, tz=settings.tz, now=datetime.now(UTC), default_source=source,
            actor=f"import:{file.name}",
            progress=(lambda n: bar.update(task, completed=n)) if bar and task is not None else None)
        verdicts = _corroborate(conn, settings, summary.new_ids, None) if corroborate else {}
    cli_show.import_summary(summary, file.name, verdicts)
    if summary.problems:
        raise ImportDataError(f"{file.name}: {summary.bad_rows} of {summary.read} {summary.unit}s refused (listed "
                              f"above); the good ones were imported")


@reports.command()
@click.argument("url")
@click.option("--service-code", help="only these service codes (comma-separated)")
@click.option("--start-date", help="ISO 8601; the server's default window when omitted")
@click.option("--end-date", help="ISO 8601")
@click.option("--include-closed", is_flag=True, help="also import requests closed at the source")
@click.option("--jurisdiction-id", help="for servers that host several jurisdictions")
@click.option("--timeout", type=float, default=30, show_default=True, help="seconds")
@click.pass_obj
def pull(settings: Settings, url: str, service_code: str | None, start_date: str | None, end_date: str | None,
         include_closed: bool, jurisdiction_id: str | None, timeout: float) -> None:
    """Import the requests of another city's Open311 GeoReport v2 server (URL: its base, e.g. …/open311/v2)."""
    params = {"service_code": service_code or "", "start_date": start_date or "", "end_date": end_date or "",
              "status": "" if include_closed else "open", "jurisdiction_id": jurisdiction_id or ""}
    with db.connect(_url(settings), autocommit=True) as conn:
        summary = open311_client.pull(conn, url, tz=settings.tz, now=datetime.now(UTC), params=params,
                                      include_closed=include_closed, timeout=timeout)
        verdicts = _corroborate(conn, settings, summary.new_ids, None)
    cli_show.pull_summary(summary, verdicts)


@reports.command()
@click.option("--id", "ids", type=int, multiple=True, help="these reports (repeatable) [default: every open one]")
@click.option("--rules", type=click.Path(path_type=Path, dir_okay=False), help="YAML laid over the shipped rules")
@click.pass_obj
def corroborate(settings: Settings, ids: tuple[int, ...], rules: Path | None) -> None:
    """Judge reports against the sensors near them (R metres, ±T minutes) and store the verdicts."""
    with db.connect(_url(settings), autocommit=True) as conn:
        chosen = list(ids) or [r[0] for r in conn.execute(
            "SELECT id FROM reports WHERE status IN ('received', 'assigned', 'in_progress') ORDER BY id")]
        verdicts = _corroborate(conn, settings, chosen, rules)
    cli_show.verdicts(verdicts, len(chosen))


@reports.command()
@click.argument("report_id", type=int)
@click.argument("action", type=click.Choice(["assign", "start", "resolve", "reject", "close", "pause", "resume",
                                             "extend", "escalate", "deescalate"]))
@click.option("--actor", required=True, help="who acts (kept in the history)")
@click.option("--department", help="assign: the department code")
@click.option("--note", default="", help="internal note (pause, extend, escalate: required)")
@click.option("--response", default="", help="public response (resolve, reject: required)")
@click.option("--days", type=float, default=0, help="extend: working days to add")
@click.pass_obj
def act(settings: Settings, report_id: int, action: str, actor: str, department: str | None, note: str,
        response: str, days: float) -> None:
    """Apply a handling ACTION to a report; an action the report's state does not allow is refused with why."""
    from pipelines.reports.actions import apply_action
    from pipelines.reports.workflow import Action

    with db.connect(_url(settings), autocommit=True) as conn:
        done = apply_action(conn, report_id, Action(action, department, note, response, days), actor, settings.tz,
                            datetime.now(UTC))
    cli_show.outcome(done, settings.tz)


@reports.command()
@click.argument("report_id", type=int)
@click.option("--viewer", required=True, help="your name, for the access log")
@click.option("--purpose", required=True, help="why you need the contact, for the access log")
@click.pass_obj
def contact(settings: Settings, report_id: int, viewer: str, purpose: str) -> None:
    """Admin path: show a reporter's whole contact. Every view is logged (who, when, which report, why)."""
    from pipelines.reports.contacts import full_contact

    with db.connect(_url(settings), autocommit=True) as conn:
        found = full_contact(conn, report_id, viewer, "admin", purpose)
    cli_show.contact(report_id, found)


@reports.command()
@click.option("--by", type=click.Choice(["ward", "category", "department"]), default="ward", show_default=True)
@click.option("--month", type=click.DateTime(formats=["%Y-%m"]), help="YYYY-MM [default: this month]")
@click.pass_obj
def sla(settings: Settings, by: str, month: datetime | None) -> None:
    """On time / late / overdue / open counts per ward, category or department for a month's reports."""
    from pipelines.reports.public import sla_counts

    now = datetime.now(UTC)
    first = (month or now.astimezone(settings.tz)).date().replace(day=1)
    start = datetime.combine(first, time(), settings.tz)
    end = datetime.combine((first + timedelta(days=32)).replace(day=1), time(), settings.tz)
    with db.pool(_url(settings), max_size=1) as pool:
        cli_show.sla_table(sla_counts(pool, by, start, end, now), by, first)


@reports.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--since", type=DATE, help="submitted on or after (local date)")
@click.option("--until", type=DATE, help="submitted before (local date)")
@click.pass_obj
def export(settings: Settings, file: Path, since: datetime | None, until: datetime | None) -> None:
    """Export the public fields of reports to CSV or JSON (by extension). Never the reporter's contact."""
    from pipelines.reports.export import write_export

    tz = settings.tz
    with db.pool(_url(settings), max_size=1) as pool:
        n = write_export(pool, file, datetime.combine(since.date(), time(), tz) if since else None,
                         datetime.combine(until.date(), time(), tz) if until else None, tz)
    click.echo(f"{n} reports written to {file}")


def _add_demo() -> None:
    from pipelines.reports.cli_demo import demo_cmd

    reports.add_command(demo_cmd)


_add_demo()
