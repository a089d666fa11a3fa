"""``POST /api/v1/social/mentions`` on the real app: signed by the provider's secret, inside the replay window,
under the size limit; each bad item refused by number and field while the good ones are kept."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from flask.testing import FlaskClient
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc.config import Settings
from pipelines.social import webhook
from tests.social.support import NORTH, city

PATH = "/api/v1/social/mentions"
SECRET = "s" * 40


@pytest.fixture
def client(settings: Settings, pool: ConnectionPool, db: psycopg.Connection) -> FlaskClient:
    city(db)
    return create_app(settings, pool).server.test_client()


def _item(n: int, **extra: Any) -> dict[str, Any]:
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return {"url": f"https://fb.com/p/{n}", "source": "facebook", "published_at": at, "topic": "ngập nước",
            "sentiment": "tiêu cực", "reach": 9000, "ward": NORTH, **extra}


def _post(client: FlaskClient, payload: Any, *, secret: str = SECRET, stamp: int | None = None,
          provider: str = "acme", raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    ts = str(stamp if stamp is not None else int(time.time()))
    return client.post(PATH, data=body, content_type="application/json", headers={
        "X-IOC-Provider": provider, "X-IOC-Timestamp": ts, "X-IOC-Signature": webhook.signature(secret, ts, body)})


def _count(db: psycopg.Connection) -> int:
    row = db.execute("SELECT count(*) FROM social_mentions").fetchone()
    return int(row[0]) if row else -1


def test_signed_push_is_stored_and_a_resend_adds_nothing(client: FlaskClient, db: psycopg.Connection) -> None:
    answer = _post(client, {"mentions": [_item(1), _item(2)]})
    assert (answer.status_code, answer.json) == (200, {"received": 2, "stored": 2, "duplicates": 0, "refused": []})
    again = _post(client, [_item(1)])
    assert (again.status_code, again.json["duplicates"], _count(db)) == (200, 1, 2)


def test_bad_items_are_refused_one_by_one_and_good_ones_kept(client: FlaskClient, db: psycopg.Connection) -> None:
    answer = _post(client, [_item(1), _item(2, reach="lots", topic="?"), "text", _item(4)])
    assert answer.status_code == 422
    assert answer.json["stored"] == 2
    assert answer.json["refused"] == [
        {"item": 2, "errors": [{"field": "topic", "reason": answer.json["refused"][0]["errors"][0]["reason"]},
                               {"field": "reach", "reason": "'lots' is not a number of people reached (e.g. 12000, "
                                                            "12.000, 12k)"}]},
        {"item": 3, "errors": [{"field": "*", "reason": "not a JSON object"}]}]
    assert _count(db) == 2


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"secret": "x" * 40}, "X-IOC-Signature does not match the body"),
    ({"stamp": int(time.time()) - webhook.WINDOW_S - 60}, "replay window"),
    ({"stamp": int(time.time()) + webhook.WINDOW_S + 60}, "replay window"),
    ({"provider": "someone"}, "is not a known provider"),
])
def test_unsigned_stale_or_unknown_calls_are_refused(client: FlaskClient, db: psycopg.Connection,
                                                     kwargs: dict[str, Any], reason: str) -> None:
    answer = _post(client, [_item(1)], **kwargs)
    assert answer.status_code == 401 and reason in answer.json["error"]["message"]
    assert _count(db) == 0


def test_a_signature_over_another_body_is_refused(client: FlaskClient, db: psycopg.Connection) -> None:
    ts = str(int(time.time()))
    signed = json.dumps([_item(1)]).encode()
    answer = client.post(PATH, data=json.dumps([_item(2)]).encode(), content_type="application/json", headers={
        "X-IOC-Provider": "acme", "X-IOC-Timestamp": ts, "X-IOC-Signature": webhook.signature(SECRET, ts, signed)})
    assert answer.status_code == 401 and _count(db) == 0


def test_oversize_and_malformed_bodies(client: FlaskClient, db: psycopg.Connection) -> None:
    big = _post(client, None, raw=b"[" + b" " * webhook.MAX_BODY + b"]")
    assert big.status_code == 413 and "at most 1048576" in big.json["error"]["message"]
    assert _post(client, None, raw=b"{not json").status_code == 400
    many = _post(client, [_item(i) for i in range(webhook.MAX_ITEMS + 1)])
    assert many.status_code == 400 and f"at most {webhook.MAX_ITEMS}" in many.json["error"]["message"]
    assert _post(client, {"items": []}).json["error"]["message"].startswith("expected a JSON array")
    assert _count(db) == 0


def test_refusal_is_pure_and_checks_the_window_before_the_signature() -> None:
    body, now = b"[]", 1_800_000_000
    good = webhook.signature(SECRET, str(now), body)
    assert webhook.refusal(SECRET, str(now), good, body, now + webhook.WINDOW_S) is None
    assert "replay" in (webhook.refusal(SECRET, str(now), good, body, now + webhook.WINDOW_S + 1) or "")
    assert "missing" in (webhook.refusal(SECRET, None, good, body, now) or "")
    assert "missing" in (webhook.refusal(SECRET, str(now), None, body, now) or "")
