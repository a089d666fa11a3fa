"""``ioc ingest`` (MQTT → TimescaleDB) and ``ioc rollup``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from ioc import db, stack
from ioc.config import Settings, log_settings
from pipelines.audit_cli import audit

if TYPE_CHECKING:
    from pipelines.ingest.members import Membership


@click.group(invoke_without_command=True)   # `ioc ingest` runs the ingester; `ioc ingest audit` is a subcommand
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="processes sharing the MQTT subscription ($share group)")
@click.option("--worker-index", type=int, default=None, hidden=True)
@click.option("--client-id", default="ioc-ingest", show_default=True,
              help="MQTT client id prefix: worker i is <prefix>-i (stable; never the hostname)")
@click.option("--share-group", default="ioc-ingest", show_default=True,
              help="MQTT v5 shared-subscription group when --workers > 1 (one worker subscribes plainly)")
@click.option("--batch-size", type=click.IntRange(1, 20000), default=2000, show_default=True)
@click.option("--batch-ms", type=click.IntRange(1, 5000), default=50, show_default=True)
@click.option("--spool-mb", type=click.IntRange(1, 100000), default=512, show_default=True,
              help="local spool bound while the database is down")
@click.option("--queue-messages", type=click.IntRange(100, 10_000_000), default=20_000, show_default=True,
              help="in-memory queue bound in messages; when full, reading from the broker pauses")
@click.option("--queue-mb", type=click.IntRange(1, 100_000), default=64, show_default=True,
              help="in-memory queue bound in MB")
@click.option("--writer-process/--single-process", default=True, show_default=True,
              help="parse and write in a second process per worker (two cores); --single-process: all in one")
@click.option("--metrics-port", type=int, default=None, help="serve Prometheus /metrics on 127.0.0.1:PORT (+index)")
@click.option("--stats", is_flag=True, help="print every worker's counters and the group's broker sessions, then exit")
@click.option("--reclaim", "reclaim_only", is_flag=True,
              help="drain and end the broker sessions of members beyond --workers, then exit (worker 0 also does "
                   "this continuously)")
@click.pass_obj
def ingest(settings: Settings, workers: int, worker_index: int | None, client_id: str, share_group: str,
           batch_size: int, batch_ms: int, spool_mb: int, queue_messages: int, queue_mb: int,
           writer_process: bool, metrics_port: int | None, stats: bool,
           reclaim_only: bool) -> None:
    """Store every valid device message once; dead-letter every invalid one; lose nothing."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    from pipelines.ingest.members import Membership, member_id

    urls = stack.endpoints(settings)
    group = Membership(client_id, workers, share_group)
    if stats:
        _print_stats(urls.database_url)
        _print_sessions(urls.database_url, urls.mqtt_url, group)
        return
    if reclaim_only:
        _reclaim_once(settings, urls.database_url, urls.mqtt_url, group, spool_mb)
        return
    if workers > 1 and worker_index is None:
        _supervise(workers)
        return
    from ioc.security.retention import purge
    from pipelines.ingest.service import Ingester, IngestOptions
    from pipelines.retention import RetentionPolicy

    log_settings(settings)
    with db.connect(urls.database_url):
        pass   # fail fast with one clear line when the database is unreachable at start
    index = worker_index or 0
    opt = IngestOptions(
        database_url=urls.database_url, mqtt_url=urls.mqtt_url, state_dir=settings.state_dir,
        client_id=member_id(client_id, index), share_group=share_group if workers > 1 else None,
        membership=group, reclaim=index == 0,
        batch_size=batch_size, batch_seconds=batch_ms / 1000,
        spool_max_bytes=spool_mb * 1024 * 1024, queue_messages=queue_messages, queue_bytes=queue_mb * 1024 * 1024,
        metrics_port=metrics_port + index if metrics_port else None,
        writer_process=writer_process, log_level=settings.log_level,
        timezone=settings.timezone, max_age_days=settings.ingest_max_age_days,
        retention=RetentionPolicy.from_settings(settings),
        purge=lambda conn: purge(conn, settings))
    Ingester(opt).run()


