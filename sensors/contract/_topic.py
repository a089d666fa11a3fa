"""Topics: ``ioc/v1/{kind}/{device_id}/{channel}``, checked one way for publishing and another for subscribing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._ranges import CHANNELS, KIND_CHANNELS, KINDS
from ._rejection import Rejection, show

PREFIX = "ioc/v1"
_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SHAPE = "expected ioc/v1/{kind}/{device_id}/{channel}"
# A valid topic is at most len("ioc/v1/camera/") + 64 + len("/telemetry") characters; longer is never parsed.
_MAX_TOPIC = 100


@dataclass(frozen=True, slots=True)
class Topic:
    """A concrete topic a device publishes on. Constructing one checks it (ValueError: wildcards, bad parts)."""

    kind: str
    device_id: str
    channel: str

    def __post_init__(self) -> None:
        problem = _check(self.kind, self.device_id, self.channel)
        if problem is not None:
            raise ValueError(problem.reason)

    def __str__(self) -> str:
        return f"{PREFIX}/{self.kind}/{self.device_id}/{self.channel}"

    @staticmethod
    def parse(text: str) -> Topic | Rejection:
        """The Topic a received topic names, or why it names none. Never raises."""
        if len(text) > _MAX_TOPIC:
            return Rejection("bad_topic", f"topic of {len(text)} characters is too long: {_SHAPE}")
        parts = text.split("/")
        if len(parts) != 5 or parts[0] != "ioc" or parts[1] != "v1":
            return _bad_shape(text, parts)
        problem = _check(parts[2], parts[3], parts[4])
        return problem if problem is not None else Topic(parts[2], parts[3], parts[4])


def _bad_shape(text: str, parts: list[str]) -> Rejection:
    if len(parts) >= 2 and parts[0] == "ioc" and parts[1].startswith("v") and parts[1] != "v1":
        return Rejection("bad_topic", f"topic {show(text)} uses contract version {show(parts[1])}: expected v1")
    return Rejection("bad_topic", f"topic {show(text)} has the wrong shape: {_SHAPE}")


def _check(kind: str, device_id: str, channel: str) -> Rejection | None:
    if kind not in KINDS:
        return Rejection(
            "unknown_kind", f"unknown device kind {show(kind)} in the topic: expected one of {', '.join(KINDS)}"
        )
    if not isinstance(device_id, str) or _DEVICE_ID.fullmatch(device_id) is None:
        return Rejection(
            "bad_topic",
            f"device id {show(device_id)} in the topic is invalid: expected 1 to 64 of A-Z a-z 0-9 _ -",
        )
    allowed = KIND_CHANNELS[kind]
    if channel not in allowed:
        return Rejection(
            "unknown_channel",
            f"unknown channel {show(channel)} for {kind} devices: expected one of {', '.join(allowed)}",
        )
    return None


def subscription(share_group: str | None = None, kind: str = "+", channel: str = "+") -> str:
    """A subscribe filter for every device of ``kind`` on ``channel`` (``+`` = all), optionally a shared one.

    ``subscription("ioc-ingest")`` is ``$share/ioc-ingest/ioc/v1/+/+/+``. Raises ValueError for a filter that
    could match no contract topic.
    """
    if kind != "+" and kind not in KINDS:
        raise ValueError(f"kind {kind!r} is neither '+' nor one of {KINDS}")
    if channel != "+" and channel not in CHANNELS:
        raise ValueError(f"channel {channel!r} is neither '+' nor one of {CHANNELS}")
    if kind != "+" and channel != "+" and channel not in KIND_CHANNELS[kind]:
        raise ValueError(f"a {kind} device never publishes on {channel!r}: expected one of {KIND_CHANNELS[kind]}")
    topic_filter = f"{PREFIX}/{kind}/+/{channel}"
    if share_group is None:
        return topic_filter
    if not share_group or any(c in share_group for c in "/+#\x00"):
        raise ValueError(f"share group {share_group!r} must be non-empty without '/', '+', '#' or NUL")
    return f"$share/{share_group}/{topic_filter}"
