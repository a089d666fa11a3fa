"""``ioc kpis …``: import KPI files, print the summary, load the synthetic demo set, manage targets, export."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ioc.config import Settings
from ioc.errors import ImportDataError, IocError
from layers.cli_common import connect
from pipelines.kpis import cli_targets, periods
from pipelines.kpis.importer import import_file
from pipelines.kpis.profiles import Profile
from pipelines.kpis.reader import RowError

LARGE = 2000          # rows from which an import shows a progress bar
SHOWN_ERRORS = 20


@click.group()
def kpis() -> None:
    """Administrative-procedure and digital-government KPIs (Decision 766/QĐ-TTg, Decree 42/2022)."""


for _cmd in (cli_targets.targets_cmd, cli_targets.set_target, cli_targets.import_indicators,
             cli_targets.indicators_cmd):
    kpis.add_command(_cmd)       # targets for any indicator, socio-economic indicators (issue 18)


@kpis.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help="store nothing from a file that has a bad row")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help="a mapping profile (YAML: columns, values, defaults) for exports the built-in table does not know")
@click.option("--errors-csv", "errors_csv", type=click.Path(path_type=Path, dir_okay=False),
              help=f"write every bad row (file, line, field, reason) here; the screen shows the first {SHOWN_ERRORS}")
@click.pass_obj
def import_cmd(settings: Settings, files: tuple[Path, ...], strict: bool, profile_path: Path | None,
               errors_csv: Path | None) -> None:
    """Import procedure catalogues, dossiers, monthly sheets or indicator sheets (CSV or XLSX; kind detected).

    Headers are matched whatever their case and diacritics through a table of known wordings ("Mã hồ sơ", "Số hồ
    sơ" …); the header row is found below any title rows and totals rows are skipped. Prints which column was read
    as which field and which were ignored. Bad rows are listed with their line and field; the other rows are
    stored. Re-importing updates, never duplicates. Exit status 2 when a row was bad."""
    from pipelines.kpis import profiles

    profile = profiles.load(profile_path) if profile_path else None
    bad = 0
    every: list[tuple[str, RowError]] = []
    with connect(settings) as conn:
        for path in files:
            bad += _import_one(conn, path, settings, strict, profile, every)
    if errors_csv:
        with errors_csv.open("w", encoding="utf-8-sig", newline="") as fh:   # BOM: spreadsheets read it as UTF-8
            writer = csv.writer(fh)
            writer.writerow(["file", "line", "field", "reason"])
            writer.writerows([name, e.line, e.field, e.message] for name, e in every)
        click.echo(f"{len(every)} bad row(s) written to {errors_csv}")
    if bad:
        kept = "nothing was stored from those files" if strict else "the other rows were stored"
        raise ImportDataError(f"{bad} bad row(s); {kept}")


def _import_one(conn: object, path: Path, settings: Settings, strict: bool, profile: Profile | None = None,
                every: list[tuple[str, RowError]] | None = None) -> int:
    out = Console(soft_wrap=True)
    with _progress(path) as progress:
        result = import_file(conn, path, settings.tz, strict=strict, progress=progress,  # type: ignore[arg-type]
                             profile=profile)
    stored = "nothing stored (--strict)" if strict and result.errors else \
        f"{result.inserted} new, {result.updated} updated"
    out.print(f"{path.name}: {result.kind}, {result.total} rows: {stored}, {len(result.errors)} bad", markup=False)
    for note in result.notes:
        out.print(f"  {note}", markup=False)
    for err in result.errors[:SHOWN_ERRORS]:
        out.print(f"  {path.name}: {err}", markup=False)
    if len(result.errors) > SHOWN_ERRORS:
        out.print(f"  … and {len(result.errors) - SHOWN_ERRORS} more bad rows (all of them: --errors-csv FILE)")
    if every is not None:
        every.extend((path.name, e) for e in result.errors)
    return len(result.errors)


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    from pipelines.kpis.reader import count_rows

    if not path.is_file() or count_rows(path) < LARGE:
        yield None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)

    def phase(name: str, total: int) -> Callable[[int], None]:
        task = bar.add_task(f"{path.name}: {name}", total=total)
        return lambda n: bar.advance(task, n)

    with bar:
        yield phase


@kpis.command("summary")
@click.option("--period", "period_text", default=None, help="2025, 2025-Q2 or 2025-06 [this year]")
@click.option("--ward", help="a current ward code [every ward]")
@click.option("--province", help="a province name, e.g. 'Tỉnh Đồng Nai' [every ward]")
@click.option("--json", "as_json", is_flag=True, help="print JSON (the dashboard shows the same numbers)")
@click.option("--now", "now_text", hidden=True, help="judge as if it were this ISO time (tests, back-dating)")
@click.pass_obj
def summary_cmd(settings: Settings, period_text: str | None, ward: str | None, province: str | None, as_json: bool,
                now_text: str | None) -> None:
    """Every KPI with numerator, denominator, value, target, status and forecast to the period's end."""
    from pipelines.kpis import summary_db
    from pipelines.kpis.show import summary_table

    if ward and province:
        raise IocError("give --ward or --province, not both")
    now = periods.parse_now(now_text)
    period = periods.parse(period_text or str(now.astimezone(settings.tz).year))
    with connect(settings) as conn:
        try:
            result = summary_db.summary(conn, period, ward or province, now, settings.tz)
        except KeyError as exc:
            raise IocError(str(exc.args[0])) from None
    if as_json:
        click.echo(json.dumps(result.as_dict(settings.lang), ensure_ascii=False, indent=2, default=str))
    else:
        Console(soft_wrap=True).print(summary_table(result, settings.lang))


@kpis.command("demo-data")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="where the files go [STATE_DIR/kpis-demo]")
@click.option("--scale", type=float, default=1.0, show_default=True, help="multiply the modelled dossier volumes")
@click.option("--files-only", is_flag=True, help="write the files, import nothing")
@click.pass_obj
def demo_data(settings: Settings, out: Path | None, scale: float, files_only: bool) -> None:
    """Generate the SYNTHETIC demo set from data/kpis/model.yaml (seeded) for the real 2025 wards and import it
    (idempotent: the same dossier ids every time, so re-running updates)."""
    from pipelines.kpis.decision766.figures_db import import_figures
    from pipelines.kpis.demo_load import generate, load_geography

    target = out or settings.state_dir / "kpis-demo"
    now = datetime.now(UTC)
    files = generate(target, now, settings.tz, scale)
    click.echo(f"synthetic KPI demo files in {target}: {', '.join(f.name for f in files)}")
    figures = _demo_figures(target, now, settings)
    if files_only:
        return
    with connect(settings) as conn:
        load_geography(conn)
        for path in files:
            if _import_one(conn, path, settings, strict=True):
                raise IocError(f"the demo file {path} has bad rows; this is a bug in pipelines/kpis/demo.py")
        if import_figures(conn, figures, strict=True).errors:
            raise IocError(f"the demo file {figures} has bad rows; this is a bug in pipelines/kpis/decision766/demo.py")
        from pipelines.kpis.demo_socio import save_targets

        save_targets(conn)


