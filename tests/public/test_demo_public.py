"""The demo's residents' page data on the real database: hamlets cover the demo wards and reports get theirs, each
ward gets its three kinds of support point and five dated documents (real PDF/XLSX files) with comment periods open
and closed; all of it labelled synthetic on the page; loading twice adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
from flask import Flask

from pipelines.public import demo, files
from pipelines.reports import store
from pipelines.reports.model import ReportIn
from tests.dashboards import seed as city
from tests.public.helpers import WARD
from tests.reports.helpers import TZ


def test_the_demo_makes_a_plausible_synthetic_residents_page(server: Flask, db: psycopg.Connection,
                                                              wards: dict[str, tuple[float, float]]) -> None:
    city.add_devices(db, 1, wards=(WARD, "22366"), kinds=("env",))
    db.commit()
    now = datetime.now(UTC)
    done = demo.load(db, now, TZ)
    assert done["hamlets"] >= 6 and done["support_points"] == 6 and done["disclosures"] == 10
    assert done["comments"] >= 10
    assert demo.load(db, now, TZ) == {"hamlets": done["hamlets"], "support_points": 6, "disclosures": 0,
                                      "comments": 0}   # keyed by ward and name/title: updated, never doubled
    names = [n for (n,) in db.execute("SELECT name FROM hamlets WHERE ward_code = %s ORDER BY name", [WARD])]
    assert names[0] == "Khu phố 1" and all(db.execute("SELECT bool_and(synthetic) FROM hamlets").fetchone())
    lon, lat = wards[WARD]
    ref = store.reference(db)
    rid = store.insert_reports(db, [ReportIn("web", "D-1", "roads", now - timedelta(hours=1), "", lon, lat)], ref,
                               "test", TZ, now).ids[0]
    assert db.execute("SELECT hamlet FROM reports WHERE id = %s", [rid]).fetchone()[0] in names
    kinds = db.execute("SELECT kind, synthetic FROM support_points WHERE ward_code = %s ORDER BY kind",
                       [WARD]).fetchall()
    assert kinds == [("cafe", True), ("digital_team", True), ("one_stop", True)]
    docs = db.execute("""SELECT category, content, comments_open <= now() AND now() < comments_close, synthetic,
                                published_at <= now() FROM disclosures WHERE ward_code = %s""", [WARD]).fetchall()
    assert sorted({c for c, *_ in docs}) == ["budget", "contribution", "land", "plan"]
    assert {files.sniff(bytes(content)).content_type for _, content, *_ in docs} == {"application/pdf", files.XLSX}
    assert sum(1 for d in docs if d[2]) == 3 and all(d[3] and d[4] for d in docs)
    db.commit()
    page = server.test_client().get(f"/public/{WARD}").get_data(as_text=True)
    assert page.count("dữ liệu mẫu") >= 8 and "Cà phê dịch vụ công" in page and "Đang lấy ý kiến đến" in page
    assert "Đề nghị ưu tiên lát vỉa hè" in page and "Xin phường công bố tiến độ" not in page   # pending not shown
