"""What the ``ioc reports`` commands print: summaries and tables with rich, problems one per line."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
from rich.console import Console
from rich.table import Table

from pipelines.reports.actions import Outcome
from pipelines.reports.intake import ImportSummary
from pipelines.reports.model import Contact
from pipelines.reports.open311_client import PullSummary

MAX_LISTED = 200   # beyond this many problems, the rest are counted, not printed


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def import_summary(s: ImportSummary, name: str, verdicts: dict[str, int]) -> None:
    out = _out()
    for p in s.problems[:MAX_LISTED]:
        out.print(f"[red]{name}: {p.describe(s.unit)}[/red]")
    if len(s.problems) > MAX_LISTED:
        out.print(f"[red]… and {len(s.problems) - MAX_LISTED} more problems[/red]")
    if s.ignored_columns:
        out.print(f"ignored columns: {', '.join(s.ignored_columns)}")
    out.print(f"{name}: {s.read} {s.unit}s read, {s.imported} imported, {s.duplicates} already known, "
              f"{s.bad_rows} refused")
    if verdicts:
        verdicts_line(out, verdicts)


def verdicts_line(out: Console, verdicts: dict[str, int]) -> None:
    out.print("corroboration: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(verdicts.items())))


def verdicts(found: dict[str, int], total: int) -> None:
    out = _out()
    out.print(f"{total} reports judged")
    verdicts_line(out, found)


def pull_summary(s: PullSummary, found: dict[str, int]) -> None:
    out = _out()
    for why in s.skipped[:MAX_LISTED]:
        out.print(f"[yellow]skipped {why}[/yellow]")
    if s.unknown_fields:
        out.print(f"ignored unknown fields: {', '.join(sorted(s.unknown_fields))}")
    out.print(f"{s.url}: {s.fetched} requests, {s.imported} imported, {s.duplicates} already known, "
              f"{len(s.skipped)} skipped; {s.mapped_to_other} mapped to 'other', {s.without_point} without a point")
    if found:
        verdicts_line(out, found)


def outcome(o: Outcome, tz: ZoneInfo) -> None:
    due = o.due_at.astimezone(tz).strftime("%H:%M %d/%m/%Y") if o.due_at else "—"
    flag = " (waiting for the citizen)" if o.after.paused else ""
    _out().print(f"report {o.report_id}: {o.before.status} → {o.after.status}{flag}; due {due}")


def contact(report_id: int, found: Contact | None) -> None:
    out = _out()
    if found is None:
        out.print(f"report {report_id}: no contact was given")
        return
    for label, value in (("name", found.name), ("phone", found.phone), ("email", found.email)):
        out.print(f"{label}: {value or '—'}")
    out.print("[dim]this view was logged[/dim]")


def sla_table(frame: pd.DataFrame, by: str, month: date) -> None:
    table = Table(title=f"SLA by {by}, reports submitted in {month:%m/%Y}")
    for col in frame.columns:
        table.add_column(col.replace("_", " "), justify="left" if col == by else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*(str(v) for v in row))
    _out().print(table)