def _supervise(workers: int) -> None:
    """Run N worker processes of this same command; forward SIGINT/SIGTERM; wait for all."""
    args = [*_without_workers(sys.argv[1:]), "--workers", str(workers)]   # each worker knows the configured set
    procs = [subprocess.Popen([sys.executable, "-m", "smartward", *args, "--worker-index", str(i)])
             for i in range(workers)]

    def forward(signum: int, _frame: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    codes = [p.wait() for p in procs]
    if any(codes):
        raise click.exceptions.Exit(max(codes))


def _without_workers(argv: list[str]) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--workers":
            skip = True
        elif not arg.startswith("--workers="):
            out.append(arg)
    return out


def _print_stats(url: str) -> None:
    with db.connect(url) as conn:
        rows = conn.execute("SELECT worker, updated_at, last_commit_at, counters FROM ingest_heartbeat "
                            "ORDER BY worker").fetchall()
    table = Table("worker", "seen", "received", "stored", "dup", "dead", "queue", "spool", "oldest unacked s", "db",
                  title="ioc ingest --stats")
    for worker, updated, _commit, c in rows:
        age = time.time() - updated.timestamp()
        table.add_row(worker, f"{age:.0f} s ago", *(str(c.get(k, "")) for k in (
            "received", "stored", "duplicates", "dead_lettered", "queue_depth", "spool_messages", "oldest_unacked_s")),
            "up" if c.get("db_up", True) else "DOWN")
    Console().print(table if rows else "no ingester has reported yet")
    if os.environ.get("IOC_STATS_JSON"):
        click.echo(json.dumps([{"worker": r[0], **r[3]} for r in rows]))


def _print_sessions(database_url: str, mqtt_url: str, group: Membership) -> None:
    from ioc.mqtt import MqttTarget
    from pipelines.ingest.sessions import sessions

    rows = sessions(database_url, MqttTarget.parse(mqtt_url), group)
    table = Table("member", "configured", "session", "queued", title=f"broker sessions of {group.prefix}-*")
    for r in rows:
        queued = "" if r.queued is None else f"{'≥' if r.capped else ''}{r.queued}"
        where = " (in the worker)" if r.state == "running" and r.queued is not None else ""
        table.add_row(r.member, "yes" if r.configured else "GHOST" if r.ghost else "no", r.state, queued + where)
    Console().print(table)
    if os.environ.get("IOC_STATS_JSON"):
        click.echo(json.dumps([{"member": r.member, "configured": r.configured, "state": r.state,
                                "queued": r.queued} for r in rows]))


def _reclaim_once(settings: Settings, database_url: str, mqtt_url: str, group: Membership, spool_mb: int) -> None:
    import psycopg

    from ioc.mqtt import MqttTarget
    from pipelines.ingest import reclaim
    from pipelines.ingest.sink import PgSink

    def connect_sink() -> PgSink:
        return PgSink(psycopg.connect(database_url, connect_timeout=3))

    drain = reclaim.Drain(MqttTarget.parse(mqtt_url), connect_sink, settings.state_dir / "spool",
                          spool_mb * 1024 * 1024)
    done = reclaim.reclaim_ghosts(database_url, group, drain)
    for member, n in done:
        click.echo(f"reclaimed {member}: {n} queued message(s) stored, session ended")
    click.echo(f"{len(done)} ghost member(s) reclaimed")


ingest.add_command(audit)


@click.command()
@click.option("--once", is_flag=True, help="refresh what is dirty, then exit")
@click.pass_obj
def rollup(settings: Settings, once: bool) -> None:
    """Refresh the 1-minute, 1-hour and daily rollups (the ingester's leader does this continuously)."""
    from pipelines import rollup as rollups

    urls = stack.endpoints(settings)
    with db.connect(urls.database_url, autocommit=True) as conn:
        while True:
            total = 0
            while (done := rollups.refresh(conn, settings.timezone).minutes):
                total += done
            click.echo(f"refreshed {total} dirty minute(s)")
            if once:
                return
            time.sleep(5)
