"""The shipped synthetic demo set: reproducible from its seed, imports whole, and its bad file is refused row by
row."""

from __future__ import annotations

import csv
import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import psycopg

from pipelines.reports import intake, readers
from tests.reports.helpers import TZ, load_wards

DEMO = Path(__file__).resolve().parents[2] / "data" / "reports"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_generate", DEMO / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_file_is_what_the_seed_gives() -> None:
    with (DEMO / "demo_reports.csv").open(encoding="utf-8", newline="") as fh:
        shipped = list(csv.DictReader(fh))
    assert shipped == _generator().rows(160, date(2026, 11, 20), 2026)
    assert all(r["contact_phone"].startswith("0000") for r in shipped if r["contact_phone"])


def test_the_demo_set_imports_whole(db: psycopg.Connection) -> None:
    load_wards(db, ("22333", "22366", "22390", "22402", "25195", "25210"))
    now = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    good = intake.import_file(db, readers.open_table(DEMO / "demo_reports.csv"), {}, tz=TZ, now=now)
    assert (good.read, good.imported, good.problems) == (160, 160, [])
    assert db.execute("SELECT count(*) FROM reports WHERE ward_code IS NULL").fetchone() == (0,)
    bad = intake.import_file(db, readers.open_table(DEMO / "demo_reports_bad.csv"), {}, tz=TZ, now=now)
    assert (bad.imported, bad.bad_rows) == (0, 5)
    assert [(p.line, p.field) for p in bad.problems] == [(2, "category"), (3, "lat"), (3, "lon"),
                                                         (4, "submitted_at"), (5, "contact_phone"),
                                                         (6, "external_id")]
