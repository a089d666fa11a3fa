"""The reporter's contact never leaves through a public or non-admin output; the admin path logs every view."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from dash import Dash
from plotly.utils import PlotlyJSONEncoder
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.app import create_app
from dashboards.components import tile_body
from dashboards.queries import reports as q
from dashboards.views import report_page as act
from dashboards.views import report_views as view
from ioc.config import Settings
from pipelines.reports import contacts, public
from pipelines.reports.model import AccessDenied
from smartward.cli import main
from tests.reports import seed
from tests.reports.helpers import PHONE

REPO = Path(__file__).resolve().parents[2]
SECRETS = (PHONE, "dan0@example.vn", "Người dân 0", "912345678")
NOW = datetime.now(UTC)


def to_json(value: object) -> str:
    """As Dash sends it to the browser: components and figures through their plotly JSON."""
    return json.dumps(value, cls=PlotlyJSONEncoder)


def _clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked through {where}"


@pytest.fixture
def seeded(db: psycopg.Connection) -> seed.Seeded:
    return seed.seed(db, NOW)


@pytest.fixture
def app(settings: Settings, pool: ConnectionPool) -> Iterator[Dash]:
    made = create_app(settings, pool)
    with made.server.app_context():
        yield made


def test_only_the_contacts_module_reads_the_contact_table() -> None:
    reads = re.compile(r"(?<!DELETE )FROM\s+report_contacts|JOIN\s+report_contacts", re.IGNORECASE)
    found = sorted(str(p.relative_to(REPO)) for p in REPO.glob("**/*.py")
                   if ".venv" not in p.parts and "tests" not in p.parts and reads.search(p.read_text("utf-8")))
    assert found == ["pipelines/reports/contacts.py"]


def test_open311_answers_hold_no_contact(app: Dash, seeded: seed.Seeded) -> None:
    with app.server.test_client() as client:
        for url in ("/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests.json?status=closed",
                    f"/open311/v2/requests/{seeded.ids[0]}.json", f"/open311/v2/requests/{seeded.ids[0]}.xml"):
            resp = client.get(url)
            assert resp.status_code == 200 and len(resp.data) > 200
            _clean(resp.get_data(as_text=True), url)


def test_page_queries_and_callbacks_hold_no_contact(app: Dash, pool: ConnectionPool, seeded: seed.Seeded) -> None:
    ioc = context.current()
    outputs = {
        "open_reports": q.open_reports(pool).to_json(default=str),
        "report_tiles": to_json([tile_body(t) for t in view.tiles(q.report_tiles(pool, NOW, ioc.settings.tz), "vi")]),
        "queue": q.queue(pool, q.QueueFilter(), NOW, 0, 100)[1].to_json(date_format="iso"),
        "queue_page": to_json(act.queue_page(ioc, q.QueueFilter(), 0, 50, "vi")),
        "map": act.overview_map(ioc, None, "vi", "light").to_json(),
        "history": q.history(pool, seeded.ids[0]).to_json(date_format="iso"),
    }
    for rid in seeded.ids[:12]:
        outputs[f"detail {rid}"] = json.dumps(q.detail(pool, rid, NOW), default=str)
        outputs[f"panel {rid}"] = to_json(act.detail(ioc, rid, "en", "light"))
    for where, text in outputs.items():
        assert len(text) > 50, where
        _clean(text, where)


def test_exports_hold_no_contact(seeded: seed.Seeded, settings: Settings, tmp_path: Path,
                                 pool: ConnectionPool, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("reports.csv", "reports.json"):
        assert main(["--database-url", str(settings.database_url), "reports", "export", str(tmp_path / name)]) == 0
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        assert "Karaoke ồn ào" in text
        _clean(text, name)
    assert "40 reports written" in capsys.readouterr().out
    rows = json.loads((tmp_path / "reports.json").read_text(encoding="utf-8"))
    assert len(rows) == 40 and rows[0]["submitted_at"].endswith("+07:00")
    assert set(public.export_rows(pool).columns) == set(public.EXPORT_COLUMNS)


def test_admin_path_shows_the_contact_and_logs_it(db: psycopg.Connection, seeded: seed.Seeded, settings: Settings,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rid = seeded.ids[0]
    args = ["--database-url", str(settings.database_url), "reports", "contact", str(rid), "--viewer", "Hà (admin)",
            "--purpose", "gọi lại xác minh vị trí"]
    assert main(args) == 0
    assert f"phone: {PHONE}" in capsys.readouterr().out
    with pytest.raises(AccessDenied, match="admins only"):
        contacts.full_contact(db, rid, "minh", "staff", "curious")
    masked = contacts.contact_view(db, rid, "minh", "staff")
    assert masked is not None and masked.phone == "091*****78"
    logged = [(v.viewer, v.role, v.masked, v.purpose) for v in contacts.views(db, rid)]
    assert logged == [("Hà (admin)", "admin", False, "gọi lại xác minh vị trí"), ("minh", "staff", True, None)]
