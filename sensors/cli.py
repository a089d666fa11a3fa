"""``ioc simulate``: a fleet's devices publishing over MQTT, live (optionally fast-forwarded) or as a backfill."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ioc import stack
from ioc.config import Settings
from ioc.data import data_path
from ioc.errors import ConfigError, IocError
from ioc.mqtt import MqttTarget
from sensors.fleet import Fleet, load
from sensors.sim.backfill import run_backfill
from sensors.sim.clock import SimClock, parse_duration
from sensors.sim.engine import SimConfig, Simulation
from sensors.sim.faults import FaultConfig
from sensors.sim.pm25 import DEFAULT_CSV, load_pm25
from sensors.sim.publish import MqttPublisher
from sensors.sim.runner import LivePlan, Stats, peak_rss_mb, run_live

log = logging.getLogger("sensors.simulate")


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option("--fleet", "fleet_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="fleet file (YAML or JSON), e.g. data/fleets/dong_xoai.yaml")
@click.option("--speed", type=click.FloatRange(min=1.0), default=1.0, show_default=True,
              help="simulated seconds per wall second (never ahead of the real clock)")
@click.option("--start", help="simulated start: an ISO time (fleet zone if no offset) or a duration ago such as 2d "
                              "[now; 1d ago when --speed > 1]")
@click.option("--duration", callback=_duration, help="stop after this wall-clock time, e.g. 10m [until Ctrl-C]")
@click.option("--interval", callback=_duration, help="each device's reporting interval [60s; 15m for --backfill]")
@click.option("--heartbeat", callback=_duration, default="5m", show_default=True, help="status heartbeat period")
@click.option("--backfill", callback=_duration, help="publish this much history up to now (e.g. 30d), then exit")
@click.option("--seed", type=int, default=0, show_default=True, help="same seed, same messages")
@click.option("--pm25-csv", type=click.Path(dir_okay=False, path_type=Path), default=lambda: data_path(DEFAULT_CSV),
              show_default=f"data/{DEFAULT_CSV}", help="the hourly PM2.5 series environment stations replay")
@click.option("--devices-per-connection", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="devices sharing one MQTT connection (and its one last will); 1: a will per device")
@click.option("--max-inflight", type=click.IntRange(1, 65_535), default=100, show_default=True,
              help="unacknowledged QoS 1 messages per connection")
@click.option("--offline-rate", type=float, default=0.2, show_default=True, help="outages per device per day")
@click.option("--offline-minutes", type=float, default=20.0, show_default=True, help="mean outage length")
@click.option("--silent-rate", type=float, default=0.1, show_default=True,
              help="silences (connected, no data) per device per day")
@click.option("--silent-minutes", type=float, default=30.0, show_default=True, help="mean silence length")
@click.option("--skew-share", type=float, default=0.02, show_default=True, help="share of devices with a skewed clock")
@click.option("--max-skew", callback=_duration, default="2m", show_default=True, help="largest clock skew")
@click.option("--malformed", type=float, default=0.001, show_default=True,
              help="share of live data messages sent malformed (each rejection case of the contract in turn)")
@click.option("--ca-file", type=click.Path(exists=True, dir_okay=False), help="CA certificate for mqtts://")
@click.pass_obj
def simulate(settings: Settings, fleet_path: Path, speed: float, start: str | None, duration: timedelta | None,
             interval: timedelta | None, heartbeat: timedelta, backfill: timedelta | None, seed: int, pm25_csv: Path,
             devices_per_connection: int, max_inflight: int, offline_rate: float, offline_minutes: float,
             silent_rate: float, silent_minutes: float, skew_share: float, max_skew: timedelta, malformed: float,
             ca_file: str | None) -> None:
    """Simulate a fleet's cameras, wifi access points and environment stations over MQTT (QoS 1)."""
    fleet = load(fleet_path)
    step = interval or (timedelta(minutes=15) if backfill else timedelta(seconds=60))
    try:
        faults = FaultConfig(offline_rate, offline_minutes, silent_rate, silent_minutes, skew_share,
                             max_skew.total_seconds(), malformed) if not backfill else FaultConfig()
        config = SimConfig(int(step.total_seconds()), max(int(heartbeat.total_seconds()), int(step.total_seconds())),
                           seed, faults=faults)
    except ValueError as exc:
        raise ConfigError(f"ioc simulate: {exc}") from None
    sim = Simulation(fleet, load_pm25(pm25_csv), config)
    publisher = _publisher(settings, fleet, devices_per_connection, max_inflight, ca_file)
    try:
        if backfill:
            _backfill(sim, publisher, backfill)
        else:
            _live(sim, publisher, _start(start, speed, ZoneInfo(fleet.timezone)), speed, duration)
    finally:
        publisher.close()


def _publisher(settings: Settings, fleet: Fleet, per_connection: int, max_inflight: int,
               ca_file: str | None) -> MqttPublisher:
    devices = [(d.kind, d.device_id) for d in fleet.devices]
    target = MqttTarget.parse(settings.mqtt_url or stack.endpoints(settings).mqtt_url)
    publisher = MqttPublisher(target, devices, per_connection=per_connection, max_inflight=max_inflight,
                              client_prefix=f"ioc-sim-{fleet.name}-{os.getpid()}", ca_file=ca_file)
    up = publisher.connect()
    if up == 0:
        publisher.close()
        raise IocError(f"cannot reach the MQTT broker at {target.host}:{target.port} within 10 s: check IOC_MQTT_URL "
                       "or start the local stack (`ioc stack up`)")
    log.info("%d of %d connections up to %s:%d for %d devices", up, len(publisher.connections), target.host,
             target.port, len(devices))
    return publisher


def _start(text: str | None, speed: float, tz: ZoneInfo) -> datetime:
    now = datetime.now(UTC)
    if text is None:
        return now - timedelta(days=1) if speed > 1 else now
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--start {text!r} is neither an ISO time nor a duration such as 2d") from None
    when = when if when.tzinfo else when.replace(tzinfo=tz)
    if when > now:
        raise ConfigError(f"--start {text} is in the future: the contract rejects readings from the future")
    return when.astimezone(UTC)


def _live(sim: Simulation, publisher: MqttPublisher, start: datetime, speed: float,
          duration: timedelta | None) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    plan = LivePlan(SimClock(start, speed, time.monotonic()),
                    duration.total_seconds() if duration is not None else None)

    def report(stats: Stats) -> None:
        log.info("simulated %s | %.0f msg/s | %d messages | %d in flight | peak RSS %.0f MB",
                 stats.sim_time, stats.rate(), stats.messages, publisher.in_flight, peak_rss_mb())

    _done(run_live(sim, publisher, plan, stop=stop, report=report))


def _backfill(sim: Simulation, publisher: MqttPublisher, span: timedelta) -> None:
    end = datetime.now(UTC).replace(microsecond=0)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bar:
        task = bar.add_task("backfill", total=None)

        def progress(done: int, total: int, window_end: datetime) -> None:
            bar.update(task, completed=done, total=total, description=f"backfill to {window_end:%Y-%m-%d %H:%M}Z")

        _done(run_backfill(sim, publisher, end - span, end, progress=progress))


def _done(stats: Stats) -> None:
    elapsed = time.monotonic() - stats.started
    click.echo(f"published {stats.messages} messages ({stats.records} records, {stats.bytes / 1e6:.1f} MB) in "
               f"{elapsed:.1f} s: {stats.rate():.0f} msg/s; peak RSS {peak_rss_mb():.0f} MB; {dict(stats.by_role)}")
    if stats.unacknowledged:
        raise IocError(f"{stats.unacknowledged} messages were not acknowledged by the broker in time")
