"""Who may reach which path, pure. Default deny: a path no rule names needs the admin permission.

The web layer asks :func:`requirement` for every request and :func:`decide` for the answer; Dash callbacks are
mapped to the page they belong to (:func:`callback_requirement`); the Pages router's pathname is read by
position, as Dash passes it (:class:`RouterShape`). New routes and pages of other modules are
therefore protected as soon as they exist; opening one to a role is one line in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from ioc.security import roles
from ioc.security.principal import Principal

PUBLIC: Final = "public"          # no caller needed
SIGNED_IN: Final = "signed-in"    # any caller: a user, a kiosk, an API client
ROUTER: Final = "router"          # the Dash Pages router: the page asked for decides
CALLBACKS_PATH: Final = "/_dash-update-component"
DEFAULT: Final = roles.ADMIN

GET, POST = frozenset({"GET"}), frozenset({"POST"})
ANY_METHOD: frozenset[str] = frozenset()

Decision = Literal["allow", "login", "forbidden", "change_password"]


@dataclass(frozen=True)
class Rule:
    prefix: str                      # "/" matches only "/"; "/wall" matches "/wall" and "/wall/…", not "/wallet"
    need: str                        # PUBLIC, SIGNED_IN or a permission
    methods: frozenset[str] = ANY_METHOD   # empty: every method

    def matches(self, method: str, path: str) -> bool:
        if self.methods and method not in self.methods:
            return False
        if self.prefix == "/":
            return path == "/"
        return path == self.prefix or path.startswith(self.prefix.rstrip("/") + "/")


RULES: Final = (
    # public: what a browser needs to show the login page, load balancers, and Open311 reads (the standard's intent)
    Rule("/healthz", PUBLIC, GET),
    Rule("/login", PUBLIC, GET | POST),
    Rule("/logout", PUBLIC, GET | POST),          # the view itself ends a session if there is one
    Rule("/assets", PUBLIC, GET),
    Rule("/_dash-component-suites", PUBLIC, GET),
    Rule("/_favicon.ico", PUBLIC, GET),
    Rule("/favicon.ico", PUBLIC, GET),            # browsers ask by themselves; a refusal would only add noise
    Rule("/open311/v2", PUBLIC, GET),
    Rule("/open311/v2", roles.REPORTS_SUBMIT, POST),
    Rule("/public", PUBLIC, GET),                 # the residents' page: plain HTML, what Open311 publishes
    Rule("/public/comments", PUBLIC, POST),       # its anonymous comment form (signed token, honeypot, limits)
    # the Dash machinery: its content is decided per callback
    Rule("/_dash-layout", SIGNED_IN, GET),
    Rule("/_dash-dependencies", SIGNED_IN, GET),
    Rule("/_reload-hash", SIGNED_IN, GET),
    Rule(CALLBACKS_PATH, ROUTER, POST),
    Rule("/account", SIGNED_IN),
    # pages and the read API
    Rule("/", roles.READ, GET),
    Rule("/wall", roles.WALL, GET),
    Rule("/ward", roles.READ, GET),
    Rule("/devices", roles.READ, GET),
    Rule("/lighting", roles.READ, GET),          # street lighting: read-only (commands to lamps are out of scope)
    Rule("/404", SIGNED_IN, GET),
    Rule("/api/v1", roles.READ, GET),
    Rule("/api/v1/kpis", roles.KPI, GET),             # as the /kpis page (leaders)
    Rule("/api/v1/reports", roles.REPORTS_READ, GET),  # field reports as published, never a contact
    Rule("/reports", roles.REPORTS_HANDLE),
    Rule("/alarms", roles.READ),                 # viewers see alarms; handling them checks the role (actions)
    Rule("/incidents", roles.READ),               # as alarms: viewers see, handling checks the role (actions)
    Rule("/footage", roles.READ),                # viewers see counts; the register itself checks footage:register
    Rule("/social", roles.READ),                 # staff read mentions; making a field report checks reports:handle
    # a listening provider's push: no session or key, its HMAC signature is checked by the route (docs/social.md)
    Rule("/api/v1/social/mentions", PUBLIC, POST),
    Rule("/kpi", roles.KPI),
    Rule("/kpis", roles.KPI),
    Rule("/adoption", roles.KPI),
    Rule("/briefings", roles.KPI),               # the weekly leader briefings and their files (docs/briefing.md)
    Rule("/exports", roles.EXPORT),
    Rule("/staff", roles.PUBLISH),               # disclosures, their comments, support points (plain HTML forms)
    Rule("/admin", roles.ADMIN),
)


def normal_method(method: str) -> str:
    return "GET" if method in ("HEAD", "OPTIONS") else method


def requirement(method: str, path: str, rules: Iterable[Rule] = RULES) -> str:
    """What a request needs: the longest matching rule's, else :data:`DEFAULT`."""
    method = normal_method(method.upper())
    best: Rule | None = None
    for rule in rules:
        if rule.matches(method, path) and (best is None or len(rule.prefix) > len(best.prefix)):
            best = rule
    return best.need if best else DEFAULT


def page_requirement(path: str) -> str:
    """What showing the page at ``path`` needs (as a GET would)."""
    need = requirement("GET", path)
    return SIGNED_IN if need == PUBLIC else need   # a Dash-rendered page is never public


def decide(need: str, who: Principal | None, *, password_change_ok: bool = False) -> Decision:
    if need == PUBLIC:
        return "allow"
    if who is None:
        return "login"
    if who.must_change_password and not password_change_ok:
        return "change_password"
    if need == SIGNED_IN or who.may(need):
        return "allow"
    return "forbidden"


@dataclass(frozen=True)
class RouterShape:
    """Where the Dash Pages router finds its pathname. Dash ignores the ids a request gives its inputs and passes
    ``inputs + state`` to the router by position, refusing any other count; so the guard reads the same slot."""
    position: int     # the pathname's index in the request's ``inputs + state``
    count: int        # how many inputs and states the router declares
    location: str = "_pages_location"


CallbackNeed = str | RouterShape


def router_pathname(body: Any, shape: RouterShape) -> str | None:
    """The pathname the Dash Pages router will render for this callback request, read as Dash reads it.

    None (so the default requirement) when the request has another shape than the router's: a wrong count, or
    the slot Dash reads not labelled as the location's pathname (a renamed or moved input)."""
    if not isinstance(body, dict):
        return None
    inputs, state = body.get("inputs", []), body.get("state", [])
    if not isinstance(inputs, list) or not isinstance(state, list) or len(inputs) + len(state) != shape.count:
        return None
    item = (inputs + state)[shape.position]
    if not isinstance(item, dict) or item.get("id") != shape.location or item.get("property") != "pathname":
        return None
    value = item.get("value")
    return value if isinstance(value, str) else None


def callback_requirement(callbacks: Mapping[str, CallbackNeed], body: Any) -> str:
    """What running the callback a request names needs. Unknown callbacks need :data:`DEFAULT`."""
    output = body.get("output") if isinstance(body, dict) else None
    need = callbacks.get(output, DEFAULT) if isinstance(output, str) else DEFAULT
    if isinstance(need, str):
        return DEFAULT if need == ROUTER else need   # a router whose shape is unknown opens nothing
    pathname = router_pathname(body, need)
    return page_requirement(pathname) if pathname and pathname.startswith("/") else DEFAULT


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after login; anything else (another site, a scheme) becomes ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 2000:
        return default
    if any(ord(c) < 32 for c in target):
        return default
    return target
