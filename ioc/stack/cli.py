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
@click.option("--redis", is_flag=True, help="also a private Redis: the cache several dashboard servers share")
@click.pass_obj
def up(settings: Settings, redis: bool) -> None:
    """Start the private services that are not configured by URL (idempotent)."""
    log_settings(settings)
    local_stack.up(settings, redis=redis)
    _print_status(settings)


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


@stack.command("bridge-config")
@click.argument("district")
@click.option("--central-host", required=True, help="the central broker's address as the district broker reaches it")
@click.option("--central-port", type=int, default=None, help="default: the private broker's port")
@click.option("--cafile", default=None, help="CA file for TLS to the central broker (always, off a private network)")
@click.pass_obj
def bridge_config(settings: Settings, district: str, central_host: str, central_port: int | None,
                  cafile: str | None) -> None:
    """Run on the central machine: give district DISTRICT a bridge account on the private broker and print the
    lines to append to that district broker's mosquitto.conf (they hold the password: keep that file 0600)."""
    from ioc.stack._state import StackState
    from ioc.stack.bridge import Bridge, district_conf

    password = local_stack.bridge_password(settings, district)
    port = central_port or StackState.load(settings.state_dir.resolve()).mosquitto.port  # type: ignore[union-attr]
    click.echo(district_conf(Bridge(district, central_host, port, password, cafile)), nl=False)


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
