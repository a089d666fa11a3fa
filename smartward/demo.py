"""``ioc demo``: the whole IOC on this machine — stack, schema, real ward geography, two demo fleets, simulators,
the ingester and the dashboard — until Ctrl-C, which stops it all cleanly (the local stack included)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import click

from ioc import db, migrate, stack
from ioc.config import Settings, log_settings
from ioc.data import data_path
from ioc.errors import IocError
from ioc.security import users
from smartward.demo_history import wait_for_history
from smartward.demo_mailbox import Mailbox

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("ioc.demo")
FLEETS = ("fleets/dong_xoai.yaml", "fleets/nha_trang.yaml")  # shipped data files (ioc.data)
# who receives the demo's weekly briefing (docs/briefing.md): the city's leader, and one province's
DEMO_LEADERS = (("lanh-dao@ioc-demo.localhost", "*"), ("tinh-khanh-hoa@ioc-demo.localhost", "Tỉnh Khánh Hòa"))


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]


@click.command()
@click.option("--backfill", default="7d", show_default=True, help="history to publish first (empty: none)")
@click.option("--keep-stack", is_flag=True, help="leave the private PostgreSQL and Mosquitto running on exit")
@click.pass_obj
def demo(settings: Settings, backfill: str, keep_stack: bool) -> None:
    """Run the whole IOC with demo data flowing; the dashboard at http://HOST:PORT. Ctrl-C stops everything."""
    log_settings(settings)
    _check_port(settings)
    _stop_on_signals()
    # a private stack that was up before us (`ioc stack up`, a bench, another run) belongs to whoever started it
    already_up = [s.name for s in stack.status(settings) if s.managed and s.running]
    urls = stack.up(settings)
    with db.connect(urls.database_url) as conn:
        applied = migrate.apply(conn)
        log.info("schema: %s", f"applied {len(applied)} migration(s)" if applied else "up to date")
        _load_geography_and_fleets(conn)
        admin_password = users.ensure_admin(conn)
    env = {**os.environ, "IOC_DATABASE_URL": urls.database_url, "IOC_MQTT_URL": urls.mqtt_url,
           "IOC_STATE_DIR": str(settings.state_dir.resolve()), "IOC_HTTP_HOST": settings.http_host,
           "IOC_HTTP_PORT": str(settings.http_port), "IOC_LANG": settings.lang, "IOC_TIMEZONE": settings.timezone}
    _run_cli("procedure KPIs", ["kpis", "demo-data"], env)
    _run_cli("alarm rules", ["alarms", "rules", "load", str(data_path("alarms/default_rules.yaml"))], env)
    _run_cli("footage register", ["footage", "demo"], env)
    _run_cli("residents' page", ["public-demo"], env)   # hamlets first: the reports below get theirs on insert
    # least privilege on the broker: the ingester only reads, the simulators (a gateway) only write
    ingester_env = env | {"IOC_MQTT_URL": stack.account_url(settings, "ingester")}
    gateway_env = env | {"IOC_MQTT_URL": stack.account_url(settings, "gateway")}
    children: list[Child] = []
    mailbox: Mailbox | None = None
    try:
        children.append(_spawn("ingester", ["ingest"], ingester_env))
        children.append(_spawn("alarms", ["alarms", "run"], env))
        # notifications for real, offline: the notifier e-mails the demo's own mailbox (a local SMTP server)
        mailbox = Mailbox(settings.state_dir.resolve()).start()
        children.append(_spawn("alarms notifier", ["alarms", "notify", "run"], env | mailbox.notifier_env()))
        # listening at once: a port chosen free may be taken by another program while history loads
        children.append(_spawn("dashboard", ["serve"], env))
        for fleet in map(data_path, FLEETS):
            args = ["simulate", "--fleet", str(fleet), "--seed", "1"]
            children.append(_spawn(f"simulator {fleet.stem}", args, gateway_env))
            if backfill:
                children.append(_spawn(f"backfill {fleet.stem}", [*args, "--backfill", backfill], gateway_env))
        # the wall is complete when its URL is printed: history rolled up, then reports judged against it
        with db.connect(urls.database_url, autocommit=True) as conn:
            if not wait_for_history(conn, lambda: _backfills_running(children), say=click.echo):
                click.echo("history is still loading; the wall fills in as it arrives")
        _run_cli("field reports", ["reports", "demo", "--days", "60"], env)
        # incidents: a few handled episodes published by the fleet's cameras, then the suggester groups what comes
        _run_cli("incidents", ["incidents", "demo"], gateway_env)
        children.append(_spawn("incidents", ["incidents", "run"], env))
        children.append(_spawn("reports ticker", ["reports", "demo", "--days", "1", "--follow"], env))
        # the weekly leader briefing: last week's is due at once (Monday 07:00 has passed), later ones each Monday;
        # mailed to the demo's leaders at the demo mailbox, archived at /briefings
        for address, scope in DEMO_LEADERS:
            _run_cli("briefing recipients", ["briefing", "recipients", "add", address, "--scope", scope], env)
        children.append(_spawn("briefing schedule", ["briefing", "run"], env | mailbox.notifier_env()))
        click.secho(f"\nsmartward-ioc is running: http://{settings.http_host}:{settings.http_port}/wall  "
                    "(Ctrl-C stops everything)\n", fg="green", bold=True)
        _print_admin(admin_password)
        _watch(children)
    except KeyboardInterrupt:
        click.echo("\nstopping …")
    finally:
        _stop(children)
        if mailbox is not None:
            mailbox.stop()
        if already_up:
            click.echo(f"left running what was running before the demo: {', '.join(already_up)} "
                       "(`ioc stack down` stops it)")
        elif not keep_stack:
            stopped = stack.down(settings)
            if stopped:
                click.echo(f"stopped {', '.join(stopped)}")


