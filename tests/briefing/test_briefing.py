"""The briefing against the pages: each number equals what its page (view model) shows at the same moment; the
PDF is a real PDF whose text holds the Vietnamese words; the archive keeps it."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboards import context
from dashboards.briefing import render, service
from dashboards.briefing.build import build
from dashboards.briefing.scope import ScopeError, resolve
from dashboards.briefing.sections import availability, footage, kpis
from dashboards.queries import completeness, report_counts
from dashboards.theme import theme_for
from dashboards.views import footage as footage_view
from dashboards.views import kpi_page
from dashboards.views.kpi_page import ViewState
from pipelines.briefing import archive
from pipelines.incidents import queries as incident_q
from pipelines.briefing.week import Week
from pipelines.kpis.indicators import HEADLINE
from tests.dashboards import seed

pytestmark = pytest.mark.integration
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _card_values(rendered: kpi_page.Rendered) -> dict[str, float | None]:
    out = {}
    for col in rendered.cards:
        card = col.children
        raw = getattr(card, "data-value")
        out[getattr(card, "data-key")] = None if raw == "" else float(raw)
    return out


@pytest.mark.parametrize("scope", [None, "22333"])
def test_every_kpi_figure_equals_the_card_of_the_kpis_page(ioc: context.IocContext, week: Week, now: datetime,
                                                           scope: str | None) -> None:
    s = resolve(ioc, week, scope, "vi", now)
    section = kpis.build(s)
    period = kpis.period_of(s)
    page = kpi_page.render(ioc, ViewState(period, scope, HEADLINE[0], "vi"), s.end)
    cards = _card_values(page)
    assert len(cards) == len(HEADLINE)
    for key in HEADLINE:
        fig = next(f for f in section.figures if f.key == f"kpi.{key}")
        assert fig.value == cards[key], key
        assert fig.href.startswith("/kpis?") and f"kpi={key}" in fig.href and f"period={period}" in fig.href
        assert fig.text in {kpi_page.kpi_view.pct(cards[key], "vi")}
    assert any(f.value is not None for f in section.figures), "the demo set gives the KPIs values"


def test_off_target_causes_name_the_worst_ward_of_the_pages_ranking(ioc: context.IocContext, week: Week,
                                                                    now: datetime) -> None:
    s = resolve(ioc, week, None, "en", now)
    section = kpis.build(s)
    off = section.tables[1]
    page = kpi_page.render(ioc, ViewState(kpis.period_of(s), None, HEADLINE[0], "en"), s.end)
    expected = [line.key for line in page.summary.lines if line.status == "off_track"]
    assert [re.search(r"kpi=([a-z_0-9]+)", r[0].href)[1] for r in off.rows] == expected  # type: ignore[index]
    for row in off.rows:
        assert row[3].href.startswith("/kpis/ward/") or row[3].text == "No ward figures yet"


def test_report_figures_are_the_tiles_and_the_known_week(ioc: context.IocContext, week: Week, now: datetime) -> None:
    b = build(ioc, week, "22333", "vi", now)
    tiles = report_counts.counts(ioc.pool, now, ioc.settings.tz, ["22333"])
    assert (b.figure("reports.open").value, b.figure("reports.overdue").value) == (tiles.open, tiles.overdue)
    assert tiles.open >= 4 and tiles.overdue >= 1
    # the fixture's three reports of that week: received and handled in it, two of them by their due time
    assert (b.figure("reports.received").value, b.figure("reports.handled").value) == (3, 3)
    assert b.figure("reports.on_time").value == pytest.approx(2 / 3)
    assert b.figure("reports.on_time").text == "66,7%"
    city = build(ioc, week, None, "vi", now)
    wall = report_counts.counts(ioc.pool, now, ioc.settings.tz, None)
    assert (city.figure("reports.open").value, city.figure("reports.overdue").value) == (wall.open, wall.overdue)


def test_critical_alarms_with_their_time_to_resolve(ioc: context.IocContext, week: Week, now: datetime) -> None:
    section = build(ioc, week, "22333", "en", now).section("alarms")
    assert next(f for f in section.figures if f.key == "alarms.critical").value == 3
    resolve_times = [r[4].text for r in section.tables[0].rows]
    assert resolve_times == ["still open", "1 d 6 h", "5 h 30 m"]
    assert all(r[0].href.startswith("/alarms?alarm=") for r in section.tables[0].rows)
    before = build(ioc, week.previous(), "22333", "en", now).section("alarms")
    assert next(f for f in before.figures if f.key == "alarms.critical").value == 0


def test_incidents_of_the_week_with_their_time_to_resolve_and_their_pages(
        ioc: context.IocContext, week: Week, now: datetime) -> None:
    ward = build(ioc, week, "22333", "en", now)
    section = ward.section("incidents")
    figures = {f.key: f.value for f in section.figures}
    assert figures == {"incidents.total": 2, "incidents.open": 1}     # no suggestion, no dismissal, no other ward
    rows = section.tables[0].rows
    assert [(r[1].text, r[4].text) for r in rows] == [("Flooding", "3 h 15 m"), ("Traffic accident", "still open")]
    with ioc.pool.connection() as conn:
        for row in rows:                          # each row is the incident its link opens, as /incidents/<id> shows it
            shown = incident_q.one(conn, int(row[0].text.lstrip("#")), now)
            assert shown is not None and row[0].href.startswith(f"/incidents/{shown['id']}")
            assert shown["status"] in ("confirmed", "resolved") and shown["name_en"] == row[1].text
    city = build(ioc, week, None, "vi", now).section("incidents")
    assert next(f.value for f in city.figures if f.key == "incidents.total") == 3
    assert [s.key for s in ward.sections].index("incidents") == [s.key for s in ward.sections].index("alarms") + 1


def test_availability_per_network_equals_the_completeness_api(ioc: context.IocContext, week: Week,
                                                               now: datetime) -> None:
    s = resolve(ioc, week, None, "vi", now)
    section = availability.build(s)
    # what GET /api/v1/completeness?span=7d&by=kind answers (dashboards/api/completeness.py)
    api = {c.key: c.ratio for c in completeness.grouped(completeness.for_devices(ioc.pool, completeness.SPANS["7d"]),
                                                        "kind")}
    for kind in ("camera", "wifi", "env"):
        assert next(f for f in section.figures if f.key == f"availability.{kind}").value == pytest.approx(api[kind])
    down = [r[0].text for r in section.tables[0].rows]
    assert len(down) >= 2, "the fixture took one device offline and left one stale"


def test_footage_weeks_add_up_to_the_footage_pages_total(ioc: context.IocContext, now: datetime) -> None:
    total = footage_view.page(ioc, None, theme_for("light", "light"), "vi", now).total
    assert total > 0
    with ioc.pool.connection() as conn:
        first = conn.execute("SELECT min(at) FROM footage_register").fetchone()[0]  # type: ignore[index]
    w, end, summed = Week(*first.astimezone(ioc.settings.tz).isocalendar()[:2]), now + timedelta(days=7), 0
    while w.bounds(ioc.settings.tz)[0] < end:
        summed += int(footage.build(resolve(ioc, w, None, "vi", now)).figures[0].value or 0)
        w = Week(*(w.monday + timedelta(days=7)).isocalendar()[:2])
    assert summed == total


def test_unknown_scope_is_refused_by_name(ioc: context.IocContext, week: Week, now: datetime) -> None:
    with pytest.raises(ScopeError, match="'nowhere'"):
        resolve(ioc, week, "nowhere", "vi", now)


def test_the_pdf_is_a_pdf_with_vietnamese_text_and_is_archived(ioc: context.IocContext, week: Week, now: datetime,
                                                                tmp_path: Path) -> None:
    made = service.generate(ioc, week, None, "vi", now)
    assert made.pdf.startswith(b"%PDF-")
    (tmp_path / "b.pdf").write_bytes(made.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for words in ("Bản tin tuần cho lãnh đạo", "Phản ánh hiện trường", "Chất lượng không khí", week.label):
        assert words in text
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "b.pdf")
    assert len(reader.pages) >= 5, "a section a page"
    assert "Phường" in "".join(p.extract_text() for p in reader.pages)
    with ioc.pool.connection() as conn:
        row = archive.one(conn, made.archive_id)
    assert row is not None and row["week"] == week.label and row["scope"] == "*" and bytes(row["pdf"]) == made.pdf
    import hashlib

    assert row["pdf_sha256"] == hashlib.sha256(made.pdf).hexdigest()
    assert 'href="http://' in made.html and "<script" not in made.html
    again = service.generate(ioc, week, None, "vi", now)
    assert again.archive_id == made.archive_id, "one archive row per week, scope and language"


def test_english_on_request(ioc: context.IocContext, week: Week, now: datetime) -> None:
    b = build(ioc, week, "22333", "en", now)
    page = render.html(b, ioc.settings.timezone)
    assert "Weekly leader briefing" in page and "Field reports" in page and "Phản ánh hiện trường" not in page
    assert b.scope == seed.NHA_TRANG[0] and b.scope_name != b.scope


def test_one_page_per_section_photographed_for_the_docs(ioc: context.IocContext, week: Week, now: datetime,
                                                        tmp_path: Path) -> None:
    """pdftoppm (poppler) turns each PDF page into a PNG: docs/screenshots/briefing-<section>.png."""
    made = service.generate(ioc, week, None, "vi", now)
    (tmp_path / "b.pdf").write_bytes(made.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(tmp_path / "b.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    keys = [s.key for s in made.briefing.sections]
    assert len(pages) >= len(keys)
    texts = [subprocess.run(["pdftotext", "-f", str(i + 1), "-l", str(i + 1), str(tmp_path / "b.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout for i in range(len(pages))]
    at = -1     # each section starts on a page of its own, after the previous one (page 1 also holds the contents)
    for section in made.briefing.sections:
        at = next(i for i in range(at + 1, len(texts)) if section.title in texts[i])
        (SHOTS / f"briefing-{section.key}.png").write_bytes(pages[at].read_bytes())
