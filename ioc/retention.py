"""What the IOC keeps, and for how long: the one table of data classes, read by everyone who stores or removes data.

Each data class names its tables, the setting that gives its days, how expired rows go (``drop_chunks`` of whole
hypertable chunks in ``pipelines/retention.py``, or ``delete`` from plain tables in ``ioc/security/retention.py``)
and whether it is personal data (Law 91/2025/QH15: kept no longer than its purpose needs). The ingester's tables are
named here once too, so the sink, retention and compression can never disagree about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ioc.config import Settings

# Hypertables the ingester writes, one per record type of the contract (sensors/contract).
TELEMETRY = (
    "env_telemetry", "camera_telemetry", "camera_events", "wifi_telemetry", "light_telemetry", "device_status",
)
# Dead letters (migration 0080): the message once, its reasons, and what went over a device's budget; they age together.
DEAD_LETTERS = ("dead_letter_messages", "dead_letter_reasons", "dead_letter_overflow")


@dataclass(frozen=True)
class DataClass:
    name: str
    tables: tuple[str, ...]
    setting: str | None                        # the Settings field that holds its days; None: kept ("keep")
    how: Literal["drop_chunks", "delete", "keep"]
    personal: bool = False

    def days(self, settings: Settings | None = None) -> int:
        """Days kept under ``settings``, or the default when there are none (a library user, a test)."""
        if self.setting is None:
            raise ValueError(f"{self.name} is kept: it has no retention period")
        value = getattr(settings, self.setting) if settings is not None else Settings.model_fields[self.setting].default
        return int(value)


DATA_CLASSES = (
    DataClass("raw_telemetry", (*[t for t in TELEMETRY if t != "camera_events"], "rollup_1m"), "raw_retention_days",
              "drop_chunks"),
    # ingest_accounting (per device and hour) ages like a rollup: 30-day completeness outlives the raw rows it counted;
    # so do the broker's $SYS samples (broker_stats), the broker stage of the same audits
    DataClass("rollups", ("rollup_1h", "rollup_1d", "ingest_accounting", "broker_stats"), "rollup_retention_days",
              "drop_chunks"),
    DataClass("dead_letters", DEAD_LETTERS, "dead_letter_retention_days", "drop_chunks"),
    DataClass("camera_events", ("camera_events",), "camera_event_retention_days", "drop_chunks", personal=True),
    DataClass("report_contacts", ("report_contacts",), "report_contact_retention_days", "delete", personal=True),
    DataClass("access_logs", ("personal_data_access", "security_events"), "access_log_retention_days", "delete"),
    # a closed alarm goes with its transitions, events and escalations (ON DELETE CASCADE)
    DataClass("alarms", ("alarms",), "alarm_retention_days", "delete"),
    # the footage register is the trail of each extraction (Law 91/2025/QH15): kept, append-only; the recipients'
    # contacts beside it are personal data and go after their period (docs/footage.md)
    DataClass("footage_register", ("footage_register",), None, "keep"),
    DataClass("footage_contacts", ("footage_contacts",), "footage_contact_retention_days", "delete", personal=True),
    # a social mention holds a post's URL (which leads to its author) and a summary stripped of identifiers
    DataClass("social_mentions", ("social_mentions",), "social_mention_retention_days", "delete", personal=True),
    # the briefing archive is kept; the leaders' addresses it was mailed to become a count (docs/briefing.md)
    DataClass("briefing_recipients", ("briefings",), "briefing_recipient_retention_days", "delete", personal=True),
    DataClass("alarm_deliveries", ("alarm_deliveries",), "alarm_delivery_retention_days", "delete", personal=True),
)


def by_name() -> dict[str, DataClass]:
    return {c.name: c for c in DATA_CLASSES}


def chunk_plan(settings: Settings | None = None) -> tuple[tuple[str, int], ...]:
    """(hypertable, days kept) for every table whose old chunks are dropped, sorted by table."""
    return tuple(sorted((t, c.days(settings)) for c in DATA_CLASSES if c.how == "drop_chunks" for t in c.tables))
