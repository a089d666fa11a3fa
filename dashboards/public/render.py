"""The residents' pages as plain HTML (no script): mobile first, Vietnamese first, escaped by :class:`Markup`.

Labels come from the catalogue (``public.*``); the data from :mod:`dashboards.views.public`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from dashboards.i18n import LANGS, t
from dashboards.public.render_docs import documents_section, synthetic_badge
from dashboards.public.svgmap import ward_map
from dashboards.views.public import IndexPage, PublicReport, Transparency, WardPage, WardStatus
from pipelines.reports.model import STATUSES

_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<link rel="stylesheet" href="/public/static/ioc-public.css"></head>
<body class="ioc-public"><header class="pub-head"><div class="pub-brand"><a href="/public{q}">{brand}</a></div>
<nav class="pub-langs">{langs}</nav></header><main class="pub-main">{lag}{body}</main>
<footer class="pub-foot">{privacy}</footer></body></html>"""
_Q = Markup("").join


def page(title: str, body: Markup, lang: str, path: str, keep: dict[str, str], lag: str = "") -> str:
    """``lag``: the standby's 'Số liệu chậm N giây' line when the page was read from a trailing one (docs/ha.md)."""
    langs = Markup(" · ").join(
        Markup('<a href="{}?{}"{}>{}</a>').format(path, urlencode({**keep, "lang": c}),
                                                  Markup(' aria-current="true"') if c == lang else "", c.upper())
        for c in LANGS)
    q = "" if lang == "vi" else "?lang=en"
    shown = Markup('<p class="pub-lag" role="status">{}</p>').format(lag) if lag else Markup("")
    return str(Markup(_PAGE).format(lang=lang, title=title, brand=t("public.brand", lang), langs=langs, body=body,
                                    privacy=t("public.privacy", lang), q=q, lag=shown))


def _lang_field(lang: str) -> Markup:
    return Markup('<input type="hidden" name="lang" value="{}">').format(lang) if lang != "vi" else Markup("")


def track_box(path: str, lang: str, found: PublicReport | None, error: str, value: str = "") -> Markup:
    form = Markup('<form class="pub-track" method="get" action="{}">{}<label for="pub-code">{}</label>'
                  '<div class="pub-row"><input id="pub-code" name="code" value="{}" maxlength="40" '
                  'inputmode="numeric" placeholder="PA-000123"><button type="submit">{}</button></div></form>').format(
        path, _lang_field(lang), t("public.track.label", lang), value, t("public.track.go", lang))
    if error:
        form += Markup('<p class="pub-error" role="alert">{}</p>').format(error)
    if found is not None:
        form += Markup('<div class="pub-tracked">{}</div>').format(report_card(found, lang, anchor=False))
    return Markup('<section class="pub-card" id="track"><h2>{}</h2>{}</section>').format(
        t("public.track.title", lang), form)


def report_card(r: PublicReport, lang: str, anchor: bool = True) -> Markup:
    steps = _Q(Markup("<li><time>{}</time> {}</li>").format(when, what) for when, what in r.steps)
    body = Markup("")
    if r.description:
        body += Markup('<p class="pub-desc">{}</p>').format(r.description)
    if r.response:
        body += Markup('<p class="pub-answer"><b>{}</b> {}</p>').format(t("public.answer", lang), r.response)
    if r.photos:
        body += Markup('<p class="pub-photos">{}</p>').format(Markup(" · ").join(
            Markup('<a href="{}" rel="noopener noreferrer">{} {}</a>').format(u, t("public.photo", lang), i + 1)
            for i, u in enumerate(r.photos)))
    return Markup('<article class="pub-report"{}><div class="pub-report-head"><span class="pub-code">{}</span>'
                  '<span class="pub-status pub-status-{}">{}</span></div><div class="pub-cat">{}</div>'
                  '<div class="pub-meta">{} {}</div>{}<ol class="pub-steps">{}</ol></article>').format(
        Markup(' id="r{}"').format(r.id) if anchor else "", r.code, r.status, r.status_label, r.category_label,
        t("public.submitted", lang), r.submitted, body, steps)