def _demo_figures(target: Path, now: datetime, settings: Settings) -> Path:
    """The synthetic Decision 766 monthly figures sheet (pipelines/kpis/decision766/demo.py)."""
    from pipelines.kpis.decision766.demo import generate as figures_sheet

    path = figures_sheet(target, now, settings.tz)
    click.echo(f"synthetic 766 figures sheet: {path.name}")
    return path


@kpis.command("export")
@click.option("--period", "period_text", required=True, help="2025, 2025-Q2 or 2025-06")
@click.option("--ward", help="a current ward code [every ward]")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="the .xlsx to write")
@click.pass_obj
def export_cmd(settings: Settings, period_text: str, ward: str | None, out: Path) -> None:
    """The summary, the ward ranking and the monthly series as an XLSX workbook (what the dashboard exports)."""
    from pipelines.kpis import summary_db
    from pipelines.kpis.decision766.score_db import score
    from pipelines.kpis.export import workbook

    now = datetime.now(UTC)
    with connect(settings) as conn:
        comp = summary_db.computed(conn, periods.parse(period_text), now, settings.tz)
        points = score(conn, comp, ward)
    out.write_bytes(workbook(comp, ward, "online_submission", settings.lang, points))
    click.echo(f"wrote {out}")


def _decision766() -> None:
    from pipelines.kpis.decision766.cli import import_figures_cmd, rate_feedback_cmd, score_cmd

    kpis.add_command(import_figures_cmd)
    kpis.add_command(score_cmd)
    kpis.add_command(rate_feedback_cmd)


_decision766()
