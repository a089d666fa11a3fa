"""What the /footage page does with a footage officer's form: one call into :mod:`pipelines.footage.workflow` (where
the role check, the approver rule and the chain are), answered with a message for people. Registering a request,
approving, refusing, recording the outcome and the destruction are on the page; the export (files and their
SHA-256) and the delivery are ``ioc footage export|deliver``, on the machine that holds the files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards import auth, context
from dashboards.i18n import t
from ioc.errors import IocError
from ioc.security import roles
from pipelines.footage import workflow

ACTIONS: Final = ("approve", "refuse", "outcome", "destroy")


@dataclass(frozen=True)
class RequestForm:
    requester: str = ""
    unit: str = ""
    purpose: str = "antt"
    reason: str = ""
    legal_basis: str = ""
    cameras: str = ""          # ids separated by commas or spaces
    start: str = ""            # datetime-local: YYYY-MM-DDTHH:MM, local time
    end: str = ""


def officer() -> str | None:
    """The signed-in footage officer's user name, else None (the workflow would refuse anyone else anyway)."""
    who = auth.current_principal()
    return who.name if who is not None and who.kind == "user" and who.may(roles.FOOTAGE) else None


def _local(value: str, tz: ZoneInfo, name: str) -> datetime:
    if not value.strip():
        raise workflow.FootageError(f"{name} (local date and time) is required")
    try:
        return datetime.fromisoformat(value).replace(tzinfo=tz)
    except ValueError:
        raise workflow.FootageError(f"{name}: {value!r} is not a date and time") from None


def register(ioc: context.IocContext, form: RequestForm, lang: str) -> tuple[bool, str]:
    user = officer()
    if user is None:
        return False, t("footage.form.officers_only", lang)
    try:
        tz = ioc.settings.tz
        cams = tuple(c for c in form.cameras.replace(",", " ").split() if c)
        req = workflow.Request(form.requester, form.unit, form.purpose, form.legal_basis, cams,
                               _local(form.start, tz, "from"), _local(form.end, tz, "to"), form.reason or None)
        with ioc.pool.connection() as conn:
            rid = workflow.request(conn, user, req)
    except IocError as exc:
        return False, str(exc)
    return True, t("footage.form.requested", lang, id=rid)


def act(ioc: context.IocContext, extraction_id: int | None, action: str, text: str, result: str | None,
        destroy_by: str | None, lang: str) -> tuple[bool, str]:
    user = officer()
    if user is None:
        return False, t("footage.form.officers_only", lang)
    if not extraction_id or action not in ACTIONS:
        return False, t("footage.form.pick", lang)
    try:
        with ioc.pool.connection() as conn:
            if action == "approve":
                workflow.approve(conn, extraction_id, user, date.fromisoformat(destroy_by) if destroy_by else None,
                                 text or None)
            elif action == "refuse":
                workflow.refuse(conn, extraction_id, user, text)
            elif action == "outcome":
                workflow.outcome(conn, extraction_id, user, result or "", text or None)
            else:
                workflow.destroy(conn, extraction_id, user, text)
    except (IocError, ValueError) as exc:
        return False, str(exc)
    return True, t("footage.form.done", lang, id=extraction_id, action=t(f"footage.do.{action}", lang))


def forms(lang: str, visible: bool) -> html.Div:
    """The officer's forms; drawn for everyone (the callbacks need their ids) but shown only to officers."""
    purposes = [{"label": t(f"footage.purpose.{p}", lang), "value": p} for p in workflow.PURPOSES]
    outcomes = [{"label": t(f"footage.outcome.{o}", lang), "value": o} for o in workflow.OUTCOMES]
    actions = [{"label": t(f"footage.do.{a}", lang), "value": a} for a in ACTIONS]

    def field(key: str, control: object, width: int) -> dbc.Col:
        return dbc.Col([dbc.Label(t(f"footage.form.{key}", lang)), control], lg=width)

    new = dbc.Row([
        field("requester", dbc.Input(id="footage-f-requester"), 3), field("unit", dbc.Input(id="footage-f-unit"), 3),
        field("purpose", dcc.Dropdown(id="footage-f-purpose", options=purposes, value="antt", clearable=False), 3),
        field("reason", dbc.Input(id="footage-f-reason"), 3),
        field("legal_basis", dbc.Input(id="footage-f-basis"), 4),
        field("cameras", dbc.Input(id="footage-f-cameras", placeholder="dx-cam-0007, dx-cam-0009"), 3),
        field("from", dbc.Input(id="footage-f-from", type="datetime-local"), 2),
        field("to", dbc.Input(id="footage-f-to", type="datetime-local"), 2),
        dbc.Col(dbc.Button(t("footage.form.submit", lang), id="footage-f-submit", color="primary",
                           className="mt-4"), lg=1)], className="g-2")
    step = dbc.Row([
        field("number", dbc.Input(id="footage-a-id", type="number", min=1, step=1), 1),
        field("action", dcc.Dropdown(id="footage-a-action", options=actions, value="approve", clearable=False), 2),
        field("text", dbc.Input(id="footage-a-text"), 4),
        field("outcome", dcc.Dropdown(id="footage-a-outcome", options=outcomes), 2),
        field("destroy_by", dbc.Input(id="footage-a-by", type="date"), 2),
        dbc.Col(dbc.Button(t("footage.form.apply", lang), id="footage-a-submit", color="primary", className="mt-4"),
                lg=1)], className="g-2 mt-2")
    return html.Div([html.H2(t("footage.form.title", lang), className="h4"), new, step,
                     html.Div(id="footage-f-feedback", className="mt-2")],
                    className="ioc-panel mt-3 footage-forms", style=None if visible else {"display": "none"})
