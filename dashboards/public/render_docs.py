"""The disclosure documents of /public/<ward> as plain HTML (no script): the list by category, each document's
download link, its comment period and count, the published comments, and the anonymous comment form.

The form is a plain POST to ``/public/comments/<id>`` with a signed, time-limited token and a honeypot field
(``website``: hidden by the stylesheet, left empty by people, filled by form-filling robots). It asks for no name and
no contact: the comment alone is kept.
"""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup

from dashboards.i18n import t
from dashboards.views.public_docs import PublicDocument
from pipelines.public import comments

HONEYPOT = "website"
_Q = Markup("").join


def _form(d: PublicDocument, lang: str) -> Markup:
    if d.token is None:
        return Markup("")
    return Markup(
        '<details class="pub-comment-box"><summary>{open}</summary>'
        '<form class="pub-comment" method="post" action="/public/comments/{id}">'
        '<input type="hidden" name="token" value="{token}"><input type="hidden" name="lang" value="{lang}">'
        '<div class="pub-hp" aria-hidden="true"><label for="hp-{id}">{hp}</label>'
        '<input id="hp-{id}" name="{honeypot}" tabindex="-1" autocomplete="off"></div>'
        '<label for="c-{id}">{label}</label><textarea id="c-{id}" name="body" rows="3" maxlength="{max}" required>'
        '</textarea><p class="pub-muted">{note}</p><button type="submit">{send}</button></form></details>').format(
        open=t("public.docs.comment.open", lang),
        id=d.id, token=d.token, lang=lang, hp=t("public.docs.honeypot", lang), honeypot=HONEYPOT,
        label=t("public.docs.comment.label", lang), max=comments.MAX_CHARS, note=t("public.docs.comment.note", lang),
        send=t("public.docs.comment.send", lang))


def synthetic_badge(lang: str) -> Markup:
    return Markup(' <span class="pub-synthetic">{}</span>').format(t("public.synthetic", lang))


def document_item(d: PublicDocument, lang: str) -> Markup:
    shown = _Q(Markup("<li>{}</li>").format(c) for c in d.published_comments)
    return Markup(
        '<li class="pub-doc" id="d{id}"><div class="pub-doc-title"><a href="{url}">{title}</a>{synthetic}</div>'
        '<div class="pub-muted">{date} · {kind}, {size} · {published}</div>{period}{count}{shown}{form}</li>').format(
        id=d.id, url=d.url, title=d.title, synthetic=synthetic_badge(lang) if d.synthetic else "",
        date=t("public.docs.dated", lang, date=d.date), kind=d.kind, size=d.size,
        published=t("public.docs.published", lang, when=d.published),
        period=Markup('<div class="pub-period pub-period-{}">{}</div>').format(d.period, d.period_text)
        if d.period_text else "",
        count=Markup('<div class="pub-muted">{}</div>').format(t("public.docs.comments", lang, n=d.comments))
        if d.period != "none" else "",
        shown=Markup('<ul class="pub-comments">{}</ul>').format(shown) if d.published_comments else "",
        form=_form(d, lang))


def documents_section(docs: list[PublicDocument], lang: str, notice: str = "") -> Markup:
    groups = _Q(Markup('<h3>{}</h3><ul class="pub-list pub-docs">{}</ul>').format(
        items[0].category_label, _Q(document_item(d, lang) for d in items))
        for items in (list(g) for _, g in groupby(docs, key=lambda d: d.category)))
    body = groups or Markup('<p class="pub-muted">{}</p>').format(t("public.none", lang))
    top = Markup('<p class="pub-ok" role="status">{}</p>').format(notice) if notice else Markup("")
    return Markup('<section class="pub-card" id="documents"><h2>{}</h2><p class="pub-muted">{}</p>{}{}</section>'
                  ).format(t("public.docs.title", lang), t("public.docs.intro", lang), top, body)
