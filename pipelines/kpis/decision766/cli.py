"""``ioc kpis import-figures`` and ``ioc kpis score-766``: the monthly figures sheet in, all 100 points out."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table as RichTable

from ioc.config import Settings
from ioc.errors import ImportDataError, IocError
from layers.cli_common import connect
from pipelines.kpis import periods

SHOWN_ERRORS = 20


@click.command("import-figures")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help="store nothing from a file that has a bad row")
@click.pass_obj
def import_figures_cmd(settings: Settings, files: tuple[Path, ...], strict: bool) -> None:
    """Import Decision 766 monthly figures sheets (CSV or XLSX): unit, ward_code, month, indicator, numerator,
    denominator[, denominator_2]. Bad rows are listed with line and field; the others are stored (exit 2)."""
    from pipelines.kpis.decision766.figures_db import import_figures

    bad = 0
    with connect(settings) as conn:
        for path in files:
            result = import_figures(conn, path, strict=strict)
            stored = (
                "nothing stored (--strict)"
                if strict and result.errors
                else f"{result.inserted} new, {result.updated} updated"
            )
            click.echo(f"{path.name}: 766 figures, {result.total} rows: {stored}, {len(result.errors)} bad")
            for err in result.errors[:SHOWN_ERRORS]:
                click.echo(f"  {path.name}: {err}")
            if len(result.errors) > SHOWN_ERRORS:
                click.echo(f"  … and {len(result.errors) - SHOWN_ERRORS} more bad rows")
            bad += len(result.errors)
    if bad:
        kept = "nothing was stored from those files" if strict else "the other rows were stored"
        raise ImportDataError(f"{bad} bad row(s); {kept}")


@click.command("score-766")
@click.option("--period", "period_text", default=None, help="2025, 2025-Q2 or 2025-06 [this year]")
@click.option("--ward", help="a current ward code [every ward]")
@click.option("--province", help="a province name [every ward]")
@click.option("--json", "as_json", is_flag=True, help="print JSON (the dashboard shows the same numbers)")
@click.option("--now", "now_text", hidden=True, help="judge as if it were this ISO time (tests, back-dating)")
@click.pass_obj
def score_cmd(
    settings: Settings,
    period_text: str | None,
    ward: str | None,
    province: str | None,
    as_json: bool,
    now_text: str | None,
) -> None:
    """All 100 points of Decision 766: each indicator, each group, the total, what has no data."""
    from pipelines.kpis.decision766.score_db import score_at

    if ward and province:
        raise IocError("give --ward or --province, not both")
    now = periods.parse_now(now_text)
    period = periods.parse(period_text or str(now.astimezone(settings.tz).year))
    with connect(settings) as conn:
        try:
            result = score_at(conn, period, ward or province, now, settings.tz)
        except KeyError as exc:
            raise IocError(str(exc.args[0])) from None
    lang = settings.lang
    if as_json:
        click.echo(json.dumps({"period": period.label, **result.as_dict(lang)}, ensure_ascii=False, indent=2))
        return
    out = RichTable(title=f"766 · {period.label} · {result.total:.1f} / 100 · {result.covered:g} / 100 có dữ liệu")
    for col in ("id", "indicator", "points", "r", "numerator / denominator", "missing"):
        out.add_column(col)
    for x in result.lines:
        pts = "—" if x.points is None else f"{x.points:.2f} / {x.indicator.points:g}"
        rate = "—" if x.rate is None else f"{100 * x.rate:.1f}%"
        counts = "—" if x.denominator is None else f"{x.numerator or 0:g} / {x.denominator:g}"
        out.add_row(x.indicator.id, x.indicator.name(lang), pts, rate, counts, "; ".join(m(lang) for m in x.missing))
    console = Console(soft_wrap=True)
    console.print(out)
    for x in result.lines:
        for p in x.parts:
            value = "" if p.value is None else f" · {p.value:.1f} {'days' if lang == 'en' else 'ngày'}"
            note = f" ({p.note(lang)})" if p.note else ""
            console.print(f"{x.indicator.id}  {p.label(lang)}: {p.count}{value}{note}", highlight=False)


@click.command("rate-feedback")
@click.argument("report_id", type=int)
@click.option("--unsatisfied/--satisfied", default=False, help="the citizen rated the handling unsatisfied")
@click.option("--complaint/--no-complaint", default=False, help="a complaint followed the handling")
@click.option("--by", "actor", default="cli", show_default=True, help="who records the verdict")
@click.pass_obj
def rate_feedback_cmd(settings: Settings, report_id: int, unsatisfied: bool, complaint: bool, actor: str) -> None:
    """Record the citizen's verdict on how field report REPORT_ID was handled (766 §5.3); re-running replaces it."""
    with connect(settings) as conn:
        if not conn.execute("SELECT 1 FROM reports WHERE id = %s", [report_id]).fetchone():
            raise IocError(f"no field report {report_id}")
        conn.execute(
            """INSERT INTO report_feedback_ratings (report_id, unsatisfied, complaint, recorded_by)
                        VALUES (%s, %s, %s, %s)
                        ON CONFLICT (report_id) DO UPDATE SET unsatisfied = EXCLUDED.unsatisfied,
                            complaint = EXCLUDED.complaint, recorded_by = EXCLUDED.recorded_by, recorded_at = now()""",
            [report_id, unsatisfied, complaint, actor],
        )
    click.echo(
        f"report {report_id}: {'unsatisfied' if unsatisfied else 'not unsatisfied'}, "
        f"{'complaint' if complaint else 'no complaint'}"
    )
