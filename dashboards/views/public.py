"""The residents' page (/public, /public/<ward>) as data: what it shows, already in the visitor's language and in
local time. Rendered by :mod:`dashboards.public.render`; nothing here knows HTML.

Every report comes from :func:`pipelines.reports.public.public_requests` (the rows Open311 publishes: point snapped
to ~50 m, no address, no contact, description only where the reporter agreed, redacted); timelines and figures
from :mod:`pipelines.reports.transparency`. Photos are shown only with a published description (the reporter's
agreement to publish is the one consent we hold).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from dashboards import fmt
from dashboards.i18n import t
from dashboards.queries import public_status, wards
from dashboards.views import public_docs
from layers.vn_aqi import band as aqi_band
from pipelines.public import hamlets, support_points
from pipelines.reports import transparency
from pipelines.reports.model import STATUSES
from pipelines.reports.public import RequestFilter, public_requests

LIST_MAX = 100
_CODE = re.compile(r"^\s*(?:#|PA-?)?\s*0*(\d{1,12})\s*$", re.IGNORECASE)
_WHEN = "HH:mm dd/MM/yyyy"


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    status: str | None = None
    problems: tuple[str, ...] = ()     # parameters that were refused, said on the page
    hamlet: str | None = None          # ấp / khu phố / tổ dân phố (reports.hamlet)


def parse_filters(args: Mapping[str, str], categories: Mapping[str, Any], lang: str,
                  hamlet_names: Sequence[str] = ()) -> Filters:
    """The list's filters from the query string; an unknown value is ignored and said, never an error page."""
    cat, status = (args.get("category") or "").strip(), (args.get("status") or "").strip()
    hamlet = " ".join((args.get("hamlet") or "").split())
    problems = []
    if hamlet and hamlet not in hamlet_names:
        problems.append(t("public.filter.bad_hamlet", lang, value=hamlet[:40]))
        hamlet = ""
    if cat and cat not in categories:
        problems.append(t("public.filter.bad_category", lang, value=cat[:40]))
        cat = ""
    if status and status not in STATUSES:
        problems.append(t("public.filter.bad_status", lang, value=status[:40]))
        status = ""
    return Filters(cat or None, status or None, tuple(problems), hamlet or None)


def report_number(text: str | None) -> int | None:
    """A report's code as residents write it: ``123``, ``#123``, ``PA-000123`` → 123; None: not a code."""
    found = _CODE.match(text or "")
    return int(found.group(1)) if found else None


def code_of(report_id: int) -> str:
    return f"PA-{report_id:06d}"


@dataclass(frozen=True)
class PublicReport:
    id: int
    code: str
    category: str
    category_label: str
    status: str
    status_label: str
    open: bool
    lon: float | None
    lat: float | None
    submitted: str
    description: str | None
    response: str | None
    department: str | None
    photos: tuple[str, ...]
    steps: tuple[tuple[str, str], ...]     # (local time, what happened)


def _step_label(step: transparency.Step, departments: Mapping[str, str], lang: str) -> str:
    if step.action == "assign":
        return t("public.step.assign", lang, department=departments.get(step.department or "", step.department or "—"))
    return t(f"public.step.{step.action}", lang)


def public_reports(rows: list[dict[str, Any]], steps: Mapping[int, list[transparency.Step]],
                   departments: Mapping[str, str], lang: str, tz: ZoneInfo) -> list[PublicReport]:
    name = "name_vi" if lang == "vi" else "name_en"
    dep = "department_vi" if lang == "vi" else "department_en"
    out = []
    for r in rows:
        rid = int(r["id"])
        out.append(PublicReport(
            rid, code_of(rid), r["category"], r[name], r["status"], t(f"reports.status.{r['status']}", lang),
            r["status"] in ("received", "assigned", "in_progress"), r.get("lon"), r.get("lat"),
            fmt.local_time(r["submitted_at"], tz, lang, _WHEN), r.get("description") or None,
            r.get("public_response") or None, r.get(dep),
            tuple(r.get("photo_urls") or ()) if r.get("description") else (),
            tuple((fmt.local_time(s.at, tz, lang, _WHEN), _step_label(s, departments, lang))
                  for s in steps.get(rid, []))))
    return out