@click.command("demo-data")
@click.pass_obj
def demo_data(settings: Settings) -> None:
    """Load the demo's real ward geography, the ward mapping and the two demo fleets (idempotent)."""
    with db.connect(stack.endpoints(settings).database_url) as conn:
        _load_geography_and_fleets(conn)


def _print_admin(password: str | None) -> None:
    if password is None:
        click.echo("Sign in with your admin account (forgot it? `ioc users reset-password admin`).\n")
        return
    click.secho(f"Sign in as  admin  with the one-time password  {password}  (shown once; you choose your own "
                "at first sign-in).\n", fg="yellow", bold=True)


def _run_cli(name: str, args: list[str], env: dict[str, str]) -> None:
    """A SYNTHETIC demo set (its README says so) through the normal command, as a person would load it."""
    done = subprocess.run([sys.executable, "-m", "smartward", *args], env=env, check=False,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise IocError(f"loading the demo {name} failed: {(done.stderr or done.stdout).strip()[-300:]}")
    log.info("demo %s loaded (synthetic)", name)


def _backfills_running(children: list[Child]) -> bool:
    for child in [c for c in children if c.name.startswith("backfill")]:
        code = child.proc.poll()
        if code == 0:
            log.info("%s finished", child.name)
            children.remove(child)
        elif code is not None:
            raise IocError(f"{child.name} exited with code {code}; see its log above")
    return any(c.name.startswith("backfill") for c in children)


def _check_port(settings: Settings) -> None:
    from ioc.stack._proc import port_in_use

    if port_in_use(settings.http_port, settings.http_host):
        raise IocError(f"port {settings.http_port} on {settings.http_host} is already taken: stop what uses it or "
                       f"choose another with --http-port / IOC_HTTP_PORT")


def _load_geography_and_fleets(conn: psycopg.Connection) -> None:
    from layers.assign import assign_devices
    from layers.ward_mapping import read_mapping
    from layers.ward_mapping_db import import_mapping
    from layers.wardfile import Fields
    from layers.wards import import_wards_file
    from sensors.fleet import load, register

    wards = import_wards_file(conn, data_path("boundaries/wards_2025.geojson"), fields=Fields(None, None, None, None),
                              valid_from=date(2025, 7, 1), valid_to=None, assume_crs=None)
    log.info("wards: %d new, %d updated", wards.inserted, wards.updated)
    mapping_file = data_path("boundaries/ward_mapping_pre2025_to_2025.csv")
    import_mapping(conn, read_mapping(mapping_file), source=mapping_file.name)
    for path in map(data_path, FLEETS):
        log.info("fleet %s: %d devices registered", path.stem, register(conn, load(path)))
    report = assign_devices(conn)
    log.info("devices placed in wards: %s", report.summary())


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (a supervisor, ``timeout``, ``kill``) both stop everything in order. SIGINT's handler is set
    again because a shell starting us in the background hands it down ignored, and Python then never raises
    KeyboardInterrupt; SIGTERM would otherwise end us at once and leave the children (own sessions) running."""
    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def _spawn(name: str, args: list[str], env: dict[str, str]) -> Child:
    # Own session: Ctrl-C reaches only us, and we stop the children in order (simulators before the ingester).
    proc = subprocess.Popen([sys.executable, "-m", "smartward", *args], env=env, start_new_session=True)
    log.info("started %s (pid %d)", name, proc.pid)
    return Child(name, proc)


def _watch(children: list[Child]) -> None:
    while True:
        time.sleep(1)
        for child in children:
            code = child.proc.poll()
            if code is None:
                continue
            if child.name.startswith("backfill") and code == 0:
                log.info("%s finished", child.name)
                children.remove(child)
                break
            raise IocError(f"{child.name} exited with code {code}; see its log above")


def _stop(children: list[Child]) -> None:
    """Simulators, the report ticker and the alarm evaluator first, then the ingester (it drains and commits), then
    the dashboard. A second Ctrl-C (or a
    supervisor that signals the whole process group) must not abandon children half-way: signals are ignored here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stages = [[c for c in children if c.name.startswith(("simulator", "backfill", "reports", "alarms", "briefing",
                                                         "incidents"))],
              [c for c in children if c.name == "ingester"],
              [c for c in children if c.name == "dashboard"]]
    for stage in stages:
        for child in stage:
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        for child in stage:
            try:
                child.proc.wait(30)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within 30 s; killing it", child.name)
                child.proc.kill()
                child.proc.wait()
