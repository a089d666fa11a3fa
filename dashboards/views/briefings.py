"""What /briefings shows: the archive of weekly briefings (newest week first) and one of them, as it was mailed."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboards import context
from dashboards.components import query_string
from dashboards.i18n import t
from pipelines.briefing import archive


def mailed_cell(r: dict[str, Any], lang: str) -> str:
    """Who a briefing went to; after the retention only how many (the addresses are personal data)."""
    if not r["mailed_at"]:
        return t("briefings.not_mailed", lang)
    if r.get("purged_count") is not None and not r["mailed_to"]:
        return t("briefings.recipients_purged", lang, n=r["purged_count"])
    return ", ".join(r["mailed_to"])


def listing(ioc: context.IocContext, lang: str, chosen: int | None) -> dbc.Table | html.P:
    with ioc.read_pool.connection() as conn:
        found = archive.listing(conn)
    if not found:
        return html.P(t("briefings.none", lang), className="briefings-none")
    tz = ioc.settings.tz
    head = html.Thead(html.Tr([html.Th(t(f"briefings.col.{c}", lang))
                               for c in ("week", "scope", "lang", "generated", "mailed", "files")]))
    body = [html.Tr([
        html.Td(html.A(r["week"], href="/briefings" + query_string(id=r["id"], lang=lang))),
        html.Td(t("briefing.scope.all", lang) if r["scope"] == "*" else r["scope"]),
        html.Td(r["lang"].upper()),
        html.Td(r["generated_at"].astimezone(tz).strftime("%H:%M %d/%m/%Y")),
        html.Td(mailed_cell(r, lang)),
        html.Td([html.A("PDF", href=f"/briefings/file/{r['id']}.pdf", className="me-2"),
                 html.A("HTML", href=f"/briefings/file/{r['id']}.html", target="_blank")],
                title=r["pdf_sha256"]),
    ], className="table-active" if r["id"] == chosen else "", id={"type": "briefings-row", "index": r["id"]})
        for r in found]
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="briefings-table")


def shown(ioc: context.IocContext, lang: str, chosen: int | None) -> Any:
    """The chosen briefing as it was mailed (its own HTML in a sandboxed frame: no script, its own styles)."""
    if chosen is None:
        return None
    with ioc.pool.connection() as conn:   # opened from the e-mail just sent: a trailing standby may not have it yet
        row = archive.one(conn, chosen)
    if row is None:
        return dbc.Alert(t("briefings.not_found", lang), color="warning")
    return html.Iframe(srcDoc=row["html"], sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation",
                       id="briefings-frame", style={"width": "100%", "height": "1400px", "border": "1px solid #d1d5db",
                                                   "background": "#fff"})


def chosen_id(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
