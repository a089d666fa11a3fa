"""Content-Security-Policy for every answer of the app: scripts only from the app itself or the inline scripts Dash
writes (the renderer's start and the clientside callbacks, allowed by their hashes: ``Dash.csp_hashes``).

What the policy has to allow, and why:

- ``style-src 'unsafe-inline'``: plotly.js adds ``<style>`` elements for its maps and modebar at run time;
- ``worker-src blob:``: MapLibre (inside plotly.js) starts its workers from a blob URL;
- ``img-src`` / ``connect-src``: ``data:`` and ``blob:`` for MapLibre's own images, and the origin of the
  operator's raster tiles (``IOC_TILES_URL``), which MapLibre fetches;
- ``frame-ancestors 'none'``: as ``X-Frame-Options: DENY``, for browsers that read only one of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from dash import Dash
from werkzeug.wrappers import Response

from dashboards import context

HEADER = "Content-Security-Policy"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_origin(tiles_url: str | None) -> list[str]:
    """The source expression of a tile URL template's server: ``https://{s}.tile.example.vn/{z}/{x}/{y}.png`` →
    ``https://*.tile.example.vn``; nothing for no URL or a relative one (the app's own origin)."""
    if not tiles_url:
        return []
    parts = urlsplit(tiles_url)
    if not parts.scheme or not parts.netloc:
        return []
    return [f"{parts.scheme}://{_PLACEHOLDER.sub('*', parts.netloc)}"]


def policy(script_hashes: Sequence[str], tiles_url: str | None) -> str:
    tiles = tile_origin(tiles_url)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *tiles],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "data:", "blob:", *tiles],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def install(app: Dash) -> None:
    """Send the policy with every answer. Call before the app serves a request. The policy is made on the first
    answer: Dash collects the inline scripts of every page's clientside callbacks as it sets itself up, before
    its first request is handled, so the hashes cover them all."""
    settings = app.server.extensions[context.EXTENSION].settings
    made: list[str] = []

    def add(resp: Response) -> Response:
        if not made:
            made.append(policy(app.csp_hashes(), settings.tiles_url))
        resp.headers.setdefault(HEADER, made[0])
        return resp

    app.server.after_request(add)
