"""A received MQTT message: what paho gave us, when, and what the contract made of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sensors.contract import ParseResult


@dataclass(frozen=True, slots=True)
class Message:
    mid: int
    qos: int
    topic: str
    payload: bytes
    received_at: datetime
    result: ParseResult
    gen: int = 0          # connection generation: a mid is only valid on the connection that delivered it
    over_budget: bool = False   # its device spent its dead-letter budget: its rejections are counted, not stored


@dataclass(slots=True)
class WriteStats:
    stored: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    dead_letters_over_budget: int = 0

    def add(self, other: WriteStats) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.dead_lettered += other.dead_lettered
        self.dead_letters_over_budget += other.dead_letters_over_budget