def departments(pool: ConnectionPool, lang: str) -> dict[str, str]:
    col = "name_vi" if lang == "vi" else "name_en"
    return {r["code"]: r[col] for r in transparency.department_names(pool)}


def categories(pool: ConnectionPool, lang: str) -> dict[str, str]:
    col = "name_vi" if lang == "vi" else "name_en"
    return {r["code"]: r[col] for r in transparency.category_names(pool)}


def tracked(pool: ConnectionPool, text: str | None, lang: str, tz: ZoneInfo) -> tuple[PublicReport | None, str]:
    """The report a resident follows by its code, with its public timeline; or why none is shown."""
    if not text:
        return None, ""
    number = report_number(text)
    if number is None:
        return None, t("public.track.bad_code", lang, value=text[:40])
    found = public_requests(pool, RequestFilter(ids=[number]), limit=1)
    if not found:
        return None, t("public.track.not_found", lang, code=code_of(number))
    return public_reports(found, transparency.timelines(pool, [number]), departments(pool, lang), lang, tz)[0], ""


@dataclass
class Transparency:
    received: str
    resolved: str
    received_7d: str
    resolved_7d: str
    on_time: str
    on_time_detail: str
    medians: list[tuple[str, str, str]]        # department, median days, over how many
    top: list[tuple[str, str]]                 # category, reports
    quiet: list[tuple[str, str, str]]          # code, category, working days without an update


def transparency_figures(pool: ConnectionPool, ward: str | None, now: datetime, tz: ZoneInfo,
                         lang: str, cats: Mapping[str, str]) -> Transparency:
    f = transparency.figures(pool, ward, now)
    name = "name_vi" if lang == "vi" else "name_en"
    share = f.on_time_share
    return Transparency(
        fmt.number(f.received, lang), fmt.number(f.resolved, lang), fmt.number(f.received_7d, lang),
        fmt.number(f.resolved_7d, lang), fmt.BLANK if share is None else f"{fmt.number(100 * share, lang)} %",
        t("public.fig.on_time_detail", lang, on_time=fmt.number(f.on_time, lang),
          finished=fmt.number(f.finished, lang)),
        [(m[name], fmt.number(m["median_days"], lang, 1), fmt.number(m["reports"], lang))
         for m in transparency.department_medians(pool, ward)],
        [(c[name], fmt.number(c["reports"], lang)) for c in transparency.top_categories(pool, ward)],
        [(code_of(q["id"]), cats.get(q["category"], q["category"]), fmt.number(q["quiet_days"], lang))
         for q in transparency.quiet_reports(pool, ward, now, tz)])


@dataclass
class WardStatus:
    air: list[dict[str, Any]] = field(default_factory=list)     # name, aqi, band label, colours, km, inside
    wifi: list[dict[str, Any]] = field(default_factory=list)    # name, up, lon, lat
    wifi_up: int = 0


def ward_status(pool: ConnectionPool, ward: dict[str, Any], now: datetime, lang: str) -> WardStatus:
    centre = ((ward["west"] + ward["east"]) / 2, (ward["south"] + ward["north"]) / 2)
    air = []
    for s in public_status.nearest_air(pool, ward["code"], centre, now):
        b = aqi_band(s["aqi"])
        air.append({**s, "label": b.name_vi if lang == "vi" else b.name_en, "color": b.hex, "text": b.text_hex,
                    "advice": b.advice_vi if lang == "vi" else b.advice_en, "km_text": fmt.number(s["km"], lang, 1)})
    wifi = public_status.wifi_points(pool, ward["code"])
    return WardStatus(air, wifi, sum(1 for w in wifi if w["up"]))


@dataclass
class WardPage:
    ward: dict[str, Any]
    filters: Filters
    categories: dict[str, str]
    reports: list[PublicReport]
    outline: dict[str, Any]
    figures: Transparency
    status: WardStatus
    track: PublicReport | None = None
    track_error: str = ""
    support: list[dict[str, Any]] = field(default_factory=list)    # online support points, kind_label added
    hamlets: list[str] = field(default_factory=list)                # the ward's, for the filter
    documents: list[public_docs.PublicDocument] = field(default_factory=list)   # disclosures (công khai)


