"""Grouping of notifiable events, pure: one message per (rule, ward, severity), not one per device.

Forty cameras of one ward going offline together raise forty events within seconds; a group waits ``group_wait``
after its first event so they arrive as one message, and sends again no sooner than ``repeat_interval`` after its
last message, folding whatever happened meanwhile into that next one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Event:
    """One ``alarm_events`` row with what the notifier needs from its alarm."""

    id: int
    alarm_id: int
    at: datetime
    event: str            # raised, reraised, renotify, flapping, resolved, acknowledged, closed
    severity: str
    rule: str
    owner: str
    entity: str
    ward: str | None
    name_vi: str
    name_en: str
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    rule: str
    owner: str
    ward: str | None
    severity: str
    events: tuple[Event, ...]

    @property
    def alarm_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(e.alarm_id for e in self.events))


def key_of(event: Event) -> str:
    return f"{event.rule}|{event.ward or '-'}|{event.severity}"


def ready(pending: Iterable[Event], last_sent: Mapping[str, datetime], now: datetime, group_wait: timedelta,
          repeat_interval: timedelta) -> list[Group]:
    """The groups whose message is due now; events of groups still waiting stay pending for a later call."""
    by_key: dict[str, list[Event]] = {}
    for event in pending:
        by_key.setdefault(key_of(event), []).append(event)
    due = []
    for key, events in by_key.items():
        if _due(min(e.at for e in events), last_sent.get(key), now, group_wait, repeat_interval):
            due.append(_group(key, events))
    return sorted(due, key=lambda g: min(e.id for e in g.events))


def _due(first: datetime, sent: datetime | None, now: datetime, wait: timedelta, repeat: timedelta) -> bool:
    if sent is not None and now - sent < repeat:
        return False
    return now - first >= wait


def _group(key: str, events: Sequence[Event]) -> Group:
    head = events[0]
    ordered = tuple(sorted(events, key=lambda e: e.id))
    return Group(key, head.rule, head.owner, head.ward, head.severity, ordered)
