"""``ioc support-points``: load the ward's online support points (a CSV), list them."""

from __future__ import annotations

from pathlib import Path

import click

from ioc import db, stack
from ioc.config import Settings
from ioc.errors import ImportDataError
from pipelines.public import support_points


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
