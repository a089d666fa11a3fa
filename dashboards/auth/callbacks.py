"""What running each Dash callback needs: the requirement of the page that defines it (read once per app).

Dash posts every callback to one route, ``/_dash-update-component``; the guard looks the callback up here. The Pages
router's own callback is special: what it needs depends on the pathname it is asked to render.
"""

from __future__ import annotations

import logging
from typing import Any

import dash
from dash import Dash

from ioc.security import policy

log = logging.getLogger(__name__)

# Callbacks outside any page that every signed-in caller's pages share, and what they need: the replica banner says
# only how far the standby trails (docs/ha.md), no data, and is on every page that reads from the standby.
SHARED: dict[str, str] = {"dashboards.views.replica_banner": policy.SIGNED_IN}


def callback_requirements(app: Dash) -> dict[str, policy.CallbackNeed]:
    """Each server callback's output key -> what running it needs: the requirement of the page whose module
    defines it; the Pages router decides per pathname; a callback outside any page needs the default (admin), but
    for the few :data:`SHARED` ones."""
    pages_by_module = {m: (p.get("path_template") or p["path"]) for m, p in dash.page_registry.items()}
    out: dict[str, policy.CallbackNeed] = {}
    for key, spec in app.callback_map.items():
        module = getattr(spec.get("callback"), "__module__", None)
        # A background callback runs in a job process, where @require cannot see the caller: the guard checks its
        # scope (set by @require) on every request that starts or polls the job instead.
        scope = getattr(spec.get("callback"), "ioc_scope", None) if spec.get("background") else None
        if module == "dash.dash" and "_pages_content" in key:
            out[key] = router_shape(spec) or policy.DEFAULT
        elif isinstance(scope, str):
            out[key] = scope
        elif module in SHARED:
            out[key] = SHARED[module]
        elif module in pages_by_module:
            path = pages_by_module[module].split("<")[0]
            out[key] = policy.page_requirement(path)
        else:
            out[key] = policy.DEFAULT
    return out


def router_shape(spec: dict[str, Any]) -> policy.RouterShape | None:
    """Where Dash's Pages router takes its pathname from, out of the callback's registration: Dash calls
    ``update(pathname_, search_, **states)`` with ``(inputs + state)[inputs_state_indices[name]]``. These are
    Dash internals (hence the pin in pyproject.toml); when they change shape, the router needs admin (fail
    closed, logged) rather than being guessed."""
    declared = [*spec.get("inputs", []), *spec.get("state", [])]
    indices = spec.get("inputs_state_indices")
    position = indices.get("pathname_") if isinstance(indices, dict) else None
    if not isinstance(position, int) or not 0 <= position < len(declared) \
            or (declared[position].get("id"), declared[position].get("property")) != ("_pages_location", "pathname"):
        log.error("the Dash Pages router has an unknown shape (Dash upgraded?); only admins may render pages")
        return None
    return policy.RouterShape(position, len(declared))
