"""``ioc kpis import``: one file, of any of the four kinds, read, checked and stored. Progress is reported
through a callback so the core knows nothing of terminals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from pipelines.kpis import reader, store
from pipelines.kpis.profiles import Profile
from pipelines.kpis.store import ImportResult

# phase ("read" or "write"), rows in the phase -> a callback that advances by n rows
ProgressFactory = Callable[[str, int], Callable[[int], None]]


def import_file(conn: psycopg.Connection, path: Path, tz: ZoneInfo, *, strict: bool = False,
                progress: ProgressFactory | None = None, profile: Profile | None = None) -> ImportResult:
    """Import ``path`` (CSV or XLSX); bad rows are in the result, the good ones are stored (``strict``: none is
    stored when any row is bad). Re-importing a file updates its rows. ``profile``: how this system's exports
    are laid out (pipelines.kpis.profiles). The result's notes say which column was read as which field."""
    total = reader.count_rows(path) if progress else 0
    parsed = reader.read(path, tz, progress("read", total) if progress else None, profile)
    return store.write(conn, parsed, path.name, strict=strict,
                       progress=progress("write", len(parsed.rows)) if progress else None)
