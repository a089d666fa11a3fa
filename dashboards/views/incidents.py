"""The /incidents page's list and detail (header, evidence, playbook, timeline), from query results. Pure: no
database access here (the handling is :mod:`dashboards.views.incident_actions`, the map
:mod:`dashboards.views.incident_map`)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from dashboards import fmt
from dashboards.i18n import t
from dashboards.views.alarms import severity_badge

LIVE = ("suggested", "confirmed")   # what the handling form is shown for
STATUSES = ("live", "suggested", "confirmed", "resolved", "dismissed", "merged")
SELECTED = "incidents-row-selected"
# what each status allows by hand (pipelines.incidents.actions); steps and answers have their own controls
ALLOWED = {"suggested": ("confirm", "dismiss", "merge", "attach"), "confirmed": ("resolve", "merge", "attach"),
           "resolved": (), "dismissed": (), "merged": ()}


def name(row: dict[str, Any], lang: str) -> str:
    return str(row["name_en"] if lang == "en" else row["name_vi"])


def dept(code: str, names: dict[str, tuple[str, str]], lang: str) -> str:
    found = names.get(code)
    return (found[1] if lang == "en" else found[0]) if found else code


def status_badge(status: str, lang: str) -> html.Span:
    return html.Span(t(f"incidents.status.{status}", lang), className=f"ioc-inc-status ioc-inc-{status}")


def status_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"incidents.status.{s}", lang), "value": s} for s in STATUSES]


def _row(r: dict[str, Any], selected: int | None, tz: ZoneInfo, lang: str) -> html.Tr:
    step = fmt.BLANK if r["current_step"] is None else str(r["current_step"])
    if r["overdue_steps"]:
        step += f" ⏰ {r['overdue_steps']}"
    cls = " ".join(["incidents-row", f"incidents-row-{r['status']}", *([SELECTED] if r["id"] == selected else [])])
    return html.Tr([html.Td(f"#{r['id']}"), html.Td(severity_badge(r["severity"], lang)),
                    html.Td([html.Div(name(r, lang), className="fw-semibold"), status_badge(r["status"], lang)]),
                    html.Td(", ".join(r["ward_names"]) or fmt.BLANK), html.Td(fmt.number(r["items"], lang)),
                    html.Td(step, className="ioc-inc-overdue" if r["overdue_steps"] else None),
                    html.Td(fmt.local_time(r["opened_at"], tz, lang, "HH:mm dd/MM"))],
                   id={"type": "incidents-row", "id": r["id"]}, className=cls)


def table(found: list[dict[str, Any]], selected: int | None, tz: ZoneInfo, lang: str) -> Any:
    if not found:
        return html.P(t("incidents.none", lang), className="text-muted")
    head = html.Thead(html.Tr([html.Th("#"), html.Th(""), html.Th(""), html.Th(t("incidents.col.wards", lang)),
                               html.Th(t("incidents.col.evidence", lang)), html.Th(t("incidents.col.step", lang)),
                               html.Th(t("incidents.col.opened", lang))]))
    return dbc.Table([head, html.Tbody([_row(r, selected, tz, lang) for r in found])], hover=True, size="sm",
                     className="incidents-table")


def header(inc: dict[str, Any], names: dict[str, tuple[str, str]], tz: ZoneInfo, lang: str) -> html.Div:
    facts = [t("incidents.owner", lang, owner=dept(inc["owner"], names, lang)),
             ", ".join(inc["ward_names"]) or fmt.BLANK,
             fmt.local_time(inc["opened_at"], tz, lang, "HH:mm dd/MM/yyyy"),
             t("incidents.version", lang, v=inc["version"])]
    if inc["merged_into"]:
        facts.append(t("incidents.merged_into", lang, id=inc["merged_into"]))
    return html.Div([
        html.H2([f"#{inc['id']} {name(inc, lang)} ", severity_badge(inc["severity"], lang), " ",
                 status_badge(inc["status"], lang)], className="h4"),
        html.Div(" · ".join(facts), className="text-muted")], id="incidents-head")


def evidence(items: list[dict[str, Any]], tz: ZoneInfo, lang: str) -> html.Div:
    rows = [html.Li([html.Span(fmt.local_time(i["at"], tz, lang, "HH:mm dd/MM"), className="me-2 text-muted"),
                     html.Span(t(f"incidents.source.{i['source']}", lang), className=f"ioc-src ioc-src-{i['source']}"),
                     " ", _label(i, lang)]) for i in items]
    return html.Div([html.H3(t("incidents.evidence", lang, n=len(items)), className="h6"),
                     html.Ul(rows, className="list-unstyled ioc-inc-evidence")])


def _label(item: dict[str, Any], lang: str) -> str:
    """A camera's detection in the reader's language (the stored label is the camera and its confidence)."""
    if item["source"] == "camera_event" and item.get("kind"):
        return f"{t('event.' + str(item['kind']), lang)} · {item['label']}"
    return str(item["label"])


def playbook(steps: list[dict[str, Any]], status: str, handle: bool, names: dict[str, tuple[str, str]],
             tz: ZoneInfo, lang: str) -> html.Div:
    """The steps in order: done ones ticked, the current one with its checklist and (for handlers) its buttons,
    overdue ones marked red; before confirmation, a note that the playbook starts then."""
    title = html.H3(t("incidents.playbook", lang), className="h6")
    if not steps:
        return html.Div([title, html.P(t("incidents.playbook.after_confirm", lang), className="text-muted")])
    return html.Div([title, html.Ol([_step(s, status, handle, names, tz, lang) for s in steps],
                                    className="ioc-inc-steps")], id="incidents-playbook")


def _step(s: dict[str, Any], status: str, handle: bool, names: dict[str, tuple[str, str]], tz: ZoneInfo,
          lang: str) -> html.Li:
    title = s["title_en"] if lang == "en" else s["title_vi"]
    when = (t("incidents.step.done_by", lang, at=fmt.local_time(s["done_at"], tz, lang, "HH:mm dd/MM"),
              who=s["done_by"]) if s["done_at"] else t("incidents.step.due", lang,
                                                        at=fmt.local_time(s["due_at"], tz, lang, "HH:mm dd/MM")))
    flags = []
    if s["overdue"]:
        flags.append(html.Span(t("incidents.step.overdue", lang), className="badge bg-danger ms-2"))
    elif s["current"] and status == "confirmed":
        flags.append(html.Span(t("incidents.step.current", lang), className="badge bg-primary ms-2"))
    cls = "ioc-step" + (" ioc-step-done" if s["done_at"] else "") + (" ioc-step-current" if s["current"] else "") + (
        " ioc-step-overdue" if s["overdue"] else "")
    body: list[Any] = [html.Div([("✓ " if s["done_at"] else "") + title, *flags], className="fw-semibold"),
                       html.Div(f"{dept(s['department'], names, lang)} · {when}", className="small text-muted")]
    items = [{"label": c["en"] if lang == "en" else c["vi"], "value": i + 1, "disabled": bool(s["done_at"]) or not
              handle} for i, c in enumerate(s["checklist"])]
    ticked = [i + 1 for i, c in enumerate(s["checklist"]) if c["done"]]
    body.append(dbc.Checklist(options=items, value=ticked, id={"type": "incidents-check", "pos": s["position"]},
                              className="small"))
    if handle and s["current"] and status == "confirmed":
        body.append(html.Div([
            dbc.Button(t("incidents.do.check", lang), id={"type": "incidents-step", "pos": s["position"],
                                                          "done": 0}, size="sm", color="secondary",
                       className="me-2"),
            dbc.Button(t("incidents.do.step", lang), id={"type": "incidents-step", "pos": s["position"], "done": 1},
                       size="sm", color="success")], className="mt-1"))
    return html.Li(body, className=cls)


def timeline(events: list[dict[str, Any]], tz: ZoneInfo, lang: str) -> html.Div:
    rows = [html.Li([html.Span(fmt.local_time(e["at"], tz, lang, "HH:mm dd/MM"), className="me-2 text-muted"),
                     html.Span(t(f"incidents.action.{e['action']}", lang), className="fw-semibold me-2"),
                     html.Span(e["actor"], className="me-2 text-muted"), e["note"] or ""])
            for e in reversed(events)]
    return html.Div([html.H3(t("incidents.timeline", lang), className="h6"),
                     html.Ul(rows, className="list-unstyled ioc-inc-timeline")], id="incidents-timeline")


def buttons(status: str | None, handle: bool, lang: str) -> list[Any]:
    if status is None or not handle:
        return []
    colors = {"confirm": "primary", "dismiss": "secondary", "resolve": "success", "merge": "warning",
              "attach": "info"}
    return [dbc.Button(t(f"incidents.do.{a}", lang), id={"type": "incidents-act", "action": a},
                       color=colors[a], className="me-2 mb-1", size="sm") for a in ALLOWED.get(status, ())]