def figures_section(f: Transparency, lang: str, scope: str) -> Markup:
    tiles = _Q(Markup('<div class="pub-tile"><div class="pub-tile-v">{}</div><div class="pub-tile-k">{}</div></div>'
                      ).format(v, k) for v, k in (
        (f.received, t("public.fig.received", lang)), (f.resolved, t("public.fig.resolved", lang)),
        (f.received_7d, t("public.fig.received_7d", lang)), (f.resolved_7d, t("public.fig.resolved_7d", lang)),
        (f.on_time, t("public.fig.on_time", lang))))
    medians = _Q(Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(*m) for m in f.medians)
    top = _Q(Markup("<li>{} <b>{}</b></li>").format(*c) for c in f.top)
    quiet = _Q(Markup("<li>{} · {} · <b>{}</b></li>").format(
        code, cat, t("public.fig.quiet_days", lang, days=days)) for code, cat, days in f.quiet)
    none = Markup('<p class="pub-muted">{}</p>').format(t("public.none", lang))
    return Markup(
        '<section class="pub-card" id="figures"><h2>{title}</h2><p class="pub-muted">{scope}</p>'
        '<div class="pub-tiles">{tiles}</div><p class="pub-muted">{ontime}</p>'
        '<h3>{mh}</h3>{medians}<h3>{th}</h3>{top}<h3>{qh}</h3>{quiet}</section>').format(
        title=t("public.fig.title", lang), scope=scope, tiles=tiles, ontime=f.on_time_detail,
        mh=t("public.fig.medians", lang, n=100),
        medians=Markup('<table class="pub-table"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
                       '<tbody>{}</tbody></table>').format(t("public.fig.department", lang),
                                                           t("public.fig.median_days", lang),
                                                           t("public.fig.count", lang), medians) if f.medians else none,
        th=t("public.fig.top", lang), top=Markup('<ol class="pub-list">{}</ol>').format(top) if f.top else none,
        qh=t("public.fig.quiet", lang, days=10),
        quiet=Markup('<ul class="pub-list pub-quiet">{}</ul>').format(quiet) if f.quiet else none)


def status_section(s: WardStatus, lang: str) -> Markup:
    air = _Q(Markup('<li><span class="pub-aqi pub-aqi-{}">{}</span> {} <span class="pub-muted">{}</span>'
                    '<div class="pub-muted">{}</div></li>').format(
        a["band"], a["aqi"], a["name"],
        t("public.air.inside", lang) if a["inside"] else t("public.air.km", lang, km=a["km_text"]),
        f"{a['label']}: {a['advice']}") for a in s.air)
    wifi = _Q(Markup('<li><span class="pub-dot pub-{}"></span>{} — {}</li>').format(
        "up" if w["up"] else "down", w["name"], t("public.wifi.up" if w["up"] else "public.wifi.down", lang))
        for w in s.wifi)
    none = Markup('<p class="pub-muted">{}</p>').format(t("public.none", lang))
    return Markup('<section class="pub-card" id="status"><h2>{}</h2><h3>{}</h3>{}<h3>{}</h3>{}</section>').format(
        t("public.status.title", lang), t("public.air.title", lang),
        Markup('<ul class="pub-list">{}</ul>').format(air) if s.air else none,
        t("public.wifi.title", lang, up=len([w for w in s.wifi if w["up"]]), total=len(s.wifi)),
        Markup('<ul class="pub-list">{}</ul>').format(wifi) if s.wifi else none)


def support_section(points: list[dict[str, Any]], lang: str) -> Markup:
    items = _Q(Markup('<li class="pub-support"><b>{}</b> <span class="pub-kind">{}</span>{}<div>{}</div>'
                      '<div class="pub-muted">{}</div><div class="pub-muted">{}</div></li>').format(
        p["name"], p["kind_label"], synthetic_badge(lang) if p.get("synthetic") else "",
        p["address"] or "", " · ".join(x for x in (p["hours"], p["phone"]) if x),
        (t("public.support.helps", lang) + " " + ", ".join(p["helps_with"])) if p["helps_with"] else "")
        for p in points)
    body = Markup('<ul class="pub-list pub-supports">{}</ul>').format(items) if points else Markup(
        '<p class="pub-muted">{}</p>').format(t("public.none", lang))
    return Markup('<section class="pub-card" id="support"><h2>{}</h2>{}</section>').format(
        t("public.support.title", lang), body)


