"""Ingest counters: shown by ``ioc ingest --stats``, stored in ingest_heartbeat, scraped at ``/metrics``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector


@dataclass
class Counters:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    dead_letters_over_budget: int = 0
    spooled: int = 0
    db_errors: int = 0
    queue_depth: int = 0
    spool_messages: int = 0
    spool_bytes: int = 0
    oldest_unacked_s: float = 0.0
    db_up: bool = True
    acknowledging: bool = True      # False: messages can be neither committed nor spooled; the broker holds them
    spool_disk_full: bool = False   # the spool's disk refused a write (full, read-only, I/O error)
    started: float = field(default_factory=time.time)

    def snapshot(self) -> dict[str, float | int | bool]:
        return {k: v for k, v in asdict(self).items() if k != "started"}


_COUNTERS = ("received", "stored", "duplicates", "dead_lettered", "dead_letters_over_budget", "spooled", "db_errors")
_GAUGES = ("queue_depth", "spool_messages", "spool_bytes", "oldest_unacked_s", "db_up", "acknowledging",
           "spool_disk_full")
_HELP = {
    "received": "MQTT messages received", "stored": "rows committed to the time-series tables",
    "duplicates": "redelivered readings recognised and stored once", "dead_lettered": "rejected objects dead-lettered",
    "dead_letters_over_budget": "refused messages only counted: their device spent its dead-letter budget",
    "acknowledging": "1 while messages are committed or spooled; 0 while the broker must hold them",
    "spool_disk_full": "1 when the spool's disk refused a write",
    "spooled": "messages written to the local spool while the database was down",
    "db_errors": "failed database writes", "queue_depth": "messages received and not yet committed",
    "spool_messages": "messages in the local spool", "spool_bytes": "bytes in the local spool",
    "oldest_unacked_s": "age of the oldest message not yet acknowledged", "db_up": "1 when the database is reachable",
}


class CountersCollector(Collector):
    """Exposes a live Counters object to prometheus_client without copying numbers around."""

    def __init__(self, counters: Counters, worker: str) -> None:
        self.counters, self.worker = counters, worker

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        for name in _COUNTERS:
            fam = CounterMetricFamily(f"ioc_ingest_{name}", _HELP[name], labels=["worker"])
            fam.add_metric([self.worker], float(getattr(self.counters, name)))
            yield fam
        for name in _GAUGES:
            gauge = GaugeMetricFamily(f"ioc_ingest_{name}", _HELP[name], labels=["worker"])
            gauge.add_metric([self.worker], float(getattr(self.counters, name)))
            yield gauge
