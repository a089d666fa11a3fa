"""``ioc footage``: the camera footage register (sổ trích xuất hình ảnh). See docs/footage.md."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Column, Table

from ioc import db, stack
from ioc.config import Settings
from pipelines.footage import chain, queries, workflow

_out = Console()
_TIME = click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
_ACTOR = click.option("--actor", required=True, help="your user name: a footage officer (kept in the register)")


def _url(settings: Settings) -> str:
    return settings.database_url or stack.endpoints(settings).database_url


def _local(value: datetime | None, settings: Settings) -> str:
    return value.astimezone(settings.tz).strftime("%d/%m/%Y %H:%M") if value else ""


@click.group()
def footage() -> None:
    """The camera footage register: every extraction with its purpose, approval, files, delivery and destruction
    (Law 91/2025/QH15). Append-only and hash-chained; see docs/footage.md."""


@footage.command("request")
@_ACTOR
@click.option("--requester", required=True, help="who asks (name as on the letter)")
@click.option("--unit", required=True, help="the requester's unit, e.g. Công an phường Đồng Xoài")
@click.option("--purpose", required=True, type=click.Choice(workflow.PURPOSES),
              help="antt: public order; ttatgt: traffic safety; other: needs --reason")
@click.option("--reason", help="why (required for purpose other)")
@click.option("--legal-basis", required=True, help="the letter or article the request relies on")
@click.option("--camera", "cameras", multiple=True, required=True, help="camera device id (repeatable)")
@click.option("--from", "start", type=_TIME, required=True, help="start of the footage, local time")
@click.option("--to", "end", type=_TIME, required=True, help="end of the footage, local time")
@click.option("--ward", help="ward code (default: the cameras' ward)")
@click.pass_obj
def request_cmd(settings: Settings, actor: str, requester: str, unit: str, purpose: str, reason: str | None,
                legal_basis: str, cameras: tuple[str, ...], start: datetime, end: datetime, ward: str | None) -> None:
    """Register a request for footage; prints the extraction's number."""
    req = workflow.Request(requester, unit, purpose, legal_basis, cameras, start.replace(tzinfo=settings.tz),
                           end.replace(tzinfo=settings.tz), reason, ward)
    with db.connect(_url(settings)) as conn:
        rid = workflow.request(conn, actor, req)
    click.echo(f"extraction {rid}: requested; another footage officer approves or refuses it")


@footage.command("approve")
@click.argument("extraction_id", type=int)
@_ACTOR
@click.option("--destroy-by", type=click.DateTime(["%Y-%m-%d"]),
              help=f"date the exported copy must be destroyed by [default: in {workflow.DEFAULT_KEEP_DAYS} days]")
@click.option("--note")
@click.pass_obj
def approve_cmd(settings: Settings, extraction_id: int, actor: str, destroy_by: datetime | None,
                note: str | None) -> None:
    """Approve a request (not by the officer who registered it)."""
    with db.connect(_url(settings)) as conn:
        by = workflow.approve(conn, extraction_id, actor, destroy_by.date() if destroy_by else None, note)
    click.echo(f"extraction {extraction_id}: approved; destroy the copy by {by:%d/%m/%Y}")


@footage.command("refuse")
@click.argument("extraction_id", type=int)
@_ACTOR
@click.option("--reason", required=True)
@click.pass_obj
def refuse_cmd(settings: Settings, extraction_id: int, actor: str, reason: str) -> None:
    """Refuse a request, with the reason."""
    with db.connect(_url(settings)) as conn:
        workflow.refuse(conn, extraction_id, actor, reason)
    click.echo(f"extraction {extraction_id}: refused")


@footage.command("export")
@click.argument("extraction_id", type=int)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_ACTOR
@click.pass_obj
def export_cmd(settings: Settings, extraction_id: int, files: tuple[Path, ...], actor: str) -> None:
    """Record the exported FILES: their SHA-256 is computed here, from the files."""
    with db.connect(_url(settings)) as conn:
        digests = workflow.export(conn, extraction_id, actor, files)
    for d in digests:
        click.echo(f"{d['sha256']}  {d['name']} ({d['bytes']} bytes)")
    click.echo(f"extraction {extraction_id}: exported, {len(digests)} file(s)")


