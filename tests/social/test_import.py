"""``ioc social import``: CSV (with and without BOM), JSON, JSON Lines; bad items by line and field, the rest
stored; a post once per provider; wards from a name valid on the post's date, a point, or unknown."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from ioc.config import Settings
from ioc.security.retention import purge
from pipelines.social import importer, link, readers, store
from smartward.cli import main
from tests.social.support import CENTRE, NORTH, NOW, TZ, city, inside

HEADER = "Link,Nền tảng,Thời gian,Chủ đề,Sắc thái,Lượt tiếp cận,Nội dung,Phường,Tác giả,lat,lon\n"


def _rows(db: psycopg.Connection) -> list[tuple[object, ...]]:
    return db.execute("SELECT url, topic, sentiment, reach, ward_code, ward_how, summary FROM social_mentions "
                      "ORDER BY published_at, url").fetchall()


def _import(db: psycopg.Connection, path: Path, provider: store.Provider) -> importer.ImportSummary:
    return importer.import_source(db, readers.open_source(path), provider, tz=TZ, now=NOW)


def test_csv_with_bom_good_and_bad_lines(db: psycopg.Connection, tmp_path: Path) -> None:
    provider = city(db)
    lon, lat = inside(db, NORTH)
    path = tmp_path / "export.csv"
    path.write_bytes(("\ufeff" + HEADER +
                      "https://fb.com/p/1,FB,04/12/2026 08:00,Ngập nước,Tiêu cực,12000,Ngập sâu,phuong nha trang,"
                      "Ngô A,,\n"
                      'https://fb.com/p/2,FB,04/12/2026 09:00,Rác thải,neutral,300,"Rác\nnhiều dòng",,,'
                      f"{lat},{lon}\n"
                      "https://fb.com/p/3,FB,04/12/2026 10:00,bóng đá,Tiêu cực,12k,?,,,,\n"
                      "https://fb.com/p/4,news,04/12/2026 11:00,Giao thông,tích cực,ba trăm,?,Phường Không Có,,,\n"
                      "https://fb.com/p/5,news,04/12/2026 12:00,an ninh trật tự,Tiêu cực,700,Ồn,Phường Không Có,,,\n"
                      "https://fb.com/p/1?fbclid=zz,FB,04/12/2026 08:00,Ngập nước,Tiêu cực,12000,lặp lại,,,,\n"
                      ).encode())
    summary = _import(db, path, provider)
    assert (summary.read, summary.imported, summary.duplicates, summary.bad_items) == (6, 3, 1, 2)
    assert [(p.line, p.field) for p in summary.problems] == [(5, "topic"), (6, "reach")]   # lines 3–4 are one record
    assert summary.personal_columns == ["Tác giả"] and summary.ignored_columns == []
    assert [r[:6] for r in _rows(db)] == [
        ("https://fb.com/p/1", "flooding", "negative", 12000, CENTRE, "given"),
        ("https://fb.com/p/2", "waste", "neutral", 300, NORTH, "point"),
        ("https://fb.com/p/5", "public_order", "negative", 700, None, "unknown")]
    again = _import(db, path, provider)                                         # a re-import adds nothing
    assert (again.imported, again.duplicates) == (0, 4)


def test_json_array_and_json_lines(db: psycopg.Connection, tmp_path: Path) -> None:
    provider = city(db)
    item = {"url": "https://tiktok.com/@a/video/1", "source": "tiktok", "published_at": "2026-12-04T08:00:00+07:00",
            "topic": "traffic", "sentiment": "negative", "reach": 5000, "ward": NORTH}
    (tmp_path / "a.json").write_text(json.dumps({"mentions": [item, 3, {**item, "reach": "x"}]}), encoding="utf-8")
    summary = _import(db, tmp_path / "a.json", provider)
    assert (summary.unit, summary.imported) == ("item", 1)
    assert [(p.line, p.field) for p in summary.problems] == [(2, "*"), (3, "reach")]
    lines = [json.dumps({**item, "url": f"https://tiktok.com/@a/video/{i}"}) for i in (2, 3)]
    (tmp_path / "b.jsonl").write_text(f"{lines[0]}\n{{not json\n\n{lines[1]}\n", encoding="utf-8")
    summary = _import(db, tmp_path / "b.jsonl", provider)
    assert (summary.unit, summary.imported, [(p.line, p.field) for p in summary.problems]) == ("line", 2, [(2, "*")])
    assert "not valid JSON" in summary.problems[0].reason


def test_ward_names_are_matched_against_the_wards_valid_on_the_post_date(db: psycopg.Connection,
                                                                          tmp_path: Path) -> None:
    provider = city(db)
    # a ward of before the 2025 merger, now part of Phường Nha Trang
    db.execute("""INSERT INTO wards (code, name, province, geom, valid_from, valid_to, source)
                  SELECT '99001', 'Phường Lộc Thọ', province, geom, '2000-01-01', '2025-07-01', 'test'
                  FROM wards WHERE code = %s""", [CENTRE])
    db.execute("INSERT INTO ward_mapping (old_city, old_ward, new_ward_code) VALUES ('Thành phố Nha Trang', "
               "'Phường Lộc Thọ', %s)", [CENTRE])
    base = "{},FB,{},Ngập nước,Tiêu cực,100,x,{},,,\n"
    path = tmp_path / "w.csv"
    path.write_text(HEADER + base.format("https://x.vn/old", "01/03/2025 08:00", "loc tho")
                    + base.format("https://x.vn/new", "01/12/2026 08:00", "Lộc Thọ")
                    + base.format("https://x.vn/before", "01/03/2025 09:00", "Nha Trang"), encoding="utf-8")
    _import(db, path, provider)
    found = {r[0]: (r[4], r[5]) for r in _rows(db)}
    assert found == {"https://x.vn/old": ("99001", "given"), "https://x.vn/new": (CENTRE, "given"),
                     "https://x.vn/before": (None, "unknown")}     # Phường Nha Trang did not exist yet


def test_cli_writes_the_errors_report_and_exits_2(db: psycopg.Connection, settings: Settings, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    city(db)
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "https://x.vn/1,FB,04/12/2026 08:00,Ngập nước,Tiêu cực,100,ok,,,,\n"
                    "notaurl,FB,04/12/2026 08:00,Ngập nước,?,100,bad,,,,\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    code = main(["--database-url", settings.database_url or "", "social", "import", str(path), "--provider", "acme",
                 "--errors-csv", str(errors)])
    out = capsys.readouterr()
    assert code == 2 and "1 new" in out.out and "line 3, url: 'notaurl' is not an http(s) URL" in out.out
    assert "dropped personal columns (never stored): Tác giả" in out.out
    with errors.open(encoding="utf-8-sig") as fh:
        assert list(csv.reader(fh)) == [["file", "line", "field", "reason"],
                                        ["export.csv", "3", "url", "'notaurl' is not an http(s) URL of the post"],
                                        ["export.csv", "3", "sentiment", "'?' is not a known sentiment; expected "
                                         "one of negative, neutral, positive (or a Vietnamese word for one, or a "
                                         "mapping in the provider's profile)"]]
    assert main(["--database-url", settings.database_url or "", "social", "import", str(path), "--provider",
                 "nobody"]) == 2
    assert "no social listening provider 'nobody'" in capsys.readouterr().err


def test_stored_summaries_hold_no_personal_identifiers(db: psycopg.Connection, tmp_path: Path) -> None:
    provider = city(db)
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "https://x.vn/1?utm_source=a,FB,04/12/2026 08:00,Rác thải,Tiêu cực,100,"
                    "Ngô Bảo Châu nói: gọi 0912345678 hoặc ngo@x.vn @ngobc,,Ngô Bảo Châu,,\n", encoding="utf-8")
    _import(db, path, provider)
    stored = json.dumps(db.execute("SELECT to_jsonb(m) FROM social_mentions m").fetchall(), ensure_ascii=False)
    for gone in ("Ngô Bảo Châu", "0912345678", "ngo@x.vn", "@ngobc", "utm_source"):
        assert gone not in stored, gone


def test_retention_deletes_old_mentions_and_keeps_their_reports(db: psycopg.Connection, settings: Settings) -> None:
    city(db)
    for age, url in ((400, "https://x.vn/old"), (10, "https://x.vn/new")):
        db.execute("""INSERT INTO social_mentions (provider, source, url, published_at, topic, sentiment, reach,
                                                   ward_code, ward_how)
                      VALUES ('acme', 'news', %s, now() - %s, 'waste', 'negative', 9000, %s, 'given')""",
                   [url, timedelta(days=age), NORTH])
    old = db.execute("SELECT id FROM social_mentions WHERE url = 'https://x.vn/old'").fetchone()
    assert old is not None
    made = link.create_report(db, old[0], "an", tz=TZ, now=NOW)
    done = purge(db, settings.model_copy(update={"social_mention_retention_days": 365}))
    assert done["social_mentions"] == 1
    assert [r[0] for r in db.execute("SELECT url FROM social_mentions")] == ["https://x.vn/new"]
    history = db.execute("SELECT detail ->> 'url' FROM report_history WHERE report_id = %s", [made.report_id])
    assert history.fetchone() == ("https://x.vn/old",)             # the report keeps where it came from
