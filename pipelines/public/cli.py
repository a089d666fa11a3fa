"""``ioc support-points`` (load a ward's online support points from a CSV, list them), ``ioc hamlets`` (import,
list) and ``ioc disclosures`` (add, list, withdraw the documents a ward makes public)."""

from __future__ import annotations

import getpass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ioc import db, stack
from ioc.config import Settings
from ioc.errors import ImportDataError
from pipelines.public import disclosures, hamlets, support_points


def _url(settings: Settings) -> str:
    return settings.database_url or stack.endpoints(settings).database_url


@click.group("support-points")
def support_points_cmd() -> None:
    """Online support points on the residents' page (Cà phê dịch vụ công, digital teams, one-stop desks)."""


@support_points_cmd.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_cmd(settings: Settings, file: Path) -> None:
    """Load FILE (CSV: ward_code, kind, name, address, lat, lon, hours, helps_with, phone). Good rows are loaded,
    each bad one is printed with its line and field, and the command then fails."""
    with db.connect(_url(settings)) as conn:
        done, problems = support_points.import_file(conn, file)
    for p in problems:
        click.echo(f"{file.name}: {p}", err=True)
    click.echo(f"{done} support points loaded from {file.name}")
    if problems:
        raise ImportDataError(f"{file.name}: {len(problems)} rows refused (listed above); the others were loaded")


@support_points_cmd.command("list")
@click.argument("ward")
@click.pass_obj
def list_cmd(settings: Settings, ward: str) -> None:
    """The support points of WARD (a ward code)."""
    with db.pool(_url(settings), max_size=1) as pool:
        for p in support_points.for_ward(pool, ward):
            click.echo(f"{p['kind']:<13} {p['name']} — {p['address'] or ''} — {p['hours'] or ''}")


# -- ioc hamlets ---------------------------------------------------------------------------------------------------

@click.group("hamlets")
def hamlets_cmd() -> None:
    """Hamlets and residential groups (ấp, khu phố, tổ dân phố): reports get theirs from where they are."""


@hamlets_cmd.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def hamlets_import(settings: Settings, file: Path) -> None:
    """Load FILE: GeoJSON (features with ward_code and name, Polygon/MultiPolygon/Point) or CSV (ward_code, name,
    lat, lon). Good items are loaded; each bad one is printed with its feature or line and field."""
    with db.connect(_url(settings)) as conn:
        done, problems, unit = hamlets.import_file(conn, file)
    for p in problems:
        click.echo(f"{file.name}: {unit} {p.line}, {p.field}: {p.reason}", err=True)
    click.echo(f"{done} hamlets loaded from {file.name}")
    if problems:
        raise ImportDataError(f"{file.name}: {len(problems)} refused (listed above); the others were loaded")


@hamlets_cmd.command("list")
@click.argument("ward")
@click.pass_obj
def hamlets_list(settings: Settings, ward: str) -> None:
    """The hamlets of WARD (a ward code)."""
    with db.pool(_url(settings), max_size=1) as pool:
        for name in hamlets.names(pool, ward):
            click.echo(name)


# -- ioc disclosures -----------------------------------------------------------------------------------------------

def _when(value: str | None, tz: ZoneInfo, end_of_day: bool) -> datetime | None:
    """A local date (the period opens at its start, closes at its end) or a local date and time."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value) + timedelta(days=1 if end_of_day else 0)
            return datetime.combine(day, time(), tz)
        found = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (2026-12-31) or a date and time (2026-12-31T17:00)") \
            from exc
    return found if found.tzinfo else found.replace(tzinfo=tz)


@click.group("disclosures")
def disclosures_cmd() -> None:
    """Disclosure documents (công khai) on the residents' page: plans, budget, contributions, land notices."""


@disclosures_cmd.command("add")
@click.argument("ward")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", required=True, type=click.Choice(disclosures.CATEGORIES))
@click.option("--title", "title_vi", required=True, help="Vietnamese title")
@click.option("--title-en", default=None, help="English title (optional)")
@click.option("--date", "doc_date", required=True, help="the document's date, 2026-11-30")
@click.option("--comments-open", default=None, help="comment period opens (a local date, or date and time)")
@click.option("--comments-close", default=None, help="comment period closes (a date: at the end of that day)")
@click.pass_obj
def disclosures_add(settings: Settings, ward: str, file: Path, category: str, title_vi: str, title_en: str | None,
                    doc_date: str, comments_open: str | None, comments_close: str | None) -> None:
    """Publish FILE (PDF, PNG, JPEG, XLSX or DOCX; at most 10 MB) on WARD's public page."""
    try:
        day = date.fromisoformat(doc_date)
    except ValueError as exc:
        raise click.BadParameter(f"{doc_date!r} is not a date like 2026-11-30", param_hint="--date") from exc
    item = disclosures.NewDisclosure(ward, category, title_vi, day, file.name, file.read_bytes(), title_en,
                                     _when(comments_open, settings.tz, False), _when(comments_close, settings.tz,
                                                                                     True))
    with db.connect(_url(settings)) as conn:
        try:
            found = disclosures.add(conn, item, _actor())
        except disclosures.DisclosureRefused as exc:
            raise ImportDataError(f"{file.name}: {exc}") from exc
    click.echo(f"disclosure {found} published for ward {ward}")


@disclosures_cmd.command("list")
@click.argument("ward", required=False)
@click.pass_obj
def disclosures_list(settings: Settings, ward: str | None) -> None:
    """Every document (of WARD, or of all wards), withdrawn ones marked."""
    with db.pool(_url(settings), max_size=1) as pool:
        for d in disclosures.staff_list(pool, ward):
            state = f"WITHDRAWN {d['withdrawn_at']:%Y-%m-%d} by {d['withdrawn_by']}" if d["withdrawn_at"] else "shown"
            click.echo(f"{d['id']:>5} {d['ward_code']} {d['category']:<12} {d['document_date']} {d['title_vi']} "
                       f"[{d['filename']}, {d['size_bytes']} B] {state}; comments {d['pending']} pending, "
                       f"{d['published']} published, {d['hidden']} hidden")


@disclosures_cmd.command("withdraw")
@click.argument("document", type=int)
@click.option("--reason", required=True, help="why, kept with the document and in the audit log")
@click.pass_obj
def disclosures_withdraw(settings: Settings, document: int, reason: str) -> None:
    """Hide DOCUMENT from residents (it is kept, marked withdrawn)."""
    with db.connect(_url(settings)) as conn:
        if not disclosures.withdraw(conn, document, _actor(), reason):
            raise ImportDataError(f"no shown document {document}")
    click.echo(f"disclosure {document} withdrawn")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"
