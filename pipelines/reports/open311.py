"""Open311 GeoReport v2, pure: our reports and categories as the standard's services and requests, a POST's form
as a :class:`ReportIn`, another city's request as one of ours, and the standard's XML.

Status is the standard's two values: ``open`` (received, assigned, in progress) and ``closed`` (resolved, rejected,
closed). Times are ISO 8601 with the offset of the display zone. The reporter's contact is never part of a request,
nor the address; the point is the snapped one of ``pipelines.reports.public`` and the description is there only
where it is marked public. A POST may say ``description_public=true`` (the app asked the reporter) and
``consent_keep=true`` (the reporter agreed to keep their contact beyond the retention period).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from ioc import safetext
from pipelines.reports import rows
from pipelines.reports.categories import Category, Matcher
from pipelines.reports.model import OPEN_STATUSES, Contact, ReportIn

REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")
# fields some servers add (FixMyStreet, SeeClickFix): read or knowingly ignored, not reported as unknown
TOLERATED = frozenset({"token", "title", "detail", "interface_used", "comment_count", "media_urls", "attributes",
                       "jurisdiction_id"})


def status_of(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def iso(ts: datetime | None, tz: ZoneInfo) -> str | None:
    return ts.astimezone(tz).isoformat(timespec="seconds") if ts is not None else None


def service(cat: Category, lang: str = "vi", parent: Category | None = None) -> dict[str, Any]:
    name, other = (cat.name_vi, cat.name_en) if lang == "vi" else (cat.name_en, cat.name_vi)
    group = parent or cat
    return {"service_code": cat.code, "service_name": name, "description": f"{name} ({other})", "metadata": False,
            "type": "realtime", "keywords": ", ".join(dict.fromkeys([cat.code, cat.name_vi, cat.name_en])),
            "group": group.name_vi if lang == "vi" else group.name_en}


def request(row: Mapping[str, Any], tz: ZoneInfo, lang: str = "vi") -> dict[str, Any]:
    """A public report row (see ``pipelines.reports.public.public_requests``) as an Open311 request."""
    photos = list(row.get("photo_urls") or [])
    return {
        "service_request_id": str(row["id"]), "status": status_of(row["status"]),
        "status_notes": row.get("public_response"),
        "service_name": row["name_vi"] if lang == "vi" else row["name_en"], "service_code": row["category"],
        "description": row.get("description") or None, "agency_responsible": row.get(f"department_{lang}"),
        "service_notice": None, "requested_datetime": iso(row["submitted_at"], tz),
        "updated_datetime": iso(row.get("updated_at"), tz), "expected_datetime": iso(row.get("due_at"), tz),
        "address": None, "address_id": None, "zipcode": None,
        "lat": row.get("lat"), "long": row.get("lon"), "media_url": photos[0] if photos else None,
    }


def parse_post(form: Mapping[str, str], matcher: Matcher, now: datetime, tz: ZoneInfo,
               token: str) -> ReportIn | list[str]:
    """A POST /requests form as a report from the ``open311`` channel, or every problem as ``field: reason``."""
    problems: list[str] = []

    def get(name: str, parse: Any) -> Any:
        try:
            return parse(form.get(name))
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            return None

    code = (form.get("service_code") or "").strip()
    if not code:
        problems.append("service_code: required")
    elif code not in matcher.categories:
        problems.append(f"service_code: {code!r} is not a service here (see services.json)")
    lat = get("lat", lambda v: rows.number_in(v, *rows.LAT_RANGE))
    lon = get("long", lambda v: rows.number_in(v, *rows.LON_RANGE))
    address = (form.get("address_string") or form.get("address_id") or "").strip() or None
    if (lat is None) != (lon is None):
        problems.append("lat/long: give both")
    elif lat is None and address is None:
        problems.append("location: give lat and long, address_string or address_id")
    description = (form.get("description") or "").strip()
    if len(description) > 4000:
        problems.append("description: longer than 4000 characters")
    photos = get("media_url", rows.photo_urls)
    name = " ".join(p for p in ((form.get("first_name") or "").strip(), (form.get("last_name") or "").strip()) if p)
    contact = Contact(name or None, get("phone", rows.phone), get("email", rows.email))
    public = get("description_public", rows.yes_no)
    keep = get("consent_keep", rows.yes_no)
    place = get("attribute[hamlet]", rows.hamlet)   # GeoReport v2 service attributes arrive as attribute[code]
    if problems:
        return problems
    return ReportIn("open311", token, code, now, description, lon, lat, address, photos or (), None,
                    None if contact.empty() else contact, description_public=public, consent_keep=bool(keep),
                    hamlet=place)


def parse_remote(item: Any, matcher: Matcher, prefix: str, tz: ZoneInfo) -> tuple[ReportIn | None, str]:
    """Another city's request as ours (external id ``prefix:id``), or None and why it was skipped."""
    if not isinstance(item, dict):
        return None, "not a JSON object"
    rid = rows.text(item.get("service_request_id"))
    if not rid:
        return None, "no service_request_id"
    try:
        when = rows.parse_time(item.get("requested_datetime"), tz)
    except ValueError as exc:
        return None, f"{rid}: requested_datetime: {exc}"
    try:
        lat = rows.number_in(item.get("lat"), *rows.LAT_RANGE)
        lon = rows.number_in(item.get("long"), *rows.LON_RANGE)
    except ValueError as exc:
        return None, f"{rid}: lat/long: {exc}"
    address = rows.text(item.get("address")) or None
    if (lat is None or lon is None) and not address:
        return None, f"{rid}: no location (neither lat/long nor address)"
    code = matcher.guess(rows.text(item.get("service_code")), rows.text(item.get("service_name")),
                         rows.text(item.get("description"))) or "other"
    media = rows.text(item.get("media_url"))
    photos = (media,) if media.startswith(("http://", "https://")) else ()
    # the other city's server publishes this request already: its description is public by that server's choice
    return ReportIn("open311", f"{prefix}:{rid}", code, when, rows.text(item.get("description"))[:4000],
                    lon if lat is not None else None, lat if lon is not None else None, address, photos,
                    description_public=True), ""


def unknown_fields(items: Iterable[Any]) -> set[str]:
    known = set(REQUEST_FIELDS) | TOLERATED
    return {k for item in items if isinstance(item, dict) for k in item if k not in known}


def to_xml(root: str, item: str, items: Iterable[Mapping[str, Any]]) -> bytes:
    """The standard's XML: ``<services><service>…`` or ``<service_requests><request>…``; None → empty element."""
    top = ET.Element(root)
    for entry in items:
        node = ET.SubElement(top, item)
        for key, value in entry.items():
            ET.SubElement(node, key).text = _xml_text(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)


def definition_xml(code: str) -> bytes:
    top = ET.Element("service_definition")
    ET.SubElement(top, "service_code").text = code
    ET.SubElement(top, "attributes")
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return safetext.xml_text(str(value))   # one report's control character must not break the feed
