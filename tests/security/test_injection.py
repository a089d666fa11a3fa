"""SQL injection and oversize input on every read-API parameter and on the import paths: refused, or kept as text,
never executed. Every request answers 2xx/4xx (never 500) and the schema, the users and the devices are intact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import yaml
from click.testing import CliRunner
from flask import Flask

from dashboards.api.routes import endpoints
from ioc.security import roles
from smartward.cli import cli
from tests.security.helpers import api_key, login, make_user

ATTACKS = (
    "' OR '1'='1",
    "1; DROP TABLE devices; --",
    "x' UNION SELECT password_hash, NULL FROM users --",
    "%' OR 1=1 --",
    "'); DELETE FROM users; --",
    "\\'; SELECT pg_sleep(5); --",
    "ward\x00code",
    "A" * 100_000,
)
SAMPLES = {"integer": "10", "datetime": "2026-11-20T00:00:00", "string": "env-1"}


def _state(db: psycopg.Connection) -> tuple[Any, ...]:
    return (db.execute("SELECT count(*) FROM devices").fetchone(), db.execute("SELECT count(*) FROM users").fetchone(),
            db.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone())


def _seed(db: psycopg.Connection) -> None:
    db.execute("INSERT INTO devices (device_id, kind, name, registered) VALUES ('env-1', 'env', 'Trạm 1', true), "
               "('cam-1', 'camera', 'Camera 1', true)")
    make_user(db, "admin", "admin")


def test_every_api_parameter_refuses_or_quotes_attacks(server: Flask, db: psycopg.Connection) -> None:
    _seed(db)
    before, key = _state(db), api_key(db, *roles.API_SCOPES)   # every scope: each endpoint is reached
    client, checked = server.test_client(), 0
    for ep in endpoints():
        base = {p.name: (p.enum[0] if p.kind == "enum" else SAMPLES[p.kind]) for p in ep.params if p.required}
        for param in ep.params:
            for attack in ATTACKS:
                values = base | {param.name: attack}
                path = ep.path
                for p in ep.params:
                    if p.where == "path":
                        path = path.replace(f"<{p.name}>", values.pop(p.name))
                resp = client.get("/api/v1" + path, query_string=values, headers={"X-API-Key": key})
                body = resp.get_data(as_text=True)
                assert resp.status_code in (200, 400, 404), (ep.name, param.name, attack[:30], resp.status_code)
                assert "$argon2" not in body and "password_hash" not in body.replace(attack, "")
                if resp.status_code == 200 and "items" in resp.get_json():
                    assert resp.get_json()["items"] == [] or param.where == "path", (ep.name, param.name)
                checked += 1
    assert checked >= len(ATTACKS) * 15 and _state(db) == before


def test_open311_and_login_forms(server: Flask, db: psycopg.Connection) -> None:
    _seed(db)
    before, key, client = _state(db), api_key(db, roles.REPORTS_SUBMIT), server.test_client()
    for attack in ATTACKS:
        for field in ("service_code", "description", "address_string", "first_name", "phone", "email", "lat"):
            form = {"api_key": key, "service_code": "noise", "address_string": "12 Trần Phú"} | {field: attack}
            resp = client.post("/open311/v2/requests.json", data=form)
            assert resp.status_code in (200, 201, 400), (field, attack[:30], resp.status_code)
        for query in ({"service_code": attack}, {"status": attack}, {"start_date": attack}):
            assert client.get("/open311/v2/requests.json", query_string=query).status_code in (200, 400)
        resp = login(server.test_client(), attack, attack)
        assert resp.status_code in (400, 401), (attack[:30], resp.status_code)
    assert _state(db) == before
    stored = {r[0] for r in db.execute("SELECT description FROM reports")}
    assert {a for a in ATTACKS[:6]} <= stored   # kept verbatim, as text
    assert login(server.test_client(), "admin").status_code == 303


def test_reports_import_keeps_every_field_as_text(db_url: str, db: psycopg.Connection, tmp_path: Path) -> None:
    _seed(db)
    before = _state(db)
    rows = ["Mã,Kênh,Loại,Thời gian,Nội dung,Địa chỉ,SĐT"]
    for i, attack in enumerate(ATTACKS[:6]):
        quoted = '"' + attack.replace('"', '""') + '"'
        rows.append(f"INJ-{i},web,Khác,20/11/2026 07:30,{quoted},{quoted},0912345678")
    rows.append(f"{'X' * 5000},web,{ATTACKS[1]},20/11/2026 07:30,ok,12 Trần Phú,")
    path = tmp_path / "reports.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--database-url", db_url, "reports", "import", str(path), "--no-corroborate"])
    assert result.exception is None or "Traceback" not in result.output
    assert _state(db) == before
    stored = {r[0] for r in db.execute("SELECT description FROM reports WHERE external_id LIKE 'INJ-%'")}
    assert stored == set(ATTACKS[:6])
    assert db.execute("SELECT count(*) FROM reports WHERE length(external_id) > 200").fetchone() == (0,)


def test_fleet_import_keeps_names_as_text_and_refuses_bad_ids(db_url: str, db: psycopg.Connection,
                                                             tmp_path: Path) -> None:
    before = _state(db)
    devices = [{"id": f"inj-{i}", "kind": "camera", "name": attack, "lon": 106.87, "lat": 11.5,
                "ownership": "budget", "camera_type": "fixed"}
               for i, attack in enumerate(ATTACKS[:6])]
    doc = {"fleet": "inj", "city": "Dong Xoai", "timezone": "Asia/Ho_Chi_Minh", "devices": devices}
    good = tmp_path / "fleet.yaml"
    good.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    done = CliRunner().invoke(cli, ["--database-url", db_url, "fleet", "register", str(good)])
    assert done.exit_code == 0, done.output
    assert {r[0] for r in db.execute("SELECT name FROM devices WHERE device_id LIKE 'inj-%'")} == set(ATTACKS[:6])
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc | {"devices": [devices[0] | {"id": "x'; DROP TABLE devices; --"}]}))
    refused = CliRunner().invoke(cli, ["--database-url", db_url, "fleet", "register", str(bad)])
    assert refused.exit_code != 0
    assert _state(db)[1:] == before[1:] and _state(db)[0] == (before[0][0] + 6,)


def test_kpi_import_keeps_every_field_as_text(db_url: str, db: psycopg.Connection, tmp_path: Path) -> None:
    before = _state(db)

    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    procedures = ["ma_thu_tuc,ten_thu_tuc,linh_vuc,muc_do,co_phi"]
    procedures += [f"INJ.{i},{quoted(a)},{quoted(a)},4,không" for i, a in enumerate(ATTACKS[:6])]
    indicators = ["chi_tieu,don_vi_tinh,pham_vi,ky,gia_tri"]
    indicators += [f"{quoted(a)},người,{quoted(a)},2025-Q2,{i}" for i, a in enumerate(ATTACKS[:6])]
    for name, rows in (("procedures.csv", procedures), ("indicators.csv", indicators)):
        (tmp_path / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "import", str(tmp_path / name)])
        assert "Traceback" not in result.output, result.output
    assert {r[0] for r in db.execute("SELECT name FROM kpi_procedures WHERE code LIKE 'INJ.%'")} == set(ATTACKS[:6])
    assert {r[0] for r in db.execute("SELECT scope FROM kpi_indicator_values")} == set(ATTACKS[:6])
    assert _state(db) == before
