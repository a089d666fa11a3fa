"""What the /incidents page does with an operator's click: one call into :mod:`pipelines.incidents` (where the
role check, the version check, the state rules and the timeline are), answered with a message for people."""

from __future__ import annotations

from dataclasses import dataclass

from dashboards import context
from dashboards.i18n import t
from dashboards.views.alarm_actions import actor, can_handle
from ioc.errors import IocError
from pipelines.incidents import actions, handling

__all__ = ["Form", "actor", "can_handle", "handle", "step"]


@dataclass(frozen=True)
class Form:
    note: str = ""
    target: str = ""        # merge: the incident to merge into
    source: str = "report"  # attach: alarm, report, camera_event
    ref: str = ""
    response: str = ""      # answer: the public answer


def handle(ioc: context.IocContext, incident_id: int, version: int | None, action: str, form: Form,
           user: str | None, lang: str) -> tuple[bool, str]:
    """(done, message): the action applied, or the reason it was refused (a stale version says so)."""
    label = t(f"incidents.do.{action}", lang)
    if user is None:
        return False, t("incidents.refused", lang, action=label, reason=t("incidents.viewer_only", lang))
    note = form.note.strip()
    try:
        with ioc.pool.connection() as conn:
            if action == "confirm":
                actions.confirm(conn, incident_id, user, version, note or None)
            elif action == "dismiss":
                actions.dismiss(conn, incident_id, user, note, version)
            elif action == "resolve":
                actions.resolve(conn, incident_id, user, note, version)
            elif action == "merge":
                actions.merge(conn, incident_id, _number(form.target), user, version)
            elif action == "attach":
                handling.attach(conn, incident_id, form.source, form.ref.strip(), user, version)
            elif action == "answer":
                done = handling.answer(conn, incident_id, user, form.response, ioc.settings.tz)
                return True, t("incidents.answered", lang, done=sum(a.done for a in done),
                               skipped=", ".join(f"#{a.report_id} ({a.reason})" for a in done if not a.done) or "0")
            else:
                return False, t("incidents.refused", lang, action=label, reason=action)
    except IocError as exc:
        return False, t("incidents.refused", lang, action=label, reason=str(exc))
    return True, t("incidents.done", lang, action=label, id=incident_id)


def step(ioc: context.IocContext, incident_id: int, version: int | None, position: int, ticked: list[int],
         done: bool, user: str | None, lang: str) -> tuple[bool, str]:
    label = t("incidents.do.step" if done else "incidents.do.check", lang)
    if user is None:
        return False, t("incidents.refused", lang, action=label, reason=t("incidents.viewer_only", lang))
    try:
        with ioc.pool.connection() as conn:
            actions.step(conn, incident_id, position, user, check=ticked, done=done, version=version)
    except IocError as exc:
        return False, t("incidents.refused", lang, action=label, reason=str(exc))
    return True, t("incidents.done", lang, action=label, id=incident_id)


def _number(text: str) -> int:
    if not text.strip().lstrip("#").isdigit():
        raise actions.IncidentActionError(f"{text!r} is not an incident number")
    return int(text.strip().lstrip("#"))
