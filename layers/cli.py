"""``ioc wards …``, ``ioc map export`` and ``ioc coverage``. Heavy imports wait until a command runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ioc.config import Settings
from layers.cli_common import DATE, as_date, connect
from layers.cli_maps import coverage, map_cmd

__all__ = ["coverage", "map_cmd", "wards"]


@click.group()
def wards() -> None:
    """Ward boundaries (versioned by date), the old→new ward mapping and device placement."""


@wards.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--code-field", help="column with the ward code [new_ward_code, code, ward_code, ma_xa, ma]")
@click.option("--name-field", help="column with the ward name [new_ward_name, name, ward_name, ten_xa, ten]")
@click.option("--province-field", help="column with the province [new_province_name, province, ten_tinh]")
@click.option("--former-city-field", help="column with the former city [former_city]")
@click.option("--valid-from", type=DATE, default="2025-07-01", show_default=True, help="first day the boundaries hold")
@click.option("--valid-to", type=DATE, help="first day they no longer hold (exclusive) [open]")
@click.option("--crs", "assume_crs", help="CRS of a file that declares none, e.g. EPSG:32649")
@click.pass_obj
def import_cmd(settings: Settings, file: Path, code_field: str | None, name_field: str | None,
               province_field: str | None, former_city_field: str | None, valid_from: datetime,
               valid_to: datetime | None, assume_crs: str | None) -> None:
    """Import ward polygons from GeoJSON, GeoPackage or Shapefile (idempotent: upsert on code and valid-from)."""
    from layers.wardfile import Fields
    from layers.wards import import_wards_file

    fields = Fields(code_field, name_field, province_field, former_city_field)
    with connect(settings) as conn:
        result = import_wards_file(conn, file, fields=fields, valid_from=valid_from.date(),
                                   valid_to=as_date(valid_to), assume_crs=assume_crs)
    out = Console(soft_wrap=True)
    if result.file.reprojected_from:
        out.print(f"reprojected from {result.file.reprojected_from} to EPSG:4326")
    for line in result.file.repaired:
        out.print(f"repaired (make_valid) {line}")
    until = result.valid_to or "open"
    out.print(f"{file.name}: {result.inserted + result.updated} wards, {result.inserted} new, {result.updated} "
              f"updated, valid [{result.valid_from}, {until})")


@wards.command("import-mapping")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_obj
def import_mapping_cmd(settings: Settings, file: Path) -> None:
    """Import the old (pre-2025) → new ward mapping CSV (former_city, former_ward, new_ward_code[, weight])."""
    from layers.ward_mapping import read_mapping, shares
    from layers.ward_mapping_db import import_mapping

    mapping = read_mapping(file)
    with connect(settings) as conn:
        n = import_mapping(conn, mapping, source=file.name)
    s = shares(mapping)
    split = s.groupby(["old_city", "old_ward"]).size()
    new = s["new_ward_code"].nunique()
    Console(soft_wrap=True).print(f"{file.name}: {n} rows, {len(split)} old wards → {new} new wards; "
                                  f"{int((split > 1).sum())} old wards split (weights if given, else equal shares)")


@wards.command("assign")
@click.option("--date", "on_date", type=DATE, help="date whose boundaries apply [today]")
@click.pass_obj
def assign_cmd(settings: Settings, on_date: datetime | None) -> None:
    """Set each device's ward from its location; list devices on a boundary, outside every ward or unlocated."""
    from layers.assign import assign_devices

    with connect(settings) as conn:
        report = assign_devices(conn, as_date(on_date))
    table = Table("placement", "devices", "ids", title=f"device wards on {report.on_date}")
    for name in ("inside", "boundary", "outside", "unlocated"):
        ids = getattr(report, name)
        shown = ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")
        table.add_row(name, str(len(ids)), "" if name == "inside" else shown)
    Console().print(table)
    Console(soft_wrap=True).print(f"{report.changed} device(s) changed ward")


@wards.command("list")
@click.option("--date", "on_date", type=DATE, help="date whose boundaries apply [today]")
@click.pass_obj
def list_cmd(settings: Settings, on_date: datetime | None) -> None:
    """The wards valid on a date, with their area in km² (in their UTM zone)."""
    from layers.crs import to_metric
    from layers.sources import load_wards

    with connect(settings) as conn:
        frame = load_wards(conn, as_date(on_date))
    table = Table("code", "name", "province", "former city", "km²", "valid from", title="wards")
    if len(frame):
        frame["km2"] = to_metric(frame, "wards").area / 1e6
    for r in frame.itertuples():
        table.add_row(r.code, r.name, r.province or "", r.former_city or "", f"{r.km2:,.2f}", str(r.valid_from))
    Console().print(table)
