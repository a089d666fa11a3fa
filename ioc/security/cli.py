"""``ioc users …`` and ``ioc keys …`` (``ioc devices …`` lives in :mod:`ioc.security.cli_devices`).

Secrets (one-time passwords, API keys, kiosk tokens) are printed once and stored only as hashes.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import click
import psycopg
from rich.console import Console
from rich.table import Table

from ioc import db, stack
from ioc.config import Settings
from ioc.security import keys as key_store
from ioc.security import roles
from ioc.security import users as user_store
from ioc.security.cli_devices import devices

__all__ = ["devices", "keys", "users"]


def actor() -> str:
    return f"cli:{getpass.getuser()}"


@contextmanager
def connection(settings: Settings) -> Iterator[psycopg.Connection]:
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        yield conn


def _when(ts: datetime | None, settings: Settings) -> str:
    return ts.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if ts else ""


@click.group()
def users() -> None:
    """People who sign in to the dashboards: roles admin, operator, leader, viewer."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(roles.ROLES), required=True)
@click.option("--name", "display_name", help="full name shown in logs and pages")
@click.pass_obj
def add_user(settings: Settings, username: str, role: str, display_name: str | None) -> None:
    """Add a user; prints a one-time password that must be changed at first login."""
    with connection(settings) as conn:
        secret = user_store.add(conn, username, role, actor(), display_name)
    click.echo(f"user {username.strip().lower()} ({role}) added. One-time password (shown once, to be changed at "
               f"first login):\n{secret}")


@users.command("list")
@click.pass_obj
def list_users(settings: Settings) -> None:
    """Every user with role and state."""
    table = Table("user", "name", "role", "state", "last login", "created", title="users")
    with connection(settings) as conn:
        for u in user_store.listing(conn):
            state = "disabled" if not u.active else ("must change password" if u.must_change_password else "active")
            table.add_row(u.username, u.display_name or "", u.role, state, _when(u.last_login_at, settings),
                          _when(u.created_at, settings))
    Console().print(table)


@users.command("disable")
@click.argument("username")
@click.pass_obj
def disable_user(settings: Settings, username: str) -> None:
    """Disable a user; their sessions end at once."""
    with connection(settings) as conn:
        user_store.disable(conn, username, actor())
    click.echo(f"user {username} disabled; their sessions ended")


@users.command("enable")
@click.argument("username")
@click.pass_obj
def enable_user(settings: Settings, username: str) -> None:
    """Enable a disabled user again."""
    with connection(settings) as conn:
        user_store.enable(conn, username, actor())
    click.echo(f"user {username} enabled")


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(roles.ROLES))
@click.pass_obj
def set_role(settings: Settings, username: str, role: str) -> None:
    """Change a user's role (takes effect on their next request)."""
    with connection(settings) as conn:
        user_store.set_role(conn, username, role, actor())
    click.echo(f"user {username} is now {role}")


@users.command("reset-password")
@click.argument("username")
@click.pass_obj
def reset_password(settings: Settings, username: str) -> None:
    """A new one-time password for a user who forgot theirs; their sessions end."""
    with connection(settings) as conn:
        secret = user_store.reset_password(conn, username, actor())
    click.echo(f"one-time password for {username} (shown once, to be changed at first login):\n{secret}")


@click.group()
def keys() -> None:
    """API keys for other systems (scoped, revocable) and kiosk tokens for wall screens."""


@keys.command("add")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(roles.API_SCOPES),
              help="what the key may do: read (the read API), reports:submit (Open311 POST); repeatable")
@click.option("--kiosk", is_flag=True, help="a kiosk token for an unattended wall screen (/wall?kiosk=…)")
@click.option("--expires-days", type=click.IntRange(1, 3650), help="valid for this many days [no expiry]")
@click.pass_obj
def add_key(settings: Settings, name: str, scopes: tuple[str, ...], kiosk: bool, expires_days: int | None) -> None:
    """Make a key; prints it once (only its hash is kept)."""
    if kiosk and scopes:
        raise click.UsageError("a kiosk token has no scopes: it opens the wall screen and nothing else")
    expires = timedelta(days=expires_days) if expires_days else None
    with connection(settings) as conn:
        key, secret = key_store.add(conn, name, actor(), scopes, kiosk=kiosk, expires_in=expires)
    if kiosk:
        url = f"http://{settings.http_host}:{settings.http_port}/wall?kiosk={secret}"
        click.echo(f"kiosk token {key.id} ({key.name}) made. Open this on the wall screen (shown once):\n{url}")
    else:
        click.echo(f"API key {key.id} ({key.name}; {', '.join(key.scopes)}) made. Send it as the header "
                   f"'Authorization: Bearer …' (Open311: the api_key field). Shown once:\n{secret}")


@keys.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="revoked keys too")
@click.pass_obj
def list_keys(settings: Settings, include_revoked: bool) -> None:
    """Keys and kiosk tokens: id, kind, name, first characters, scopes, use."""
    table = Table("id", "kind", "name", "starts with", "scopes", "created", "expires", "last used", "state",
                  title="keys")
    with connection(settings) as conn:
        for k in key_store.listing(conn, include_revoked):
            table.add_row(str(k.id), k.kind, k.name, k.shown + "…", ", ".join(k.scopes),
                          f"{_when(k.created_at, settings)} {k.created_by}", _when(k.expires_at, settings),
                          _when(k.last_used_at, settings), "revoked" if k.revoked_at else "active")
    Console().print(table)


@keys.command("revoke")
@click.argument("key_id", type=int)
@click.pass_obj
def revoke_key(settings: Settings, key_id: int) -> None:
    """Revoke a key or kiosk token by id (see `ioc keys list`); a kiosk's screen is signed out at once."""
    with connection(settings) as conn:
        key = key_store.revoke(conn, key_id, actor())
    click.echo(f"{key.kind} key {key.id} ({key.name}) revoked")
