"""``ioc briefing``: the weekly leader briefing on demand (``--week 2026-W49``), its recipients, and ``run``, the
Monday 07:00 schedule (docs/briefing.md)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click
import psycopg
from psycopg_pool import PoolTimeout

from dashboards import context
from ioc import db, stack
from ioc.config import Settings
from pipelines.briefing import archive, schedule
from pipelines.briefing.week import SEND_AT, last_complete, parse
from pipelines.kpis.periods import parse_now

log = logging.getLogger("ioc.briefing")


def _ioc(settings: Settings) -> context.IocContext:
    url = settings.database_url or stack.endpoints(settings).database_url
    return context.IocContext(settings, lazy=context.LazyPool(url, max_size=2))


@click.group(invoke_without_command=True)
@click.option("--week", "week_text", help="ISO week, e.g. 2026-W49 [default: last week]")
@click.option("--ward", help="one ward's briefing (its code)")
@click.option("--province", help="one province's briefing (its name, as /kpis lists it)")
@click.option("--lang", "lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--pdf", "pdf_out", type=click.Path(path_type=Path, dir_okay=False), help="write the PDF here")
@click.option("--html", "html_out", type=click.Path(path_type=Path, dir_okay=False), help="write the HTML here")
@click.option("--mail", is_flag=True, help="mail it to the recipients of this scope and language")
@click.option("--to", "to", multiple=True, help="mail it to this address (repeatable) instead of the recipients")
@click.option("--now", "now_text", help="generate as at this time (ISO with offset; default: now)")
@click.pass_context
def briefing(ctx: click.Context, week_text: str | None, ward: str | None, province: str | None, lang: str,
             pdf_out: Path | None, html_out: Path | None, mail: bool, to: tuple[str, ...],
             now_text: str | None) -> None:
    """The weekly leader briefing (PDF and HTML, archived at /briefings); `ioc briefing run` mails it each
    Monday 07:00."""
    if ctx.invoked_subcommand is not None:
        return
    from dashboards.briefing import service

    if ward and province:
        raise click.UsageError("--ward or --province, not both")
    settings: Settings = ctx.obj
    now = parse_now(now_text)
    week = parse(week_text) if week_text else last_complete(now, settings.tz)
    ioc = _ioc(settings)
    try:
        made = service.generate(ioc, week, ward or province, lang, now)
        if pdf_out:
            pdf_out.write_bytes(made.pdf)
        if html_out:
            html_out.write_text(made.html, encoding="utf-8")
        click.echo(f"briefing {week.label} {made.briefing.scope_key} {lang}: archive #{made.archive_id}"
                   + (f", PDF {pdf_out}" if pdf_out else "") + (f", HTML {html_out}" if html_out else ""))
        if mail or to:
            with ioc.pool.connection() as conn:
                listed = [r.email for r in archive.recipients(conn)
                          if r.scope == made.briefing.scope_key and r.lang == lang]
            addresses = list(to) or listed
            if not addresses:
                raise click.ClickException(f"no recipient for scope {made.briefing.scope_key!r} and lang {lang}: "
                                           "`ioc briefing recipients add EMAIL --scope …` or --to")
            service.send(ioc, made, addresses, now)
            click.echo(f"mailed to {', '.join(addresses)}")
    finally:
        if ioc.lazy:
            ioc.lazy.close()


@briefing.group()
def recipients() -> None:
    """Who receives the Monday briefing: an address, a scope ('*', a province name, a ward code), a language."""


def _recipient(email: str, scope: str, lang: str) -> archive.Recipient:
    return archive.Recipient(email, scope, lang)


@recipients.command("add")
@click.argument("email")
@click.option("--scope", default="*", show_default=True, help="'*' (every ward), a province name or a ward code")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.pass_obj
def recipients_add(settings: Settings, email: str, scope: str, lang: str) -> None:
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        added = archive.add_recipient(conn, _recipient(email, scope, lang))
    click.echo(f"{email} ({scope}, {lang}): {'added' if added else 'already a recipient'}")


@recipients.command("remove")
@click.argument("email")
@click.option("--scope", default="*", show_default=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.pass_obj
def recipients_remove(settings: Settings, email: str, scope: str, lang: str) -> None:
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        removed = archive.remove_recipient(conn, _recipient(email, scope, lang))
    click.echo(f"{email} ({scope}, {lang}): {'removed' if removed else 'was not a recipient'}")


@recipients.command("list")
@click.pass_obj
def recipients_list(settings: Settings) -> None:
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        for r in archive.recipients(conn):
            click.echo(f"{r.email}\t{r.scope}\t{r.lang}")


@briefing.command("run")
@click.option("--every", type=float, default=60.0, show_default=True, help="seconds between checks")
@click.option("--once", is_flag=True, help="check once and exit")
@click.pass_obj
def run(settings: Settings, every: float, once: bool) -> None:
    """Each Monday 07:00 local, generate and mail last week's briefing to each recipients' scope and language, once
    (a restart never mails a week twice; a runner down on Monday catches up that week)."""
    from datetime import UTC, datetime

    from dashboards.briefing import service

    ioc = _ioc(settings)
    log.info("briefing schedule: Monday %s %s; checking every %.0f s", SEND_AT, settings.timezone, every)
    try:
        while True:
            now = datetime.now(UTC)
            try:
                with ioc.pool.connection() as conn:
                    done = schedule.tick(conn, now, settings.tz, service.producer(ioc, now))
            except (psycopg.OperationalError, PoolTimeout) as exc:    # the database away: try again next check
                log.warning("briefing schedule: database unavailable (%s); retrying in %.0f s", exc, every)
                done = []
            for week, scope, lang in done:
                click.echo(f"briefing {week} {scope} {lang} generated and mailed")
            if once:
                return
            time.sleep(every)
    except KeyboardInterrupt:
        return
    finally:
        if ioc.lazy:
            ioc.lazy.close()
