"""Each channel's message arrives at its real local receiver; failures are classified transient or permanent."""

from __future__ import annotations

from collections.abc import Iterator
from email.header import decode_header, make_header

import pytest

from pipelines.alarms.notify.channels import DeliveryError, Message
from pipelines.alarms.notify.smtp import EmailChannel
from pipelines.alarms.notify.telegram import TelegramChannel
from pipelines.alarms.notify.webhook import WebhookChannel, signature
from pipelines.alarms.notify.zalo import ZaloChannel
from tests.alarms.receivers import TOKEN, ZALO_TOKEN, Http, free_port, http_server, smtp_server

MSG = Message("[CAO / MAJOR] Camera mất kết nối — phường 26734", "Camera mất kết nối.\n— English —\nCamera offline.",
              "major", {"group": "camera-offline|26734|major", "zns": {"alarm": "Camera mất kết nối", "count": 40}})


@pytest.fixture
def http() -> Iterator[Http]:
    with http_server() as server:
        yield server


def test_email_arrives_at_the_smtp_server_in_vietnamese() -> None:
    with smtp_server() as (port, mails):
        EmailChannel("127.0.0.1", port, "ioc@phuong.vn", starttls=False).send("noc@phuong.vn", MSG)
    assert len(mails) == 1
    assert str(make_header(decode_header(mails[0]["Subject"]))) == MSG.subject
    assert mails[0]["To"] == "noc@phuong.vn"
    text = mails[0].get_payload(decode=True)
    assert isinstance(text, bytes) and "Camera mất kết nối" in text.decode()


def test_email_to_a_closed_port_is_transient() -> None:
    with pytest.raises(DeliveryError) as err:
        EmailChannel("127.0.0.1", free_port(), "ioc@phuong.vn", starttls=False).send("noc@phuong.vn", MSG)
    assert err.value.transient


def test_email_without_the_servers_starttls_is_a_permanent_configuration_error() -> None:
    with smtp_server() as (port, mails), pytest.raises(DeliveryError) as err:
        EmailChannel("127.0.0.1", port, "ioc@phuong.vn", starttls=True).send("noc@phuong.vn", MSG)
    assert not err.value.transient and "STARTTLS" in str(err.value)
    assert mails == []


def test_webhook_posts_json_signed_with_hmac(http: Http) -> None:
    WebhookChannel("s3cret").send(f"{http.url}/hooks/ioc", MSG)
    [req] = http.requests
    assert req.path == "/hooks/ioc"
    assert req.json()["subject"] == MSG.subject and req.json()["group"] == "camera-offline|26734|major"
    assert req.headers["x-ioc-signature"] == signature(b"s3cret", req.headers["x-ioc-timestamp"], req.body)
    assert req.headers["x-ioc-signature"] != signature(b"other", req.headers["x-ioc-timestamp"], req.body)


@pytest.mark.parametrize(("code", "transient"), [(503, True), (429, True), (404, False)])
def test_webhook_failures_are_classified(http: Http, code: int, transient: bool) -> None:
    http.failures.append((code, b"{}"))
    with pytest.raises(DeliveryError) as err:
        WebhookChannel("s3cret").send(f"{http.url}/hooks/ioc", MSG)
    assert err.value.transient is transient


def test_telegram_send_message_reaches_the_bot_api(http: Http) -> None:
    TelegramChannel(TOKEN, http.url).send("-1001234", MSG)
    [req] = http.requests
    assert req.path == f"/bot{TOKEN}/sendMessage"
    assert req.json()["chat_id"] == "-1001234"
    assert req.json()["text"].startswith(MSG.subject)


def test_telegram_wrong_token_is_permanent_and_never_logged(http: Http) -> None:
    with pytest.raises(DeliveryError) as err:
        TelegramChannel("999:wrong", http.url).send("-1001234", MSG)
    assert not err.value.transient
    assert "999:wrong" not in str(err.value)


def test_zalo_oa_message_and_zns_template(http: Http) -> None:
    zalo = ZaloChannel(ZALO_TOKEN, http.url, http.url, "231000")
    zalo.send("user:8412345", MSG)
    zalo.send("zns:0901 234 567", MSG)
    oa, zns = http.requests
    assert oa.path == "/v3.0/oa/message/cs" and oa.headers["access_token"] == ZALO_TOKEN
    assert oa.json()["recipient"] == {"user_id": "8412345"}
    assert oa.json()["message"]["text"].startswith(MSG.subject)
    assert zns.path == "/message/template"
    assert zns.json() == {"phone": "84901234567", "template_id": "231000",
                          "template_data": {"alarm": "Camera mất kết nối", "count": "40"}}


@pytest.mark.parametrize("target", ["user:", "sms:0901234567", "zns:12345"])
def test_zalo_bad_targets_are_permanent(http: Http, target: str) -> None:
    with pytest.raises(DeliveryError) as err:
        ZaloChannel(ZALO_TOKEN, http.url, http.url, "231000").send(target, MSG)
    assert not err.value.transient
    assert http.requests == []


def test_zalo_invalid_token_is_permanent(http: Http) -> None:
    with pytest.raises(DeliveryError) as err:
        ZaloChannel("expired", http.url, http.url).send("user:1", MSG)
    assert not err.value.transient and "-124" in str(err.value)
