"""``ioc ingest audit``: the balance of every reading received, per window, device or ward; non-zero on a loss."""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from ioc import db, stack
from ioc.config import Settings
from pipelines.ingest.audit import Balance, Scope, balance, parse_span, stages


def _span(_ctx: click.Context, _param: click.Parameter, value: str) -> object:
    try:
        return parse_span(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command()
@click.option("--since", default="24h", show_default=True, callback=_span, help="window: 90m, 24h, 30d")
@click.option("--device", default=None, help="one device id")
@click.option("--ward", default=None, help="devices registered in this ward code")
@click.option("--json", "as_json", is_flag=True, help="print the balance as JSON")
@click.pass_obj
def audit(settings: Settings, since: object, device: str | None, ward: str | None, as_json: bool) -> None:
    """Every reading received = stored + rejected + duplicates, the tables hold it and the broker dropped nothing;
    exit 1 when not."""
    scope = Scope(since, device, ward)  # type: ignore[arg-type]
    with db.connect(stack.endpoints(settings).database_url) as conn:
        result, counters = balance(conn, scope), stages(conn)
    problems = result.problems()
    if as_json:
        click.echo(json.dumps(asdict(result) | {"problems": problems, "notes": result.notes(), "stages": counters},
                              default=str))
    else:
        _print(result, problems)
        Console().print("ingester (messages, since each worker started): "
                        + ", ".join(f"{k} {v}" for k, v in counters.items()))
    if problems:
        raise click.exceptions.Exit(1)


def _print(b: Balance, problems: list[str]) -> None:
    table = Table("", "", title=f"ioc ingest audit — từ / since {b.start:%Y-%m-%d %H:%M} UTC")
    for label, value in (("thiết bị / devices", b.devices), ("nhận / received", b.received),
                         ("đã lưu / stored", b.stored), ("từ chối / rejected", b.rejected),
                         ("trùng lặp / duplicates", b.duplicates), ("đến muộn / late", b.late),
                         ("dòng trong bảng / rows in tables", b.rows_present),
                         ("thư chết / dead letters", b.dead_letters),
                         ("đủ dữ liệu / completeness", _pct(b.periodic, b.expected))):
        table.add_row(label, str(value))
    console = Console()
    console.print(table)
    if b.broker is not None and b.broker.samples:
        w = b.broker
        console.print(f"broker ($SYS, {w.samples} samples, last {w.last_sample:%H:%M:%S} UTC): received "
                      f"{w.publish_received}, sent {w.publish_sent}, dropped {w.publish_dropped}; in its store now "
                      f"{w.store_messages}, clients {w.clients_connected}"
                      + (f"; restarts {w.restarts}" if w.restarts else ""), markup=False)
    for note in b.notes():
        console.print(f"note: {note}")
    for problem in problems:
        console.print(f"[bold red]MẤT CÂN ĐỐI / UNBALANCED:[/] {problem}")
    if not problems:
        console.print("cân đối / balanced: received = stored + rejected + duplicates")


def _pct(part: int, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"
