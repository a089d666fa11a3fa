"""``ioc map export`` and ``ioc coverage``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ioc.config import Settings
from ioc.errors import ImportDataError
from layers.cli_common import DATE, as_date, connect

_POINT_FILE = click.Path(path_type=Path, dir_okay=False, exists=True)


def _scene_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--ward", "ward_code", help="ward code [all wards]"),
        click.option("--date", "on_date", type=DATE, help="date whose boundaries apply [today]"),
        click.option("--fixed-m", type=float, default=60.0, show_default=True, help="fixed camera radius, metres"),
        click.option("--ptz-m", type=float, default=150.0, show_default=True, help="PTZ camera radius, metres"),
        click.option("--hotspot-m", type=float, default=100.0, show_default=True, help="wifi hotspot radius, metres"),
        click.option("--poi", "poi_file", type=_POINT_FILE, help="points of interest (GeoJSON/GPKG/SHP)"),
        click.option("--reports", "reports_file", type=_POINT_FILE,
                     help="field reports with status and overdue columns (GeoJSON/GPKG/SHP)"),
        click.option("--gaps", "gap_count", type=click.IntRange(0, 50), default=5, show_default=True,
                     help="suggested camera sites"),
    ]):
        f = option(f)
    return f


def _check_loaded_dates(conn: Any, on_date: date | None) -> None:
    """Wards are loaded but none is valid on the date (only pre-2025 wards, and today asked): say which dates they
    cover and how to ask for one, rather than that there are none."""
    from layers.sources import today

    day = on_date or today()
    found = conn.execute("""SELECT count(*), count(*) FILTER (WHERE valid_from <= %(d)s
                                                          AND (valid_to IS NULL OR valid_to > %(d)s)),
                                   min(valid_from), max(valid_to), bool_or(valid_to IS NULL) FROM wards""",
                         {"d": day}).fetchone()
    total, valid, first, last, open_ended = found
    if not total or valid:
        return
    until = "open" if open_ended else last.isoformat()
    example = (last - timedelta(days=1)) if not open_ended and last else first
    raise ImportDataError(f"no ward is valid on {day.isoformat()}: the {total} loaded wards cover "
                          f"[{first.isoformat()}, {until}); choose a date they cover with --date, e.g. "
                          f"--date {example.isoformat()}, or import the current wards (`ioc wards import FILE`)")


def _gather(settings: Settings, opts: dict[str, Any]) -> Any:
    from layers.coverage import CoverageSpec
    from layers.scene import gather, read_points

    for radius in ("fixed_m", "ptz_m", "hotspot_m"):
        if opts[radius] <= 0:
            raise click.BadParameter(f"--{radius.replace('_', '-')} must be more than 0 metres")
    spec = CoverageSpec({"fixed": opts["fixed_m"], "ptz": opts["ptz_m"]}, opts["hotspot_m"])
    pois = read_points(opts["poi_file"], "points of interest") if opts["poi_file"] else None
    reports = read_points(opts["reports_file"], "reports") if opts["reports_file"] else None
    with connect(settings) as conn:
        if not opts["ward_code"]:
            _check_loaded_dates(conn, as_date(opts["on_date"]))
        return gather(conn, ward_code=opts["ward_code"], on_date=as_date(opts["on_date"]), spec=spec, pois=pois,
                      reports=reports, gap_count=opts["gap_count"], lang=settings.lang)


@click.group("map")
def map_cmd() -> None:
    """Maps of wards, devices, air quality, wifi load, reports and coverage."""


@map_cmd.command("export")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@_scene_options
@click.option("--format", "fmt", type=click.Choice(["folium", "plotly"]), default="folium", show_default=True,
              help="folium: one self-contained file to share; plotly: the dashboard figure (serve it over HTTP)")
@click.option("--theme", type=click.Choice(["dark", "light"]), default="dark", show_default=True,
              help="plotly only")
@click.option("--title", help="title shown on the map")
@click.pass_obj
def export(settings: Settings, out: Path, fmt: str, theme: str, title: str | None, **opts: Any) -> None:
    """Write a map to OUT (.html). Offline unless IOC_TILES_URL names a basemap."""
    scene = _gather(settings, opts)
    title = title or (f"{scene.wards['name'].iloc[0]} ({opts['ward_code']})" if opts["ward_code"] else None)
    if fmt == "folium":
        from layers.folium_map import export_html, folium_map

        m = folium_map(wards=scene.wards, devices=scene.devices, aqi=scene.aqi, wifi=scene.wifi,
                       reports=scene.reports, coverage=scene.areas, gaps=scene.gaps, tiles_url=settings.tiles_url,
                       lang=settings.lang, title=title)
        size = export_html(m, out)
    else:
        from layers.plotly_map import map_figure

        fig = map_figure(wards=scene.wards, devices=scene.devices, aqi=scene.aqi, wifi=scene.wifi,
                         reports=scene.reports, theme=theme, tiles_url=settings.tiles_url, lang=settings.lang,
                         title=title)
        fig.write_html(out, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
        size = out.stat().st_size
    counts = f"{len(scene.devices)} devices, {len(scene.wards)} wards"
    Console(soft_wrap=True).print(f"wrote {out} ({size / 1e6:.2f} MB, {counts})")


@click.command()
@_scene_options
@click.pass_obj
def coverage(settings: Settings, **opts: Any) -> None:
    """Share of each ward's area, reports and POIs inside camera coverage (wifi area beside), and gap sites."""
    scene = _gather(settings, opts)
    out = Console()
    out.print(_coverage_table(scene.table))
    if len(scene.gaps):
        out.print(_gap_table(scene.gaps, scene.gap_source))
    elif scene.gap_source == "none":
        out.print("gaps: give --reports or --poi to find where the next camera would cover most")
    else:
        out.print(f"gaps: every {scene.gap_source} point is already covered")


def _pct(v: float) -> str:
    return "–" if v != v else f"{v:.1f} %"


def _coverage_table(t: Any) -> Table:
    table = Table("code", "ward", "km²", "camera", "wifi", "reports covered", "POIs covered",
                  title="coverage (UTM metres)")
    for r in t.itertuples():
        table.add_row(r.code, r.name, f"{r.area_km2:,.2f}", _pct(r.camera_area_pct), _pct(r.wifi_area_pct),
                      f"{r.reports_covered}/{r.reports} {_pct(r.reports_pct)}",
                      f"{r.pois_covered}/{r.pois} {_pct(r.pois_pct)}")
    return table


def _gap_table(gaps: Any, source: str) -> Table:
    wgs = gaps.to_crs(4326)
    table = Table("rank", "lon", "lat", f"new {source} covered", "total", title=f"next camera sites ({source})")
    for r in wgs.itertuples():
        table.add_row(str(r.rank), f"{r.geometry.x:.5f}", f"{r.geometry.y:.5f}", str(r.covers), str(r.covered_total))
    return table
