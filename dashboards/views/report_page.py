"""What the /reports callbacks do, as plain functions of the app context: testable without a browser.

:func:`viewer` names the signed-in user for the history and the contact log. Staff see a masked contact, on
request, and each such view is logged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import plotly.graph_objects as go
from dash import html

from dashboards import auth, context
from dashboards.i18n import t
from dashboards.queries import reports as q
from dashboards.queries import wards
from dashboards.views import report_detail, report_maps
from dashboards.views import report_views as view
from dashboards.views.report_focus import focus_codes
from ioc.security import personal, roles
from pipelines.reports import actions, contacts, evidence_db, workflow
from pipelines.reports.evidence import Corroboration
from pipelines.reports.evidence_rules import load_rules
from pipelines.reports.model import ReportError


@dataclass(frozen=True)
class Form:
    department: str | None
    note: str
    response: str
    days: float


def viewer() -> tuple[str, str]:
    """(who, role) for the history and the contact log: the signed-in user and the role
    ``pipelines.reports.privacy`` knows (admin: whole contact; others: masked). A plain call outside any request
    (tests, scripts) is the desk's staff."""
    who = auth.current_principal()
    if who is None:
        return "desk", "staff"
    return who.actor, personal.reports_role(who) if who.may(roles.REPORTS_CONTACT) else "viewer"


def overview_map(ioc: context.IocContext, ward: str | None, lang: str, theme: str) -> go.Figure:
    found = q.open_reports(ioc.read_pool, ward)   # maps and queues only read: a standby serves them
    codes = [ward] if ward else sorted({c for c in found["ward_code"].dropna()})
    outlines = wards.outlines(ioc.read_pool, codes or None)
    focus = None if ward else focus_codes(found["ward_code"], wards.areas(ioc.read_pool))
    return report_maps.queue_map(found, outlines, lang, ioc.settings.tiles_url, theme, ward, focus)


def queue_page(ioc: context.IocContext, where: q.QueueFilter, page: int, size: int,
               lang: str) -> tuple[list[dict[str, Any]], int, int, str]:
    """(rows, page count, page, total text) of one page of the queue."""
    total, found = q.queue(ioc.read_pool, where, datetime.now(UTC), page * size, size)
    pages = max(1, math.ceil(total / size))
    if page >= pages:   # the list shrank under the page the user was on
        page = pages - 1
        total, found = q.queue(ioc.read_pool, where, datetime.now(UTC), page * size, size)
    return view.rows(found, ioc.settings.tz, lang), pages, page, t("reports.total", lang, n=total)


def _evidence(ioc: context.IocContext, d: dict[str, Any], now: datetime) -> Corroboration:
    if d["evidence"]:
        return Corroboration.from_json(d["evidence"])
    with ioc.pool.connection() as conn:   # first look at a report never judged: judge it now and keep the verdict
        return evidence_db.corroborate(conn, int(d["id"]), load_rules(), ioc.settings.tz, now)


def _inset(ioc: context.IocContext, d: dict[str, Any], radius_m: float, lang: str, theme: str) -> go.Figure | None:
    if d["lon"] is None:
        return None
    point = gpd.GeoDataFrame({"report_id": [d["id"]], "status": [q.LAYER_STATUS.get(d["status"], "closed")],
                              "overdue": [bool(d["overdue"])]},
                             geometry=gpd.points_from_xy([d["lon"]], [d["lat"]]), crs="EPSG:4326")
    near = q.nearby_devices(ioc.pool, int(d["id"]), radius_m)
    return report_maps.inset_map(point, near, lang, ioc.settings.tiles_url, theme)


def detail(ioc: context.IocContext, report_id: int | None, lang: str, theme: str) -> list[Any]:
    now = datetime.now(UTC)
    d = q.detail(ioc.pool, int(report_id), now) if report_id is not None else None
    if d is None:
        return [html.P(t("reports.pick", lang), className="text-body-secondary mb-0")]
    with ioc.pool.connection() as conn:
        clock = actions.clock(conn, int(d["id"]), ioc.settings.tz, now)
    found = _evidence(ioc, d, now)
    state = workflow.State(d["status"], d["paused_since"] is not None, d["department"], d["escalated_at"] is not None)
    return report_detail.panel(d, clock, q.history(ioc.pool, int(d["id"])), found,
                               _inset(ioc, d, found.radius_m, lang, theme), workflow.allowed(state),
                               ioc.settings.tz, lang)


def handle(ioc: context.IocContext, report_id: int, action: str, form: Form, lang: str) -> tuple[bool, str]:
    """(done, message): the action applied, or the reason it was refused."""
    who, _role = viewer()
    label = t(f"reports.action.{action}", lang)
    try:
        with ioc.pool.connection() as conn:
            if action == "corroborate":
                evidence_db.corroborate(conn, report_id, load_rules(), ioc.settings.tz, datetime.now(UTC))
            else:
                act = workflow.Action(action, form.department, form.note.strip(), form.response.strip(), form.days)
                actions.apply_action(conn, report_id, act, who, ioc.settings.tz, datetime.now(UTC))
    except ReportError as exc:
        return False, t("reports.action.refused", lang, reason=str(exc))
    return True, t("reports.action.done", lang, action=label, id=report_id)


def masked_contact(ioc: context.IocContext, report_id: int, lang: str) -> list[Any]:
    who, role = viewer()
    with ioc.pool.connection() as conn:
        found = contacts.contact_view(conn, report_id, who, role, purpose=f"{personal.HANDLING_PURPOSE} (reports page)")
    if found is None:
        return [html.Div(t("reports.contact.none", lang))]
    parts = [p for p in (found.name, found.phone, found.email) if p]
    return [html.Div(" · ".join(parts)), html.Div(t("reports.contact.logged", lang), className="text-body-secondary")]
