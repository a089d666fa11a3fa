"""The /alarms page's table, detail (with the alarm's history) and rules list, from query results. Pure: no
database access here (the handling is :mod:`dashboards.views.alarm_actions`)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from dashboards import fmt
from dashboards.i18n import t
from dashboards.views.wall_alarms import alarm_name

STATES = ("live", "open", "acknowledged", "resolved", "closed")
SEVERITIES = ("critical", "major", "minor", "warning")
COLUMNS = ("id", "severity", "name", "where", "state", "value", "raised", "count", "assignee")
SELECTED = "alarms-row-selected"
# what each state allows by hand (pipelines.alarms.actions.MOVES, plus assigning and silencing a live alarm)
ALLOWED = {"open": ("acknowledge", "assign", "resolve", "close", "silence"),
           "acknowledged": ("assign", "resolve", "close", "silence"),
           "resolved": ("close",), "closed": ()}
ACTIONS = ("acknowledge", "assign", "resolve", "close", "silence")


def severity_badge(severity: str, lang: str) -> html.Span:
    return html.Span(t(f"alarms.severity.{severity}", lang), className=f"ioc-sev ioc-sev-{severity}")


def where(row: dict[str, Any]) -> str:
    """The device's name (else its id, else the entity: a report, the system) and the ward's name."""
    parts = [str(row.get("device_name") or row.get("device_id") or row["entity"])]
    if row.get("ward_code"):
        parts.append(str(row.get("ward_name") or row["ward_code"]))
    return " · ".join(parts)


def _value(value: float | None, lang: str) -> str:
    return fmt.BLANK if value is None else fmt.number(value, lang, 1)


def _cells(row: dict[str, Any], tz: ZoneInfo, lang: str) -> list[Any]:
    return [html.Td(str(row["id"])), html.Td(severity_badge(row["severity"], lang)), html.Td(alarm_name(row, lang)),
            html.Td(where(row)), html.Td(t(f"alarms.state.{row['state']}", lang) + (" ⚡" if row["flapping"] else "")),
            html.Td(_value(row["value"], lang)),
            html.Td(fmt.local_time(row["last_raised_at"], tz, lang, "HH:mm dd/MM")),
            html.Td(fmt.number(row["count"], lang)), html.Td(row["assignee"] or fmt.BLANK)]


def row_class(row: dict[str, Any], selected: int | None) -> str:
    return " ".join(["alarms-row", f"alarms-row-{row['state']}", *([SELECTED] if row["id"] == selected else [])])


def table(found: list[dict[str, Any]], selected: int | None, tz: ZoneInfo, lang: str) -> dbc.Table:
    """One page of alarms; a click on a row (``{"type": "alarms-row", "id": alarm}``) shows that alarm."""
    head = html.Thead(html.Tr([html.Th(t(f"alarms.col.{c}", lang)) for c in COLUMNS]))
    body = [html.Tr(_cells(r, tz, lang), id={"type": "alarms-row", "id": r["id"]}, className=row_class(r, selected))
            for r in found]
    if not body:
        body = [html.Tr(html.Td(t("alarms.empty", lang), colSpan=len(COLUMNS), className="text-body-secondary"))]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="ioc-table alarms-table",
                     responsive=True)


def owner_name(row: dict[str, Any], lang: str) -> str:
    """The owner department by its name in ``lang`` (the rule's code when the department is not on record)."""
    return str(row.get("owner_en" if lang == "en" else "owner_vi") or row.get("owner") or fmt.BLANK)


def with_selection(class_name: str | None, selected: bool) -> str:
    kept = [c for c in (class_name or "").split() if c != SELECTED]
    return " ".join([*kept, SELECTED] if selected else kept)


def detail(alarm: dict[str, Any] | None, history: list[dict[str, Any]], tz: ZoneInfo, lang: str,
           deliveries: list[dict[str, Any]] | None = None, mask: bool = True) -> list[Any]:
    """The alarm's facts, every transition of it (who, when, from → to, note), oldest first, and the messages that
    told people about it (``mask``: recipients shown masked, for viewers)."""
    if alarm is None:
        return [html.Div(t("alarms.detail.pick", lang), className="text-body-secondary")]
    facts: list[tuple[str, Any]] = [("alarms.col.severity", severity_badge(alarm["severity"], lang)),
             ("alarms.col.state", t(f"alarms.state.{alarm['state']}", lang)),
             ("alarms.col.where", where(alarm)), ("alarms.detail.owner", owner_name(alarm, lang)),
             ("alarms.col.value", _value(alarm["value"], lang)),
             ("alarms.detail.first", fmt.local_time(alarm["raised_at"], tz, lang)),
             ("alarms.detail.last_seen", fmt.local_time(alarm["last_seen_at"], tz, lang)),
             ("alarms.col.assignee", alarm["assignee"] or fmt.BLANK)]
    rows = [html.Tr([html.Td(fmt.local_time(h["at"], tz, lang)), html.Td(h["actor"]),
                     html.Td(t(f"alarms.action.{h['action']}", lang)),
                     html.Td(f"{t('alarms.state.' + h['from_state'], lang) if h['from_state'] else '∅'} → "
                             f"{t('alarms.state.' + h['to_state'], lang)}"),
                     html.Td(h["note"] or "")]) for h in history]
    head = html.Thead(html.Tr([html.Th(t(f"alarms.history.{c}", lang)) for c in ("at", "actor", "action", "move",
                                                                                  "note")]))
    return [html.H4(f"#{alarm['id']} · {alarm_name(alarm, lang)}", id="alarms-detail-title"),
            html.Dl([item for key, value in facts for item in (html.Dt(t(key, lang)), html.Dd(value))],
                    className="alarms-facts"),
            html.H5(t("alarms.history.title", lang)),
            dbc.Table([head, html.Tbody(rows)], size="sm", className="ioc-table alarms-history"),
            *delivery_section(deliveries or [], tz, lang, mask)]


DELIVERY_COLOR = {"sent": "success", "retrying": "warning", "failed": "danger", "pending": "secondary"}


def masked(target: str) -> str:
    """A recipient for a viewer: enough to recognise the desk, not the person's address or number."""
    name, at, domain = target.partition("@")
    return f"{name[:2]}***@{domain}" if at else f"{target[:4]}***"


def delivery_section(found: list[dict[str, Any]], tz: ZoneInfo, lang: str, mask: bool) -> list[Any]:
    if not found:
        return [html.H5(t("alarms.deliveries.title", lang)),
                html.Div(t("alarms.deliveries.none", lang), className="text-body-secondary")]
    head = html.Thead(html.Tr([html.Th(t(f"alarms.deliveries.{c}", lang))
                               for c in ("at", "channel", "target", "status")]))
    body = [html.Tr([html.Td(fmt.local_time(d["sent_at"] or d["created_at"], tz, lang)),
                     html.Td(d["channel"] + (f" · {t('alarms.deliveries.tier', lang, n=d['tier'])}" if d["tier"]
                                             else "")),
                     html.Td(masked(d["target"]) if mask else d["target"]),
                     html.Td([dbc.Badge(t(f"alarms.deliveries.status.{d['status']}", lang),
                                        color=DELIVERY_COLOR.get(d["status"], "secondary"), className="me-1"),
                              html.Span(f"×{d['attempt']} · {d['error'][:120]}" if d["error"] else "",
                                        className="small")])])
            for d in found]
    return [html.H5(t("alarms.deliveries.title", lang)),
            dbc.Table([head, html.Tbody(body)], size="sm", className="ioc-table alarms-deliveries")]


def buttons(state: str | None, can_handle: bool, lang: str) -> list[Any]:
    """The actions the alarm's state allows; none for a viewer (the server checks the role again)."""
    if not can_handle:
        return [html.Div(t("alarms.viewer_only", lang), className="text-body-secondary")]
    allowed = ALLOWED.get(state or "", ())
    return [dbc.Button(t(f"alarms.do.{a}", lang), id={"type": "alarms-act", "action": a}, className="me-2",
                       color="danger" if a == "resolve" else "primary", outline=a not in ("acknowledge", "resolve"),
                       disabled=a not in allowed) for a in ACTIONS]


def rules_table(rules: list[dict[str, Any]], tz: ZoneInfo, lang: str) -> dbc.Table:
    cols = ("id", "name", "kind", "severity", "owner", "enabled", "source", "updated")
    head = html.Thead(html.Tr([html.Th(t(f"alarms.rules.{c}", lang)) for c in cols]))
    body = [html.Tr([html.Td(r["id"]), html.Td(alarm_name(r, lang)), html.Td(r["kind"]),
                     html.Td(severity_badge(r["severity"], lang)), html.Td(owner_name(r, lang)),
                     html.Td("✓" if r["enabled"] else "✗"), html.Td(r["source"]),
                     html.Td(fmt.local_time(r["updated_at"], tz, lang, "HH:mm dd/MM/yyyy"))]) for r in rules]
    return dbc.Table([head, html.Tbody(body)], size="sm", className="ioc-table alarms-rules", responsive=True)


def rules_section(rules: list[dict[str, Any]], tz: ZoneInfo, lang: str) -> list[Any]:
    return [html.H2(t("alarms.rules.title", lang)),
            html.Div(t("alarms.rules.how", lang), className="text-body-secondary mb-2"),
            rules_table(rules, tz, lang)]


def filter_options(lang: str) -> dict[str, list[dict[str, str]]]:
    return {"states": [{"label": t(f"alarms.state.{s}", lang), "value": s} for s in STATES],
            "severities": [{"label": t(f"alarms.severity.{s}", lang), "value": s} for s in SEVERITIES]}
