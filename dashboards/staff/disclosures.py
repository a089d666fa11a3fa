"""/staff/disclosures: ward staff upload a disclosure document, list every one (withdrawn ones too), withdraw one,
read its comments and moderate them. Needs ``public:publish`` (operators and admins); every write is audited
(:mod:`pipelines.public.disclosures`, :mod:`pipelines.public.comments`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flask import request
from markupsafe import Markup
from werkzeug.wrappers import Response

from dashboards import context, fmt
from dashboards.auth import current_principal
from dashboards.auth.forms import request_lang
from dashboards.i18n import t
from dashboards.staff import render
from ioc.security.principal import Principal
from pipelines.public import comments, disclosures, files
from pipelines.public.reason import Reason

_WHEN = "HH:mm dd/MM/yyyy"


def _who() -> Principal:
    who = current_principal()
    assert who is not None     # the guard let only a signed-in caller with public:publish through
    return who


def _local(value: str) -> datetime | None:
    if not value:
        return None
    tz = context.current().settings.tz
    found = datetime.fromisoformat(value)
    return found if found.tzinfo else found.replace(tzinfo=tz)


def listing(errors: Mapping[str, str] | None = None, status: int = 200) -> Response:
    lang, who, ioc = request_lang(), _who(), context.current()
    ward = request.values.get("ward") or None
    values = request.form if request.method == "POST" else {"ward_code": ward or ""}
    err = render.say_all(errors, lang)
    cats = [(c, t(f"public.docs.cat.{c}", lang)) for c in disclosures.CATEGORIES]
    form = Markup('<form method="post" action="/staff/disclosures" enctype="multipart/form-data" '
                  'class="row g-3 mb-4 p-3 border border-secondary rounded" novalidate>{csrf}{fields}'
                  '<div class="col-12"><button class="btn btn-primary btn-lg" type="submit">{go}</button></div></form>'
                  ).format(csrf=render.csrf(who.csrf_token), go=t("staff.docs.upload", lang), fields=Markup("").join((
                      render.field("ward_code", t("staff.ward", lang), values.get("ward_code", ""),
                                   err.get("ward_code", ""), required=True),
                      render.select("category", t("staff.docs.category", lang), cats, values.get("category", ""),
                                    err.get("category", "")),
                      render.field("document_date", t("staff.docs.date", lang), values.get("document_date", ""),
                                   err.get("document_date", ""), "date", True),
                      render.field("title_vi", t("staff.docs.title_vi", lang), values.get("title_vi", ""),
                                   err.get("title_vi", ""), required=True, extra=' maxlength="300"'),
                      render.field("title_en", t("staff.docs.title_en", lang), values.get("title_en", ""),
                                   err.get("title_en", ""), extra=' maxlength="300"'),
                      render.field("comments_open", t("staff.docs.open", lang), values.get("comments_open", ""),
                                   err.get("comments_open", ""), "datetime-local"),
                      render.field("comments_close", t("staff.docs.close", lang), values.get("comments_close", ""),
                                   err.get("comments_close", ""), "datetime-local"),
                      render.field("file", t("staff.docs.file", lang, allowed=files.ALLOWED,
                                             mb=files.MAX_BYTES // 1048576), error=err.get("file", ""),
                                   kind="file", required=True,
                                   extra=' accept=".pdf,.png,.jpg,.jpeg,.xlsx,.docx"'))))
    tz = ioc.settings.tz
    body_rows = []
    for d in disclosures.staff_list(ioc.pool, ward):
        state = t("staff.docs.withdrawn", lang, when=fmt.local_time(d["withdrawn_at"], tz, lang, _WHEN),
                  who=d["withdrawn_by"]) if d["withdrawn_at"] else t("staff.docs.shown", lang)
        action = Markup("") if d["withdrawn_at"] else render.button_form(
            f"/staff/disclosures/{d['id']}/withdraw", who.csrf_token, t("staff.docs.withdraw", lang),
            extra=Markup('<input class="form-control form-control-sm" name="reason" required maxlength="500" '
                         'placeholder="{}">').format(t("staff.docs.reason", lang)))
        body_rows.append(Markup(
            '<tr><td>{}</td><td>{}</td><td><a href="/staff/disclosures/{}">{}</a><div class="small text-secondary">'
            '{} · {} B · {}</div></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>').format(
            d["ward_code"], t(f"public.docs.cat.{d['category']}", lang), d["id"], d["title_vi"], d["filename"],
            d["size_bytes"], d["uploaded_by"], d["document_date"].strftime("%d/%m/%Y"),
            t("staff.docs.counts", lang, pending=d["pending"], published=d["published"], hidden=d["hidden"]),
            state, action))
    notice = t("staff.docs.done", lang) if request.args.get("done") else ""
    body = Markup("<h1>{}</h1><p class='text-secondary'>{}</p>{}{}{}").format(
        t("staff.docs.title", lang), t("staff.docs.intro", lang), render.alert(notice),
        render.alert(t("staff.fix", lang), "danger") if err else "", form) + render.table(
        [t(k, lang) for k in ("staff.ward", "staff.docs.category", "staff.docs.title_vi", "staff.docs.date",
                              "staff.docs.comments", "staff.state", "staff.action")], body_rows)
    return render.page(t("staff.docs.title", lang), body, lang, status, {"ward": ward} if ward else {})


def upload() -> Response:
    who, ioc, form = _who(), context.current(), request.form
    errors: dict[str, Reason] = {}
    parsed: dict[str, datetime | None] = {}
    for name in ("comments_open", "comments_close"):
        try:
            parsed[name] = _local(form.get(name, ""))
        except ValueError:
            errors[name] = Reason("not a date and time", "not_datetime")
    try:
        day = date.fromisoformat(form.get("document_date", ""))
    except ValueError:
        errors["document_date"] = Reason("give the document's date", "date_needed")
        day = date.today()
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        errors["file"] = Reason("choose a file", "file_needed")
    if errors:
        return listing(errors, 400)
    assert upload_file is not None
    item = disclosures.NewDisclosure(form.get("ward_code", "").strip(), form.get("category", ""),
                                     form.get("title_vi", ""), day, upload_file.filename or "file",
                                     upload_file.read(files.MAX_BYTES + 1), form.get("title_en") or None,
                                     parsed.get("comments_open"), parsed.get("comments_close"))
    try:
        with ioc.pool.connection() as conn:
            disclosures.add(conn, item, who.actor, who.user_id, request.remote_addr)
    except disclosures.DisclosureRefused as exc:
        return listing({exc.field: exc.reason}, 400)
    return Response(status=303, headers={"Location": f"/staff/disclosures?done=1&ward={item.ward_code}"})


def withdraw(document: int) -> Response:
    lang, who = request_lang(), _who()
    reason = request.form.get("reason", "").strip()
    if not reason:      # the reason is kept with the document and in the audit log: it is not optional
        return render.page(t("staff.docs.title", lang), render.alert(t("staff.docs.reason_needed", lang), "danger")
                           + Markup('<a href="/staff/disclosures">{}</a>').format(t("staff.docs.title", lang)),
                           lang, 400)
    with context.current().pool.connection() as conn:
        disclosures.withdraw(conn, document, who.actor, reason, request.remote_addr)
    return Response(status=303, headers={"Location": "/staff/disclosures"})


def comment_page(document: int) -> Response:
    lang, who, ioc = request_lang(), _who(), context.current()
    found = disclosures.staff_list(ioc.pool, document=document)
    if not found:
        return render.page(t("staff.docs.title", lang), Markup("<p>{}</p>").format(
            t("public.docs.comment.not_found", lang)), lang, 404)
    d, tz = found[0], ioc.settings.tz
    body_rows = [Markup('<tr><td>{}</td><td class="text-break">{}</td><td>{}</td><td>{}</td></tr>').format(
        fmt.local_time(c["received_at"], tz, lang, _WHEN), c["body"], t(f"staff.comment.{c['state']}", lang),
        Markup(" ").join(render.button_form(f"/staff/comments/{c['id']}", who.csrf_token,
                                            t(f"staff.comment.to_{s}", lang), "outline-info",
                                            Markup('<input type="hidden" name="state" value="{}">').format(s))
                         for s in comments.STATES if s != c["state"]))
        for c in comments.for_staff(ioc.pool, document)]
    body = Markup('<h1>{}</h1><p><a href="/public/documents/{}">{}</a> · {}</p>').format(
        d["title_vi"], d["id"], d["filename"], t("staff.docs.counts", lang, pending=d["pending"],
                                                 published=d["published"], hidden=d["hidden"])) + render.table(
        [t(k, lang) for k in ("staff.comment.at", "staff.comment.body", "staff.state", "staff.action")], body_rows)
    return render.page(d["title_vi"], body, lang)


def moderate(comment: int) -> Response:
    who = _who()
    state = request.form.get("state", "")
    if state not in comments.STATES:
        return Response("state: expected pending, published or hidden", status=400, mimetype="text/plain")
    with context.current().pool.connection() as conn:
        comments.moderate(conn, comment, state, who.actor, request.remote_addr)
        row = conn.execute("SELECT disclosure_id FROM disclosure_comments WHERE id = %s", [comment]).fetchone()
    return Response(status=303, headers={"Location": f"/staff/disclosures/{row[0] if row else ''}"})
