"""Roles, permissions and scopes as data. Pure: no database, no web framework.

A *permission* names one thing a caller may do. A role is a fixed set of them; a kiosk token and an API key
carry theirs directly. Names that the API routes use in ``@require(scope)`` are permissions too, so a route, a
page and a callback are all checked against the same vocabulary.
"""

from __future__ import annotations

from typing import Final

WALL: Final = "wall"                      # the wall screen
READ: Final = "read"                      # ward and device pages, the read API
REPORTS_HANDLE: Final = "reports:handle"  # the report queue and its actions
REPORTS_READ: Final = "reports:read"      # field reports as published (no personal data), read API /reports
REPORTS_CONTACT: Final = "reports:contact"  # a reporter's contact (personal data)
SNAPSHOTS: Final = "personal:snapshots"   # camera snapshot URLs (personal data)
REPORTS_SUBMIT: Final = "reports:submit"  # Open311 POST
KPI: Final = "kpi"                        # KPI pages
EXPORT: Final = "export"                  # downloads of KPI and report data
FOOTAGE: Final = "footage:register"       # the camera footage register: register, approve, read it whole
PUBLISH: Final = "public:publish"         # the residents' page: disclosure documents, comments, support points
ADMIN: Final = "admin"                    # users, devices, settings

PERMISSIONS: Final = (WALL, READ, REPORTS_HANDLE, REPORTS_READ, REPORTS_CONTACT, SNAPSHOTS, REPORTS_SUBMIT, KPI,
                      EXPORT, FOOTAGE, PUBLISH, ADMIN)

ROLES: Final = ("admin", "operator", "leader", "viewer", "footage_officer")
ROLE_PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "viewer": frozenset({WALL, READ}),
    # ward staff who answer residents also publish to them (disclosures, support points): docs/public.md
    "operator": frozenset({WALL, READ, REPORTS_HANDLE, REPORTS_READ, REPORTS_CONTACT, SNAPSHOTS, PUBLISH}),
    "leader": frozenset({WALL, READ, REPORTS_READ, KPI, EXPORT}),
    # the footage officer (cán bộ trích xuất hình ảnh) keeps the register; nobody else holds its right, not even
    # an admin: an extraction is approved by a second officer, not by whoever manages the accounts
    "footage_officer": frozenset({WALL, READ, FOOTAGE}),
    "admin": frozenset(PERMISSIONS) - {REPORTS_SUBMIT, FOOTAGE},
}

# What an API key may be given; a kiosk token gets KIOSK and nothing else. No scope of a key opens personal data
# (contacts, snapshots): those are shown to signed-in staff only, each view logged.
API_SCOPES: Final = (READ, REPORTS_SUBMIT, KPI, REPORTS_READ)
KIOSK: Final = frozenset({WALL})


def permissions_of(role: str) -> frozenset[str]:
    """The permissions of a role; an unknown role has none (a row edited by hand cannot widen access)."""
    return ROLE_PERMISSIONS.get(role, frozenset())


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return role


def check_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    bad = [s for s in scopes if s not in API_SCOPES]
    if bad or not scopes:
        raise ValueError(f"scope {bad[0] if bad else '(none)'!r}: expected one or more of {', '.join(API_SCOPES)}")
    return tuple(dict.fromkeys(scopes))
