"""``ioc social …``: providers, imports of their files, the demo's synthetic feed, retention. See docs/social.md."""

from __future__ import annotations

import csv
import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import psycopg

from ioc.config import Settings
from ioc.errors import ImportDataError
from ioc.retention import by_name
from layers.cli_common import connect
from pipelines.social import demo as demo_feed
from pipelines.social import importer, readers, store
from pipelines.social import profile as profiles

SHOWN_ERRORS = 20
log = logging.getLogger("ioc.social")


@click.group()
def social() -> None:
    """Social listening: mentions of the city from a provider's files and webhook (not a crawler)."""


@social.group("providers")
def providers_cmd() -> None:
    """The listening providers: their webhook secrets and column mappings."""


@providers_cmd.command("add")
@click.argument("name")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              help="the provider's field mapping (YAML or JSON: columns, values, defaults)")
@click.option("--replace", is_flag=True, help="replace an existing provider's profile and secret")
@click.pass_obj
def add_provider(settings: Settings, name: str, profile_path: Path | None, replace: bool) -> None:
    """Add provider NAME; prints its webhook secret once (give it to the provider, keep it nowhere else)."""
    profile = profiles.load(profile_path) if profile_path else None
    with connect(settings) as conn:
        try:
            made = store.add_provider(conn, name, profile, replace=replace)
        except psycopg.errors.UniqueViolation:
            raise ImportDataError(f"provider {name!r} exists; --replace gives it a new secret and profile") from None
        except psycopg.errors.CheckViolation:
            raise ImportDataError(f"{name!r}: a provider name is 1–40 lower-case letters, digits, '-' or '_'") from None
    click.echo(f"provider {made.name}: webhook secret {made.secret}")
    click.echo("sign each POST /api/v1/social/mentions with it (X-IOC-Provider, X-IOC-Timestamp, X-IOC-Signature)")


@providers_cmd.command("list")
@click.pass_obj
def list_providers(settings: Settings) -> None:
    """The providers, with how many mentions each has sent."""
    with connect(settings) as conn:
        for p in store.providers(conn):
            last = p["last_received"].astimezone(settings.tz).strftime("%d/%m/%Y %H:%M") if p["last_received"] else "—"
            click.echo(f"{p['name']:<24} {p['mentions']:>8} mentions   last received {last}")


@social.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--provider", required=True, help="the provider the file comes from (its profile maps the columns)")
@click.option("--format", "fmt", type=click.Choice(list(readers.UNITS)), help="default: from the file's suffix")
@click.option("--errors-csv", "errors_csv", type=click.Path(path_type=Path, dir_okay=False),
              help=f"write every bad item (file, line, field, reason) here; the screen shows the first {SHOWN_ERRORS}")
@click.pass_obj
def import_cmd(settings: Settings, file: Path, provider: str, fmt: str | None, errors_csv: Path | None) -> None:
    """Import a provider's mentions (CSV in UTF-8 with or without BOM, a JSON array, or JSON Lines).

    Bad items are listed with their line, field and reason; the others are stored. A post already stored for this
    provider is skipped. Author columns are dropped and personal identifiers cut from summaries. Exit status 2
    when an item was bad."""
    source = readers.open_source(file, fmt)
    with connect(settings) as conn:
        found = store.provider(conn, provider)
        summary = importer.import_source(conn, source, found, tz=settings.tz, now=datetime.now(UTC))
    click.echo(f"{file.name}: {summary.read} {summary.unit}s read: {summary.imported} new, "
               f"{summary.duplicates} already known, {summary.bad_items} bad")
    if summary.personal_columns:
        click.echo(f"  dropped personal columns (never stored): {', '.join(summary.personal_columns)}")
    if summary.ignored_columns:
        click.echo(f"  ignored columns: {', '.join(summary.ignored_columns)}")
    for p in summary.problems[:SHOWN_ERRORS]:
        click.echo(f"  {file.name}: {p.describe(summary.unit)}")
    if len(summary.problems) > SHOWN_ERRORS:
        click.echo(f"  … and {len(summary.problems) - SHOWN_ERRORS} more (all of them: --errors-csv FILE)")
    if errors_csv:
        with errors_csv.open("w", encoding="utf-8-sig", newline="") as fh:   # BOM: spreadsheets read it as UTF-8
            writer = csv.writer(fh)
            writer.writerow(["file", summary.unit, "field", "reason"])
            writer.writerows([file.name, p.line, p.field, p.reason] for p in summary.problems)
        click.echo(f"{len(summary.problems)} problem(s) written to {errors_csv}")
    if summary.problems:
        raise ImportDataError(f"{summary.bad_items} bad {summary.unit}(s); the other {summary.unit}s were stored")


@social.command("demo")
@click.option("--days", default=7.0, show_default=True, help="history to backfill")
@click.option("--follow", is_flag=True, help="keep adding the feed's new mentions as their time comes (Ctrl-C stops)")
@click.option("--every", default=60.0, show_default=True, help="seconds between the ticker's checks")
@click.option("--seed", default=21, show_default=True)
@click.pass_obj
def demo_cmd(settings: Settings, days: float, follow: bool, every: float, seed: int) -> None:
    """Load the demo's SYNTHETIC social listening feed (labelled "dữ liệu mô phỏng / synthetic"), idempotent."""
    now = datetime.now(UTC)
    with connect(settings) as conn:
        places = demo_feed.places(conn)
        done = demo_feed.load(conn, now - timedelta(days=days), now, settings.tz, seed, places)
        click.echo(f"synthetic social feed: {done} new mention(s) over {days:g} day(s) ({demo_feed.LABEL})")
        while follow:
            time.sleep(every)
            later = datetime.now(UTC)
            added = demo_feed.load(conn, now, later, settings.tz, seed, places)
            if added:
                log.info("synthetic social feed: %d new mention(s)", added)
            now = later


@social.command("purge")
@click.pass_obj
def purge_cmd(settings: Settings) -> None:
    """Delete mentions older than IOC_SOCIAL_MENTION_RETENTION_DAYS (also done by the retention run)."""
    kept = timedelta(days=by_name()["social_mentions"].days(settings))
    with connect(settings) as conn:
        click.echo(f"{store.purge(conn, kept)} mention(s) older than {kept.days} days deleted")
