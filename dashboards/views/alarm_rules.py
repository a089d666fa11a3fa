"""The rules editor of /alarms (admins): the rules in force as YAML text, checked and saved through the same loader
as ``ioc alarms rules load --prune`` (:func:`pipelines.alarms.rules.parse`: every error names its line and field;
an invalid text changes nothing). A rule left out of the text is disabled, never deleted: its alarms keep history."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import yaml
from dash import dcc, html

from dashboards import context
from dashboards.i18n import t
from ioc.errors import IocError
from pipelines.alarms import rules, store


def as_yaml(found: list[dict[str, Any]]) -> str:
    """``version: 1`` and the rules (each as validated), in the order given; what the loader reads back."""
    return yaml.safe_dump({"version": 1, "rules": found}, allow_unicode=True, sort_keys=False, width=100)


def current(ioc: context.IocContext) -> str:
    with ioc.pool.connection() as conn:
        return as_yaml([r.as_json() for r in store.rules(conn, enabled_only=True)])


def check(text: str, source: str) -> tuple[list[rules.Rule], list[str]]:
    """(rules, []) when the whole text is valid, else ([], the errors, a line each)."""
    try:
        return rules.parse(text, source), []
    except rules.RulesError as exc:
        return [], str(exc).splitlines()


def apply(ioc: context.IocContext, action: str, text: str, actor: str, lang: str) -> tuple[bool, list[str]]:
    """(ok, lines for people): ``check`` only validates; ``save`` validates and puts the text in force."""
    parsed, errors = check(text, "yaml")
    if errors:
        return False, [t("alarms.rules.invalid", lang, n=len(errors)), *errors]
    if action != "save":
        return True, [t("alarms.rules.valid", lang, n=len(parsed))]
    try:
        with ioc.pool.connection() as conn:
            done = store.save_rules(conn, parsed, f"/alarms by {actor}", prune=True)
    except IocError as exc:
        return False, [str(exc)]
    return True, [t("alarms.rules.saved", lang, n=done["loaded"], disabled=done["disabled"])]


def editor(text: str, lang: str) -> list[Any]:
    """The text area and its two buttons; pattern ids, because only an admin's page holds them."""
    return [html.H3(t("alarms.rules.edit", lang), className="mt-3"),
            dcc.Textarea(id={"type": "alarms-rules-yaml", "index": 0}, value=text, spellCheck=False,
                         style={"width": "100%", "height": "420px", "fontFamily": "monospace", "fontSize": "14px"}),
            html.Div([dbc.Button(t("alarms.rules.check", lang), id={"type": "alarms-rules-do", "action": "check"},
                                 color="secondary", className="me-2"),
                      dbc.Button(t("alarms.rules.save", lang), id={"type": "alarms-rules-do", "action": "save"},
                                 color="danger")], className="mt-2"),
            html.Div(id={"type": "alarms-rules-result", "index": 0}, className="mt-2")]


def result(ok: bool, lines: list[str]) -> dbc.Alert:
    return dbc.Alert([html.Div(line) for line in lines], color="success" if ok else "danger",
                     className="alarms-rules-result")
