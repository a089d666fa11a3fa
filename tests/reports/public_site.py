"""The residents' page's test city: the report seed (every reporter with a name, phone, e-mail, some with an address),
one public description holding a phone number, one report quiet for weeks, wifi points (one down), air stations
with 2 days of history and three support points. Served over real HTTP by :func:`serving`."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool
from werkzeug.serving import make_server

from dashboards.app import create_app
from dashboards.public import CONFIG_KEY
from ioc.config import Settings
from pipelines.public import support_points
from pipelines.reports import store
from pipelines.reports.model import Contact, ReportIn
from tests.dashboards import seed as city
from tests.reports import seed
from tests.reports.helpers import PHONE, TZ

WARD = "22333"
SUPPORT_POINTS = Path(__file__).resolve().parents[1] / "fixtures" / "public" / "support_points.csv"
SECRET_PHONE = "0987654321"     # written by a reporter into a description they agreed to publish


@dataclass(frozen=True)
class Site:
    ids: list[int]
    public_id: int       # its description is public and holds SECRET_PHONE
    quiet_id: int        # open, no handling step for 30 days
    raw_points: list[tuple[float, float]]


def build(conn: psycopg.Connection, now: datetime) -> Site:
    seeded = seed.seed(conn, now)
    ref = store.reference(conn)
    lon, lat = seeded.points[WARD]
    extra = [
        ReportIn("web", "PUB-1", "roads", now - timedelta(hours=5), f"Ổ gà trước nhà, gọi {SECRET_PHONE}",
                 lon + 0.0004, lat, "25 Lê Thánh Tôn", (), contact=Contact("Trần Thị Bích", PHONE, "bich@example.vn"),
                 description_public=True),
        ReportIn("hotline_1022", "QUIET-1", "lighting", now - timedelta(days=30), "Đèn hỏng lâu ngày", lon,
                 lat + 0.0004, None, (), contact=Contact("Lê Văn Cường", PHONE, None)),
    ]
    made = [store.insert_reports(conn, [r], ref, "seed", TZ, r.submitted_at).ids[0] for r in extra]
    devices = city.add_devices(conn, 2, wards=(WARD,), kinds=("env", "wifi"))
    city.add_history(conn, [d for d in devices if d.kind == "env"], days=2, now=now)
    wifi = sorted(d.device_id for d in devices if d.kind == "wifi")
    city.age_devices(conn, offline=wifi[:1])
    support_points.import_file(conn, SUPPORT_POINTS)     # three good rows, four refused
    points = [(float(x), float(y)) for x, y in conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM reports")]
    return Site(seeded.ids + made, made[0], made[1], points)


@contextmanager
def serving(settings: Settings, pool: ConnectionPool, limit: int = 10_000) -> Iterator[str]:
    app = create_app(settings, pool)
    app.server.config[CONFIG_KEY] = limit
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=20) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()
