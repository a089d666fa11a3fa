"""``ioc reports import``: a file's good rows become reports, each bad row is reported with line, field and reason.

Rows are parsed one by one (pure :func:`rows.parse_row`) and inserted in batches, each batch in one transaction;
a re-import inserts nothing new (unique source + external id). Duplicates inside one file are counted too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg

from pipelines.reports import readers, store
from pipelines.reports.model import Problem, ReportIn
from pipelines.reports.rows import RowContext, parse_row

BATCH = 500


@dataclass
class ImportSummary:
    unit: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.line for p in self.problems})


def import_file(conn: psycopg.Connection, table: readers.Table, mapping: Mapping[str, str], *, tz: ZoneInfo,
                now: datetime, default_source: str | None = None, actor: str = "import",
                progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Import every good row of ``table``; ``progress(n)`` is called after each batch with the rows done."""
    by_field = readers.resolve(table.columns, mapping, default_source is not None)
    ref = store.reference(conn)
    ctx = RowContext(ref.matcher, ref.departments, tz, now, default_source)
    summary = ImportSummary(table.unit, ignored_columns=readers.ignored(table.columns, by_field))
    batch: list[ReportIn] = []
    seen: set[tuple[str, str | None]] = set()
    for line, raw in readers.rows(table):
        summary.read += 1
        parsed = _parse(raw, line, by_field, ctx)
        if isinstance(parsed, list):
            summary.problems.extend(parsed)
        elif (parsed.source, parsed.external_id) in seen:
            summary.duplicates += 1
        else:
            seen.add((parsed.source, parsed.external_id))
            batch.append(parsed)
        if len(batch) >= BATCH:
            _flush(conn, batch, ref, summary, actor, tz, now)
        if progress and summary.read % 100 == 0:
            progress(summary.read)
    _flush(conn, batch, ref, summary, actor, tz, now)
    if progress:
        progress(summary.read)
    return summary


def _parse(raw: Mapping[str, object], line: int, by_field: Mapping[str, str],
           ctx: RowContext) -> ReportIn | list[Problem]:
    if readers.NOT_OBJECT in raw:
        return [Problem(line, "*", "not a JSON object")]
    return parse_row({f: raw.get(c) for f, c in by_field.items()}, line, ctx)


def _flush(conn: psycopg.Connection, batch: list[ReportIn], ref: store.Reference, summary: ImportSummary,
           actor: str, tz: ZoneInfo, now: datetime) -> None:
    done = store.insert_reports(conn, batch, ref, actor, tz, now)
    summary.imported += len(done.ids)
    summary.duplicates += done.duplicates
    summary.new_ids.extend(done.ids)
    batch.clear()
