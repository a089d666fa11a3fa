"""Escalation, pure: a critical alarm nobody acknowledged notifies the next tier once that tier's delay has passed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Unacked:
    """An alarm still ``open`` (not acknowledged) and already notified once."""

    id: int
    rule: str
    owner: str
    severity: str
    entity: str
    ward: str | None
    name_vi: str
    name_en: str
    raised_at: datetime
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    alarm: Unacked
    tier: int              # 1 = the first tier above the route's own targets


def due(alarms: Iterable[Unacked], delays: Sequence[timedelta], done: set[tuple[int, int]], now: datetime,
        severities: Sequence[str] = ("critical",)) -> list[Escalation]:
    """Every (alarm, tier) whose delay since the raise has passed and that was not escalated before.

    ``delays[i]`` is tier ``i + 1``'s delay; a tier is skipped only if it was done, so a dispatcher that was down for
    an hour escalates to every tier that became due meanwhile.
    """
    out = []
    for alarm in alarms:
        if alarm.severity not in severities:
            continue
        for index, delay in enumerate(delays):
            tier = index + 1
            if now - alarm.raised_at >= delay and (alarm.id, tier) not in done:
                out.append(Escalation(alarm, tier))
    return out