@footage.command("deliver")
@click.argument("extraction_id", type=int)
@_ACTOR
@click.option("--to", "to", required=True, help="who received the copy")
@click.option("--unit", required=True, help="the recipient's unit")
@click.option("--contact", help="the recipient's phone or e-mail (personal data: kept for a limited time)")
@click.option("--method", help="how, e.g. USB in person, encrypted link")
@click.pass_obj
def deliver_cmd(settings: Settings, extraction_id: int, actor: str, to: str, unit: str, contact: str | None,
                method: str | None) -> None:
    """Record the hand-over of the exported copy."""
    with db.connect(_url(settings)) as conn:
        workflow.deliver(conn, extraction_id, actor, to, unit, contact, method)
    click.echo(f"extraction {extraction_id}: delivered to {to}")


@footage.command("destroy")
@click.argument("extraction_id", type=int)
@_ACTOR
@click.option("--record", required=True, help="the destruction record (biên bản hủy): number, witnesses")
@click.pass_obj
def destroy_cmd(settings: Settings, extraction_id: int, actor: str, record: str) -> None:
    """Record the destruction of the exported copy."""
    with db.connect(_url(settings)) as conn:
        workflow.destroy(conn, extraction_id, actor, record)
    click.echo(f"extraction {extraction_id}: destroyed")


@footage.command("outcome")
@click.argument("extraction_id", type=int)
@click.argument("result", type=click.Choice(workflow.OUTCOMES))
@_ACTOR
@click.option("--note")
@click.pass_obj
def outcome_cmd(settings: Settings, extraction_id: int, result: str, actor: str, note: str | None) -> None:
    """Record what the footage helped clarify (a later outcome corrects an earlier one)."""
    with db.connect(_url(settings)) as conn:
        workflow.outcome(conn, extraction_id, actor, result, note)
    click.echo(f"extraction {extraction_id}: outcome {result}")


@footage.command("list")
@click.option("--state", type=click.Choice(tuple(workflow.NEXT)))
@click.option("--ward")
@click.option("--overdue", is_flag=True, help="only exported copies past their destruction date")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.pass_obj
def list_cmd(settings: Settings, state: str | None, ward: str | None, overdue: bool, limit: int) -> None:
    """Extractions, newest first (local times); --overdue: destructions past their date."""
    today = datetime.now(UTC).astimezone(settings.tz).date()
    with db.connect(_url(settings)) as conn:
        rows = queries.overdue(conn, today) if overdue else queries.extractions(conn, limit, ward, state)
    table = Table(Column("id", no_wrap=True), "requested", "ward", "purpose", "requester / unit", "state",
                  "approver", "destroy by", "outcome")
    for r in rows:
        by: date | None = r["destroy_by"]
        late = by is not None and by < today and r["state"] in ("exported", "delivered")
        table.add_row(str(r["id"]), _local(r["requested_at"], settings), r["ward_code"] or "", r["purpose"],
                      f"{r['requester']} / {r['unit']}", r["state"], r["approver"] or "",
                      (f"{by:%d/%m/%Y}" + (" OVERDUE" if late else "")) if by else "", r["outcome"] or "")
    _out.print(table)
    click.echo(f"{len(rows)} extraction(s)" + (" overdue for destruction" if overdue else ""))


@footage.command("verify")
@click.pass_obj
def verify_cmd(settings: Settings) -> None:
    """Check the hash chain from the first row; exit 1 naming the first broken row."""
    with db.connect(_url(settings)) as conn:
        verdict = chain.verify(conn)
    if verdict.ok:
        click.echo(f"footage register: {verdict.rows} rows, chain intact")
        return
    click.secho(f"footage register: row {verdict.broken_id} is broken: {verdict.reason}", fg="red", err=True)
    raise click.exceptions.Exit(1)


@footage.command("demo")
@click.pass_obj
def demo_cmd(settings: Settings) -> None:
    """A SYNTHETIC register for Đồng Xoài over two years (skipped when the register has rows)."""
    from pipelines.footage.demo import seed

    with db.connect(_url(settings)) as conn:
        added = seed(conn)
    click.echo(f"footage register: {added} demo rows" if added else "footage register: not empty, left alone")
