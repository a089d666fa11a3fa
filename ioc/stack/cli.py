"""``ioc stack up|down|status``, ``ioc migrate`` and ``ioc config``."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ioc import db
from ioc import migrate as migrations
from ioc import stack as local_stack
from ioc.config import Settings, log_settings


@click.group()
def stack() -> None:
    """Private PostgreSQL+TimescaleDB+PostGIS and Mosquitto for machines without Docker."""


@stack.command()
@click.option("--ha", is_flag=True, help="the database as a Patroni pair (primary + synchronous standby, etcd): "
              "docs/ha.md")
@click.pass_obj
def up(settings: Settings, ha: bool) -> None:
    """Start the private services that are not configured by URL (idempotent)."""
    log_settings(settings)
    urls = local_stack.up(settings, ha=ha)
    _print_status(settings)
    if urls.read_url is not None:
        # the URLs carry the generated password: printed for this (local) operator, never logged
        click.echo(f"IOC_DATABASE_URL={urls.database_url}")
        click.echo(f"IOC_DATABASE_READ_URL={urls.read_url}")


@stack.command()
@click.pass_obj
def switchover(settings: Settings) -> None:
    """Hand the private Patroni pair's primary role to its standby (planned maintenance, failover drills)."""
    click.echo(f"the primary is now {local_stack.switchover(settings)}")


@stack.command()
@click.pass_obj
def down(settings: Settings) -> None:
    """Stop the private services."""
    stopped = local_stack.down(settings)
    click.echo(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@stack.command()
@click.pass_obj
def status(settings: Settings) -> None:
    """Show each service, whether it runs and whether it is healthy. Exit 1 when one is not."""
    if not _print_status(settings):
        raise click.exceptions.Exit(1)


def _print_status(settings: Settings) -> bool:
    table = Table("service", "kind", "state", "url", "detail", title="ioc stack")
    all_ok = True
    for s in local_stack.status(settings):
        state = "[green]healthy[/]" if s.healthy else ("[yellow]unhealthy[/]" if s.running else "[red]stopped[/]")
        table.add_row(s.name, "private" if s.managed else "configured", state, s.url, s.detail)
        all_ok &= s.healthy
    Console().print(table)
    return all_ok


@click.command()
@click.pass_obj
def migrate(settings: Settings) -> None:
    """Apply pending schema migrations (idempotent)."""
    urls = local_stack.endpoints(settings)
    with db.connect(urls.database_url) as conn:
        applied = migrations.apply(conn)
    click.echo(f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "schema is up to date")


@click.command("config")
@click.pass_obj
def show_config(settings: Settings) -> None:
    """Print the effective settings, secrets masked."""
    for key, value in settings.masked().items():
        click.echo(f"IOC_{key.upper()}={'' if value is None else value}")
