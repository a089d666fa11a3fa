"""``ioc reports pull URL``: import the requests of another city's Open311 GeoReport v2 server.

Missing optional fields are fine and unknown extra fields are ignored; both are counted, and every request that
cannot be imported is listed with the reason. A request is keyed ``host:service_request_id`` under the ``open311``
channel, so pulling again imports only what is new.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import psycopg

from ioc.errors import ImportDataError
from pipelines.reports import open311, store
from pipelines.reports.model import ReportIn

Fetch = Callable[[str, float], Any]


@dataclass
class PullSummary:
    url: str
    fetched: int = 0
    imported: int = 0
    duplicates: int = 0
    mapped_to_other: int = 0
    without_point: int = 0
    skipped: list[str] = field(default_factory=list)
    unknown_fields: set[str] = field(default_factory=set)
    new_ids: list[int] = field(default_factory=list)


def fetch_json(url: str, timeout: float) -> Any:
    req = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "smartward-ioc"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the operator gives the URL
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ImportDataError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ImportDataError(f"{url}: cannot reach the server ({getattr(exc, 'reason', exc)})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportDataError(f"{url}: the answer is not JSON ({exc})") from None


def requests_url(base: str, params: dict[str, str]) -> str:
    """``…/open311/v2`` or ``…/requests.json`` with the standard's query parameters."""
    root = base.rstrip("/")
    url = root if root.endswith("/requests.json") else f"{root}/requests.json"
    given = {k: v for k, v in params.items() if v}
    return url + ("?" + urlencode(given) if given else "")


def _items(data: Any, url: str) -> list[Any]:
    if isinstance(data, dict):
        data = data.get("service_requests", data.get("requests"))
    if not isinstance(data, list):
        raise ImportDataError(f"{url}: expected a JSON array of service requests")
    return data


def pull(conn: psycopg.Connection, base_url: str, *, tz: ZoneInfo, now: datetime, params: dict[str, str],
         include_closed: bool = False, timeout: float = 30.0, fetch: Fetch = fetch_json) -> PullSummary:
    """Fetch ``requests.json`` with ``params`` and import what is new."""
    url = requests_url(base_url, params)
    items = _items(fetch(url, timeout), url)
    ref = store.reference(conn)
    host = urlsplit(url).netloc or "remote"
    summary = PullSummary(url, fetched=len(items), unknown_fields=open311.unknown_fields(items))
    good: list[ReportIn] = []
    for item in items:
        report, why = open311.parse_remote(item, ref.matcher, host, tz)
        if report is None:
            summary.skipped.append(why)
        elif not include_closed and str(item.get("status", "open")).lower() == "closed":
            summary.skipped.append(f"{item.get('service_request_id')}: closed at the source")
        else:
            summary.mapped_to_other += report.category == "other" and item.get("service_code") != "other"
            summary.without_point += report.lat is None
            good.append(report)
    done = store.insert_reports(conn, good, ref, f"pull:{host}", tz, now)
    summary.imported, summary.duplicates, summary.new_ids = len(done.ids), done.duplicates, done.ids
    return summary
