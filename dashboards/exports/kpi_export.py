"""Exports of the /kpis view: XLSX from the same computation, PNG and PDF photographed by headless Chromium.

The PNG is Chromium's 1920×1080 screenshot of the view as a self-contained page (:mod:`kpi_snapshot`: the same
cards, figures and tables as the live page, without its controls), served once from a throwaway loopback server;
the PDF is that PNG on one landscape page, so both show exactly what the meeting saw. Chromium is Debian's
``chromium`` (installed by scripts/setup.sh for the browser tests); nothing is fetched from outside.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from dash import dcc

from dashboards import context
from dashboards.exports import kpi_snapshot
from dashboards.i18n import t
from dashboards.queries import kpis as q
from dashboards.views import kpi_page
from dashboards.views.kpi_page import ViewState
from ioc.errors import IocError
from pipelines.kpis import periods
from pipelines.kpis.export import workbook

SIZE = (1920, 1080)
DRAW_TIMEOUT_S = 20     # the longest the page may take to draw its figures before the picture is taken
TIMEOUT_S = 90


class SnapshotError(IocError):
    """Chromium could not photograph the page."""


@contextmanager
def served(html: str) -> Iterator[str]:
    """``html`` at a loopback URL until the block ends (MapLibre's worker needs http, not file://).

    The page holds its load event open with a hidden frame on ``/wait`` until its script calls ``/done`` (the map
    has drawn), so Chromium's screenshot, taken at the load event, never catches a half-drawn map."""
    body = html.encode("utf-8")
    drawn = threading.Event()

    class One(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path == "/done":
                drawn.set()
            elif self.path == "/wait":
                drawn.wait(DRAW_TIMEOUT_S)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            payload = body if self.path == "/" else b""
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), One)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        drawn.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SnapshotError("PNG/PDF export needs Debian's chromium (apt-get install chromium)")
    return found


def _run(args: list[str]) -> None:
    base = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=vi", f"--window-size={SIZE[0]},{SIZE[1]}"]
    try:
        done = subprocess.run([*base, *args], capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise SnapshotError(f"chromium took more than {TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise SnapshotError(f"chromium failed ({done.returncode}): {last}")


def png(url: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ioc-kpi-") as tmp:
        out = Path(tmp) / "view.png"
        _run([f"--screenshot={out}", url])
        return out.read_bytes()


def pdf(url: str) -> bytes:
    """One landscape page holding the PNG of the view."""
    picture = base64.b64encode(png(url)).decode()
    w, h = SIZE
    html = (f"<!doctype html><html><head><style>@page {{ size: {w}px {h}px; margin: 0 }} html, body {{ margin: 0 }}"
            f"</style></head><body><img src='data:image/png;base64,{picture}' width='{w}' height='{h}'></body></html>")
    with tempfile.TemporaryDirectory(prefix="ioc-kpi-") as tmp:
        page, out = Path(tmp) / "view.html", Path(tmp) / "view.pdf"
        page.write_text(html, encoding="utf-8")
        _run(["--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()])
        return out.read_bytes()


def snapshot_html(ioc: context.IocContext, state: ViewState, now: datetime) -> str:
    return kpi_snapshot.page(kpi_page.render(ioc, state, now), t("kpis.title", state.lang), state.lang)


def xlsx(ioc: context.IocContext, state: ViewState, now: datetime) -> bytes:
    comp = q.computed(ioc.pool, periods.parse(state.period), now, ioc.settings.tz)
    scope = state.scope if state.scope in set(comp.inputs.wards["code"]) | set(comp.inputs.wards["province"]) \
        else None
    return workbook(comp, scope, state.kpi, state.lang, q.score_766(ioc.pool, comp, scope))


def filename(state: ViewState, kind: str) -> str:
    scope = (state.scope or "all").replace(" ", "_")
    return f"kpi_{state.period}_{scope}_{state.kpi}.{kind}"


Progress = Callable[[int, str], object]   # (percent, what is being done) for the page's progress bar


def download(ioc: context.IocContext, state: ViewState, kind: str, now: datetime,
             progress: Progress | None = None) -> tuple[Any, Any, bool]:
    """(dcc.Download data, message, message shown): the file, or why there is none."""
    step = progress or (lambda _pct, _what: None)
    try:
        if kind == "xlsx":
            step(10, t("kpis.export.step.compute", state.lang))
            data = xlsx(ioc, state, now)
        else:
            step(10, t("kpis.export.step.compute", state.lang))
            page = snapshot_html(ioc, state, now)
            step(40, t("kpis.export.step.photo", state.lang))
            with served(page) as url:
                data = png(url) if kind == "png" else pdf(url)
    except SnapshotError as exc:
        return None, t("kpis.export.failed", state.lang, reason=str(exc)), True
    step(100, t("kpis.export.step.done", state.lang))
    return dcc.send_bytes(data, filename(state, kind)), "", False
