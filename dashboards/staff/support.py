"""/staff/support-points: ward staff add, edit and close online support points (Cà phê dịch vụ công, community
digital teams, one-stop desks). Every field is checked and each error shown under its field; every write is audited
(:mod:`pipelines.public.support_edit`). Closing keeps the point, marked closed; residents no longer see it.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import request
from markupsafe import Markup
from werkzeug.wrappers import Response

from dashboards import context
from dashboards.auth import current_principal
from dashboards.auth.forms import request_lang
from dashboards.i18n import t
from dashboards.staff import render
from ioc.security.principal import Principal
from pipelines.public import support_edit

KINDS = ("cafe", "digital_team", "one_stop")


def _who() -> Principal:
    who = current_principal()
    assert who is not None     # the guard let only a signed-in caller with public:publish through
    return who


def _form(action: str, values: Mapping[str, str], errors: Mapping[str, str], lang: str, token: str | None) -> Markup:
    def f(name: str, required: bool = False) -> Markup:
        return render.field(name, t(f"staff.points.{name}", lang), values.get(name, ""), errors.get(name, ""),
                            required=required)

    kinds = [(k, t(f"public.support.kind.{k}", lang)) for k in KINDS]
    return Markup('<form method="post" action="{}" class="row g-3 mb-4 p-3 border border-secondary rounded" '
                  'novalidate>{}{}<div class="col-12"><button class="btn btn-primary btn-lg" type="submit">{}</button>'
                  '</div></form>').format(action, render.csrf(token), Markup("").join((
                      f("ward_code", True), render.select("kind", t("staff.points.kind", lang), kinds,
                                                          values.get("kind", ""), errors.get("kind", "")),
                      f("name", True), f("address"), f("lat", True), f("lon", True), f("hours"), f("phone"),
                      f("helps_with"))), t("staff.save", lang))


def listing(values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
            status: int = 200) -> Response:
    lang, who, ioc = request_lang(), _who(), context.current()
    ward = request.args.get("ward") or None
    body_rows = [Markup('<tr><td>{}</td><td>{}</td><td><a href="/staff/support-points/{}">{}</a>{}</td><td>{}</td>'
                        '<td>{}</td><td>{}</td></tr>').format(
        p["ward_code"], t(f"public.support.kind.{p['kind']}", lang), p["id"], p["name"],
        Markup(' <span class="badge text-bg-secondary">{}</span>').format(t("staff.synthetic", lang))
        if p["synthetic"] else "", p["address"] or "", p["hours"] or "",
        t("staff.points.closed", lang) if p["closed_at"] else render.button_form(
            f"/staff/support-points/{p['id']}/close", who.csrf_token, t("staff.points.close", lang)))
        for p in support_edit.for_staff(ioc.pool, ward)]
    notice = t("staff.points.done", lang) if request.args.get("done") else ""
    body = Markup("<h1>{}</h1>{}{}<h2 class='h4'>{}</h2>{}").format(
        t("staff.points.title", lang), render.alert(notice),
        render.alert(t("staff.fix", lang), "danger") if errors else "", t("staff.points.add", lang),
        _form("/staff/support-points", values or {"ward_code": ward or ""}, render.say_all(errors, lang), lang,
              who.csrf_token))
    body += render.table([t(k, lang) for k in ("staff.ward", "staff.points.kind", "staff.points.name",
                                               "staff.points.address", "staff.points.hours", "staff.action")],
                         body_rows)
    return render.page(t("staff.points.title", lang), body, lang, status, {"ward": ward} if ward else {})


def _save(point_id: int | None) -> Response:
    who, ioc = _who(), context.current()
    values = {k: request.form.get(k, "") for k in support_edit.FIELDS}
    with ioc.pool.connection() as conn:
        current = {c for (c,) in conn.execute("SELECT code FROM wards WHERE valid_to IS NULL")}
        found = support_edit.check(values, current)
        result = found if isinstance(found, dict) else support_edit.save(conn, found, who.actor, point_id,
                                                                         request.remote_addr)
    if isinstance(result, dict):
        return listing(values, result, 400) if point_id is None else edit_page(point_id, values, result, 400)
    return Response(status=303, headers={"Location": f"/staff/support-points?done=1&ward={values['ward_code']}"})


def add() -> Response:
    return _save(None)


def update(point_id: int) -> Response:
    return _save(point_id)


def edit_page(point_id: int, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
              status: int = 200) -> Response:
    lang, who = request_lang(), _who()
    found = support_edit.one(context.current().pool, point_id)
    if found is None:
        return render.page(t("staff.points.title", lang), Markup("<p>{}</p>").format(
            t("staff.points.not_found", lang)), lang, 404)
    shown = values or {**{k: str(found[k] or "") for k in support_edit.FIELDS if k != "helps_with"},
                       "helps_with": "; ".join(found["helps_with"] or [])}
    body = Markup("<h1>{}</h1>{}{}").format(found["name"], render.alert(t("staff.fix", lang), "danger")
                                            if errors else "",
                                            _form(f"/staff/support-points/{point_id}", shown,
                                                  render.say_all(errors, lang), lang, who.csrf_token))
    return render.page(found["name"], body, lang, status)


def close(point_id: int) -> Response:
    who = _who()
    with context.current().pool.connection() as conn:
        support_edit.close(conn, point_id, who.actor, request.remote_addr)
    return Response(status=303, headers={"Location": "/staff/support-points?done=1"})