def filters_form(p: WardPage, path: str, lang: str) -> Markup:
    def options(items: list[tuple[str, str]], chosen: str | None) -> Markup:
        return _Q(Markup('<option value="{}"{}>{}</option>').format(v, Markup(" selected") if v == chosen else "", k)
                  for v, k in items)

    cats = [("", t("public.filter.all_categories", lang)), *p.categories.items()]
    statuses = [("", t("public.filter.all_statuses", lang)), *((s, t(f"reports.status.{s}", lang)) for s in STATUSES)]
    problems = _Q(Markup('<p class="pub-error" role="alert">{}</p>').format(x) for x in p.filters.problems)
    places = Markup('<label>{}<select name="hamlet">{}</select></label>').format(
        t("public.filter.hamlet", lang), options([("", t("public.filter.all_hamlets", lang)),
                                                  *((h, h) for h in p.hamlets)], p.filters.hamlet)) \
        if p.hamlets else Markup("")
    return Markup('<form class="pub-filters{}" method="get" action="{}">{}<label>{}<select name="category">{}</select>'
                  '</label><label>{}<select name="status">{}</select></label>{}<button type="submit">{}</button>'
                  '</form>{}').format(" pub-filters-3" if p.hamlets else "", path, _lang_field(lang),
                                      t("public.filter.category", lang), options(cats, p.filters.category),
                                      t("public.filter.status", lang), options(statuses, p.filters.status), places,
                                      t("public.filter.go", lang), problems)


def ward_html(p: WardPage, lang: str, keep: dict[str, str], code_text: str, notice: str = "", lag: str = "") -> str:
    path = f"/public/{p.ward['code']}"
    labels = {k: t(f"public.map.{k}", lang) for k in ("open", "done", "wifi_up", "wifi_down", "support", "title")}
    listing = _Q(report_card(r, lang) for r in p.reports) or Markup('<p class="pub-muted">{}</p>').format(
        t("public.none", lang))
    body = Markup(
        '<h1>{name}</h1><p class="pub-muted">{province}</p>'
        '<div class="pub-side">{track}{status}{support}{figures}</div>'
        '<section class="pub-card" id="reports"><h2>{rh}</h2>{map}{filters}<p class="pub-muted">{count}</p>'
        '<div class="pub-reports">{listing}</div></section>{documents}').format(
        name=p.ward["name"], province=p.ward["province"], track=track_box(path, lang, p.track, p.track_error,
                                                                          code_text),
        status=status_section(p.status, lang), support=support_section(p.support, lang),
        rh=t("public.reports.title", lang),
        map=ward_map(p.outline, p.reports, p.status.wifi, p.status.air, labels, p.support),
        filters=filters_form(p, path, lang),
        count=t("public.reports.count", lang, n=len(p.reports)), listing=listing,
        documents=documents_section(p.documents, lang, notice),
        figures=figures_section(p.figures, lang, t("public.fig.scope_ward", lang, ward=p.ward["name"])))
    return page(f"{p.ward['name']} — {t('public.brand', lang)}", body, lang, path, keep, lag)


def index_html(p: IndexPage, lang: str, code_text: str, lag: str = "") -> str:
    q = "" if lang == "vi" else "?lang=en"
    wards = _Q(Markup('<li><a href="/public/{}{}">{}</a> <span class="pub-muted">{} · {}</span></li>').format(
        w["code"], q, w["name"], w["province"], t("public.reports.count", lang, n=w["reports"])) for w in p.wards)
    body = Markup('<h1>{}</h1><p>{}</p><div class="pub-side">{}{}</div><section class="pub-card" id="wards">'
                  '<h2>{}</h2><ul class="pub-list pub-wards">{}</ul></section>').format(
        t("public.index.title", lang), t("public.index.intro", lang), track_box("/public", lang, p.track,
                                                                                p.track_error, code_text),
        figures_section(p.figures, lang, t("public.fig.scope_all", lang)), t("public.index.wards", lang), wards)
    return page(t("public.brand", lang), body, lang, "/public", {}, lag)


def message_html(lang: str, title: str, text: str, back: str) -> str:
    """A one-message page (the answer to a comment that was not accepted), with the way back."""
    body = Markup('<h1>{}</h1><p class="pub-error" role="alert">{}</p><p><a href="{}">{}</a></p>').format(
        title, text, back, t("public.index.back_ward", lang))
    return page(title, body, lang, back, {})


def not_found_html(lang: str, code: str) -> str:
    body = Markup('<h1>{}</h1><p><a href="/public">{}</a></p>').format(
        t("public.ward.not_found", lang, code=code[:40]), t("public.index.back", lang))
    return page(t("public.brand", lang), body, lang, "/public", {})
