"""What the /alarms page does with an operator's click: one call into :mod:`pipelines.alarms.actions` (where the
role check, the state rules and the audit trail are), answered with a message for people."""

from __future__ import annotations

from dataclasses import dataclass

from dashboards import auth, context
from dashboards.i18n import t
from ioc.errors import IocError
from pipelines.alarms import actions

NOTE_REQUIRED = ("resolve", "silence")   # a hand resolution and a silence say why: the next shift reads it


@dataclass(frozen=True)
class Form:
    note: str = ""
    assignee: str = ""
    hours: float = 4.0


def actor() -> str | None:
    """The signed-in user's name; None for anyone else (kiosks, API keys), whom the actions would refuse anyway."""
    who = auth.current_principal()
    return who.name if who is not None and who.kind == "user" else None


def can_handle() -> bool:
    who = auth.current_principal()
    return who is not None and who.kind == "user" and who.role in actions.HANDLERS


def handle(ioc: context.IocContext, alarm_id: int, action: str, form: Form, user: str | None,
           lang: str) -> tuple[bool, str]:
    """(done, message): the action applied, or the reason it was refused."""
    label = t(f"alarms.do.{action}", lang)
    note = form.note.strip()
    problem = _missing(action, note, form, user, lang)
    if problem:
        return False, t("alarms.refused", lang, action=label, reason=problem)
    assert user is not None
    try:
        with ioc.pool.connection() as conn:
            if action == "assign":
                actions.assign(conn, alarm_id, form.assignee.strip(), user, note or None)
            elif action == "silence":
                actions.silence(conn, alarm_id, user, note, form.hours)
            else:
                actions.act(conn, alarm_id, action, user, note or None)
    except IocError as exc:
        return False, t("alarms.refused", lang, action=label, reason=str(exc))
    return True, t("alarms.done", lang, action=label, id=alarm_id)


def _missing(action: str, note: str, form: Form, user: str | None, lang: str) -> str | None:
    if user is None:
        return t("alarms.viewer_only", lang)
    if action not in actions.MOVES and action not in ("assign", "silence"):
        return action
    if action in NOTE_REQUIRED and len(note) < 3:
        return t("alarms.need_note", lang)
    if action == "assign" and not form.assignee.strip():
        return t("alarms.need_assignee", lang)
    return None
