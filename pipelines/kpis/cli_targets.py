"""``ioc kpis targets | set-target | import-indicators | indicators``: targets for any indicator, and the
socio-economic indicators (chỉ tiêu KT-XH) with their values, status and forecast."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ioc.config import Settings
from ioc.errors import ImportDataError, IocError
from layers.cli_common import connect
from pipelines.kpis import periods
from pipelines.kpis.targets import Target

KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@click.command("targets")
@click.option("--year", type=int, help="only this year's targets")
@click.pass_obj
def targets_cmd(settings: Settings, year: int | None) -> None:
    """The targets in force: stored ones, then the shipped defaults (Bình Dương 2025, e-documents 90%)."""
    from pipelines.kpis import source

    with connect(settings) as conn:
        found = source.load_targets(conn)
    for t in sorted(found, key=lambda t: (t.indicator, t.year, t.scope)):
        if year is None or t.year == year:
            unit = f" {t.unit}" if t.unit else ""
            click.echo(f"{t.indicator:28} {t.year} {t.scope:20} {t.op} {t.value:g}{unit}  ({t.source})")


@click.command("set-target")
@click.argument("indicator")
@click.argument("op", type=click.Choice([">=", ">", "<=", "<"]))
@click.argument("value", type=float)
@click.option("--year", type=int, required=True)
@click.option("--scope", default="*", show_default=True, help="'*', a province name or a ward code")
@click.option("--unit", help="the indicator's unit (%, điểm, người …); needed for an indicator the IOC does not know")
@click.option("--direction", type=click.Choice(["higher", "lower"]),
              help="which way is better; must agree with OP (>= and > mean higher)")
@click.option("--source", "src", default="set with ioc kpis set-target", help="where the target comes from")
@click.pass_obj
def set_target(settings: Settings, indicator: str, op: str, value: float, year: int, scope: str, unit: str | None,
               direction: str | None, src: str) -> None:
    """Set a target for any indicator, e.g. ``ioc kpis set-target online_submission '>=' 0.85 --year 2026``
    (procedure KPIs: fractions) or ``ioc kpis set-target poverty_rate '<=' 1.2 --unit % --year 2026 --scope
    'Tỉnh Đồng Nai'`` (socio-economic indicators: in their own unit, 1.2 meaning 1.2%)."""
    from pipelines.kpis import source

    with connect(settings) as conn:
        unit = checked_target(indicator, op, value, unit, direction, source.load_targets(conn))
        _check_scope(conn, scope)
        source.save_target(conn, Target(indicator, year, op, value, scope, src, unit))
    shown = f"{value:g}{' ' + unit if unit else ''}"
    click.echo(f"target set: {indicator} {op} {shown} for {year}, scope {scope} "
               f"({'higher' if op in ('>=', '>') else 'lower'} is better)")


def checked_target(indicator: str, op: str, value: float, unit: str | None, direction: str | None,
                   stored: list[Target]) -> str:
    """The unit to store, or an :class:`IocError` that says what is wrong."""
    from pipelines.kpis.indicators import BY_KEY
    from pipelines.kpis.socio import by_key

    implied = "higher" if op in (">=", ">") else "lower"
    if direction and direction != implied:
        raise IocError(f"{op!r} means {implied} is better, but --direction says {direction}; give the comparison "
                       "that matches (>= or > for higher, <= or < for lower)")
    if indicator in BY_KEY:
        if unit not in (None, ""):
            raise IocError(f"{indicator} is a procedure KPI: its target is a fraction, without --unit")
        if not 0 <= value <= 1:
            raise IocError("a procedure-KPI target is a fraction between 0 and 1 (80% is 0.8)")
        return ""
    if not KEY.match(indicator):
        raise IocError(f"indicator key {indicator!r}: use lower-case letters, digits and _ (e.g. forest_cover)")
    known = by_key(indicator, stored)
    if known is not None:
        if unit not in (None, "", known.unit):
            raise IocError(f"{indicator} is measured in {known.unit!r}, not {unit!r}")
        unit = known.unit
    elif not unit:
        raise IocError(f"{indicator} is a new indicator: give its unit (--unit %, --unit điểm …)")
    if unit == "%" and not 0 <= value <= 100:
        raise IocError(f"{indicator} is a percentage: give the target in % between 0 and 100 (90% is 90)")
    return unit


def _check_scope(conn: object, scope: str) -> None:
    if scope == "*":
        return
    found = conn.execute("SELECT 1 FROM wards WHERE valid_to IS NULL AND (code = %s OR province = %s) LIMIT 1",  # type: ignore[attr-defined]
                         [scope, scope]).fetchone()
    if found is None:
        raise IocError(f"scope {scope!r} is neither '*', a current ward code nor a province with wards")


@click.command("import-indicators")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help="store nothing from a file that has a bad row")
@click.pass_obj
def import_indicators(settings: Settings, files: tuple[Path, ...], strict: bool) -> None:
    """Import indicator sheets (indicator, unit, scope, period, value): socio-economic values and e-citizen
    adoption. Rows of known indicators are checked against their unit and range; bad rows are listed with line
    and field, the others stored (exit status 2 when a row was bad)."""
    from pipelines.kpis import reader, store

    out, bad = Console(soft_wrap=True), 0
    with connect(settings) as conn:
        for path in files:
            parsed = reader.read(path, settings.tz)
            if parsed.kind.name != "indicators":
                raise ImportDataError(f"{path.name}: this is a {parsed.kind.title}, not an indicator sheet "
                                      "(use ioc kpis import)")
            result = store.write(conn, parsed, path.name, strict=strict)
            stored = "nothing stored (--strict)" if strict and result.errors else \
                f"{result.inserted} new, {result.updated} updated"
            out.print(f"{path.name}: {result.total} rows: {stored}, {len(result.errors)} bad", markup=False)
            for err in result.errors:
                out.print(f"  {path.name}: {err}", markup=False)
            bad += len(result.errors)
    if bad:
        raise ImportDataError(f"{bad} bad row(s); {'nothing was stored' if strict else 'the other rows were stored'}")


@click.command("indicators")
@click.option("--period", "period_text", default=None, help="2025, 2025-Q2 or 2025-06 [this year]")
@click.option("--scope", default="*", show_default=True, help="'*', a province name or a ward code")
@click.option("--json", "as_json", is_flag=True, help="print JSON (the dashboard and the API show the same)")
@click.option("--now", "now_text", hidden=True, help="judge as if it were this ISO time (tests)")
@click.pass_obj
def indicators_cmd(settings: Settings, period_text: str | None, scope: str, as_json: bool,
                   now_text: str | None) -> None:
    """Socio-economic indicators: value, target, status and forecast to the period's end."""
    from pipelines.kpis.socio_db import socio_lines

    now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
    period = periods.parse(period_text or str(now.astimezone(settings.tz).year))
    with connect(settings) as conn:
        found = socio_lines(conn, None if scope == "*" else scope, period, now, settings.tz)
    if as_json:
        click.echo(json.dumps([line.as_dict(settings.lang) for line in found], ensure_ascii=False, indent=2,
                              default=str))
        return
    table = Table("indicator", "value", "of", "target", "status", "forecast [90%]")
    for line in found:
        t, f = line.target, line.forecast
        table.add_row(line.indicator.name(settings.lang), _num(line.value, line.indicator.unit),
                      line.value_period or "—", f"{t.op} {t.value:g}" if t else "—", line.status or "—",
                      f"{f.value:.2f} [{f.low:.2f}–{f.high:.2f}]" if f else "—")
    Console(soft_wrap=True).print(table)


def _num(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.2f} {unit}"
