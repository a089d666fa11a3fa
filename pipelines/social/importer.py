"""``ioc social import`` and the webhook's intake: a provider's items parsed one by one, the good ones stored.

Each bad item is reported with its line (or item number), field and reason and costs that item only. A post is
stored once per provider (its URL after :func:`privacy.clean_url`): a re-import, or the same post twice in a file,
is counted as a duplicate. Columns that hold the author (name, handle, profile …) are dropped and listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg

from pipelines.social import privacy, readers, rows, store
from pipelines.social import wards as ward_index
from pipelines.social.model import MentionIn, Problem

BATCH = 500


@dataclass
class ImportSummary:
    unit: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    personal_columns: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    results: dict[int, str] = field(default_factory=dict)     # line -> "stored" | "duplicate" | "refused"

    @property
    def bad_items(self) -> int:
        return len({p.line for p in self.problems})


def import_source(conn: psycopg.Connection, source: readers.Source, provider: store.Provider, *, tz: ZoneInfo,
                  now: datetime) -> ImportSummary:
    cols = readers.columns(source)
    summary = ImportSummary(source.unit, personal_columns=[c for c in cols if privacy.is_personal_field(c)])
    summary.ignored_columns = [c for c in cols if c not in summary.personal_columns
                               and provider.profile.field_of(c) is None]
    import_items(conn, readers.items(source), provider, summary, tz=tz, now=now)
    return summary


def import_items(conn: psycopg.Connection, items: Iterable[readers.Item], provider: store.Provider,
                 summary: ImportSummary, *, tz: ZoneInfo, now: datetime) -> ImportSummary:
    ctx = rows.Context(provider.profile, tz, now)
    wards = ward_index.load(conn)
    batch: list[tuple[int, MentionIn]] = []
    seen: set[str] = set()
    for line, raw in items:
        summary.read += 1
        parsed = [Problem(line, "*", raw)] if isinstance(raw, str) else rows.parse_item(raw, line, ctx)
        if isinstance(parsed, list):
            summary.problems.extend(parsed)
            summary.results[line] = "refused"
        elif parsed.url in seen:
            summary.duplicates += 1
            summary.results[line] = "duplicate"
        else:
            seen.add(parsed.url)
            batch.append((line, parsed))
        if len(batch) >= BATCH:
            _flush(conn, provider.name, batch, wards, summary, tz, now)
    _flush(conn, provider.name, batch, wards, summary, tz, now)
    return summary


def _flush(conn: psycopg.Connection, provider: str, batch: list[tuple[int, MentionIn]], wards: ward_index.WardIndex,
           summary: ImportSummary, tz: ZoneInfo, now: datetime) -> None:
    ids = store.insert_mentions(conn, provider, [m for _, m in batch], wards, tz, now)
    for (line, _), new in zip(batch, ids, strict=True):
        summary.results[line] = "duplicate" if new is None else "stored"
        if new is None:
            summary.duplicates += 1
        else:
            summary.imported += 1
            summary.new_ids.append(new)
    batch.clear()
