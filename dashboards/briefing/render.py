"""The briefing as HTML (a Jinja2 template, autoescaped, no script: it is mailed) and as PDF (Chromium's own
print-to-PDF of that HTML: the same engine as the screen, text kept as text, Vietnamese set in DejaVu Sans)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from dashboards.exports.kpi_export import TIMEOUT_S, SnapshotError, chromium
from dashboards.i18n import t
from pipelines.briefing.model import Briefing

TEMPLATES = Path(__file__).with_name("templates")
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def title(b: Briefing) -> str:
    return t("briefing.title", b.lang)


def scope_name(b: Briefing) -> str:
    return t("briefing.scope.all", b.lang) if b.scope is None else b.scope_name


def subject(b: Briefing) -> str:
    return f"{title(b)} {b.week.label} — {scope_name(b)}"


def html(b: Briefing, tz_name: str) -> str:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tz_name)
    week_text = t("briefing.week", b.lang, week=b.week.label, start=b.week.monday.strftime("%d/%m/%Y"),
                  end=b.week.sunday.strftime("%d/%m/%Y"))
    generated = t("briefing.generated", b.lang, at=b.generated_at.astimezone(tz).strftime("%H:%M %d/%m/%Y"))
    return _ENV.get_template("briefing.html.j2").render(
        b=b, title=title(b), scope_name=scope_name(b), week_text=week_text, generated=generated,
        footer=t("briefing.footer", b.lang), link=lambda href: b.base_url + href)


def text(b: Briefing) -> str:
    """The plain-text part of the mail: each section's one-line lead."""
    lines = [subject(b), ""] + [f"• {s.title}: {s.lead}" for s in b.sections] + ["", t("briefing.mail.pdf", b.lang)]
    return "\n".join(lines)


def pdf(page: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ioc-briefing-") as tmp:
        src, out = Path(tmp) / "briefing.html", Path(tmp) / "briefing.pdf"
        src.write_text(page, encoding="utf-8")
        args = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()]
        try:
            done = subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise SnapshotError(f"chromium took more than {TIMEOUT_S} s to print the briefing") from None
        if done.returncode != 0 or not out.exists():
            last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
            raise SnapshotError(f"chromium could not print the briefing ({done.returncode}): {last}")
        return out.read_bytes()


def filename(b: Briefing, kind: str) -> str:
    scope = (b.scope or "all").replace(" ", "_")
    return f"briefing_{b.week.label}_{scope}_{b.lang}.{kind}"
