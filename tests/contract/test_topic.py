"""Topics: parsed from what arrives, checked when built for publishing, and subscribe filters apart from both."""

from __future__ import annotations

import pytest

from sensors.contract import CHANNELS, FIELDS, KIND_CHANNELS, KINDS, Rejection, Topic, last_will, subscription

from .support import PAIRS


def test_the_contract_pairs() -> None:
    assert KINDS == ("camera", "wifi", "env", "light") and CHANNELS == ("telemetry", "event", "status")
    no_events = {("wifi", "event"), ("env", "event"), ("light", "event")}
    assert set(PAIRS) == {(k, c) for k in KINDS for c in CHANNELS} - no_events
    assert set(FIELDS) == {(k, c) for k, channels in KIND_CHANNELS.items() for c in channels}


@pytest.mark.parametrize(("kind", "channel"), PAIRS)
def test_parse_and_str_round_trip(kind: str, channel: str) -> None:
    text = f"ioc/v1/{kind}/Cam_01-x/{channel}"
    parsed = Topic.parse(text)
    assert parsed == Topic(kind, "Cam_01-x", channel)
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("ioc/v1/env/st-01", "bad_topic", "wrong shape"),
        ("ioc/v1/env/st-01/telemetry/extra", "bad_topic", "wrong shape"),
        ("/ioc/v1/env/st-01/telemetry", "bad_topic", "wrong shape"),
        ("IOC/v1/env/st-01/telemetry", "bad_topic", "wrong shape"),
        ("city/v1/env/st-01/telemetry", "bad_topic", "wrong shape"),
        ("ioc/v2/env/st-01/telemetry", "bad_topic", 'contract version "v2": expected v1'),
        ("", "bad_topic", "wrong shape"),
        ("ioc/v1/env//telemetry", "bad_topic", "device id"),
        ("ioc/v1/env/st.01/telemetry", "bad_topic", "device id"),
        ("ioc/v1/env/trạm-01/telemetry", "bad_topic", "device id"),
        ("ioc/v1/env/+/telemetry", "bad_topic", "device id"),
        ("ioc/v1/env/#/telemetry", "bad_topic", "device id"),
        ("ioc/v1/env/st-01\n/telemetry", "bad_topic", "device id"),
        ("ioc/v1/env/" + "a" * 65 + "/status", "bad_topic", "device id"),
        ("ioc/v1/env/" + "a" * 200 + "/status", "bad_topic", "too long"),
        ("ioc/v1/lamp/st-01/telemetry", "unknown_kind", "expected one of camera, wifi, env"),
        ("ioc/v1/env/st-01/event", "unknown_channel", "expected one of telemetry, status"),
        ("ioc/v1/wifi/ap-1/event", "unknown_channel", "expected one of telemetry, status"),
        ("ioc/v1/camera/c-1/events", "unknown_channel", "expected one of telemetry, event, status"),
    ],
)
def test_received_topic_problems(text: str, code: str, says: str) -> None:
    parsed = Topic.parse(text)
    assert isinstance(parsed, Rejection)
    assert parsed.code == code and says in parsed.reason and parsed.field is None and parsed.index is None


def test_reason_quotes_topic_text_safely() -> None:
    parsed = Topic.parse("ioc/v1/env/a\x00b\ud800/status")
    assert isinstance(parsed, Rejection)
    assert "\x00" not in parsed.reason and "\\u0000" in parsed.reason
    parsed.reason.encode("utf-8")  # storable: no lone surrogate survives into a reason


def test_device_id_of_64_characters() -> None:
    assert Topic.parse("ioc/v1/env/" + "a" * 64 + "/status") == Topic("env", "a" * 64, "status")


@pytest.mark.parametrize(
    ("kind", "device_id", "channel"),
    [
        ("env", "+", "telemetry"),
        ("env", "#", "telemetry"),
        ("env", "a/b", "telemetry"),
        ("env", "", "telemetry"),
        ("env", "a" * 65, "telemetry"),
        ("+", "st-01", "telemetry"),
        ("env", "st-01", "+"),
        ("env", "st-01", "event"),
        ("lamp", "st-01", "status"),
    ],
)
def test_publish_topics_are_checked_when_built(kind: str, device_id: str, channel: str) -> None:
    with pytest.raises(ValueError):
        Topic(kind, device_id, channel)


def test_subscriptions() -> None:
    assert subscription() == "ioc/v1/+/+/+"
    assert subscription("ioc-ingest") == "$share/ioc-ingest/ioc/v1/+/+/+"
    assert subscription(kind="camera", channel="event") == "ioc/v1/camera/+/event"
    assert subscription("g", channel="status") == "$share/g/ioc/v1/+/+/status"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"share_group": ""},
        {"share_group": "a/b"},
        {"share_group": "a+"},
        {"share_group": "#"},
        {"kind": "lamp"},
        {"kind": "#"},
        {"channel": "events"},
        {"kind": "env", "channel": "event"},
    ],
)
def test_bad_subscriptions(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        subscription(**kwargs)


def test_last_will() -> None:
    assert last_will("wifi", "ap-7") == ("ioc/v1/wifi/ap-7/status", b'{"online":false}')
    with pytest.raises(ValueError):
        last_will("wifi", "ap/7")