def ward_page(pool: ConnectionPool, code: str, args: Mapping[str, str], now: datetime, tz: ZoneInfo,
              lang: str, track_pool: ConnectionPool | None = None) -> WardPage | None:
    """Everything /public/<code> shows; None when no current ward has this code. ``track_pool``: as
    :func:`index_page`'s."""
    ward = wards.get(pool, code)
    if ward is None:
        return None
    cats = categories(pool, lang)
    places = hamlets.names(pool, code)
    filters = parse_filters(args, cats, lang, places)
    rows = public_requests(pool, RequestFilter(
        wards=[code], service_codes=[filters.category] if filters.category else [],
        report_statuses=[filters.status] if filters.status else [],
        hamlets=[filters.hamlet] if filters.hamlet else []), limit=LIST_MAX)
    deps = departments(pool, lang)
    reports = public_reports(rows, transparency.timelines(pool, [int(r["id"]) for r in rows]), deps, lang, tz)
    track, error = tracked(track_pool or pool, args.get("code"), lang, tz)
    support = [{**p, "kind_label": t(f"public.support.kind.{p['kind']}", lang)}
               for p in support_points.for_ward(pool, code)]
    return WardPage(ward, filters, cats, reports, wards.outlines(pool, [code]),
                    transparency_figures(pool, code, now, tz, lang, cats), ward_status(pool, ward, now, lang),
                    track, error, support, places, public_docs.documents(pool, code, now, tz, lang))


@dataclass
class IndexPage:
    wards: list[dict[str, Any]]
    figures: Transparency
    track: PublicReport | None = None
    track_error: str = ""


def index_page(pool: ConnectionPool, args: Mapping[str, str], now: datetime, tz: ZoneInfo, lang: str,
               track_pool: ConnectionPool | None = None) -> IndexPage:
    """/public: the wards to choose from, the figures of all of them, and the box to follow a report.
    ``track_pool``: where a report is looked up by its code (the primary: a report sent a moment ago is found
    even while the standby ``pool`` lags)."""
    track, error = tracked(track_pool or pool, args.get("code"), lang, tz)
    return IndexPage(transparency.wards_with_reports(pool),
                     transparency_figures(pool, None, now, tz, lang, categories(pool, lang)), track, error)


def _report_data(r: PublicReport) -> dict[str, Any]:
    return {"code": r.code, "category": r.category, "category_label": r.category_label, "status": r.status,
            "status_label": r.status_label, "lon": r.lon, "lat": r.lat, "submitted": r.submitted,
            "description": r.description, "response": r.response, "department": r.department,
            "photos": list(r.photos), "timeline": [{"at": a, "step": s} for a, s in r.steps]}


def as_data(p: WardPage) -> dict[str, Any]:
    """/public/<ward>.json: exactly what the page shows, as data (the same published fields, nothing more)."""
    f = p.figures
    return {
        "ward": {"code": p.ward["code"], "name": p.ward["name"], "province": p.ward["province"]},
        "filters": {"category": p.filters.category, "status": p.filters.status, "hamlet": p.filters.hamlet},
        "hamlets": p.hamlets,
        "reports": [_report_data(r) for r in p.reports],
        "tracked": _report_data(p.track) if p.track else None,
        "figures": {"received": f.received, "resolved": f.resolved, "received_7d": f.received_7d,
                    "resolved_7d": f.resolved_7d, "on_time": f.on_time,
                    "median_days": [{"department": d, "median_days": m, "reports": n} for d, m, n in f.medians],
                    "top_categories": [{"category": c, "reports": n} for c, n in f.top],
                    "no_update_10_working_days": [{"code": c, "category": k, "working_days": d}
                                                  for c, k, d in f.quiet]},
        "air": [{"station": a["name"], "vn_aqi": a["aqi"], "band": a["band"], "inside": a["inside"]}
                for a in p.status.air],
        "wifi": [{"name": w["name"], "up": w["up"], "lon": w["lon"], "lat": w["lat"]} for w in p.status.wifi],
        "support_points": [{k: s[k] for k in ("kind", "name", "address", "lon", "lat", "hours", "helps_with", "phone",
                                                   "synthetic")}
                           for s in p.support],
        "documents": public_docs.as_data(p.documents),
    }
