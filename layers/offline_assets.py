"""Leaflet and Leaflet.markercluster, vendored in ``layers/assets`` and inlined so an exported map is one file.

folium links its JavaScript and CSS from CDNs, which a control room without internet cannot reach. The map
renderer sets its own (short) asset lists to the pseudo-URLs below, and :func:`inline` swaps each tag for the
file's content. Versions: Leaflet 1.9.4 (BSD-2-Clause), Leaflet.markercluster 1.5.3 (MIT), from their npm
packages; licences beside them.
"""

from __future__ import annotations

import base64
import re
from importlib import resources

PREFIX = "ioc-asset:"
JS: list[tuple[str, str]] = [("leaflet", PREFIX + "leaflet.js"),
                             ("markercluster", PREFIX + "leaflet.markercluster.js")]
CSS: list[tuple[str, str]] = [("leaflet_css", PREFIX + "leaflet.css"),
                              ("markercluster_css", PREFIX + "MarkerCluster.css"),
                              ("markercluster_default_css", PREFIX + "MarkerCluster.Default.css")]

_SCRIPT = re.compile(r'<script src="' + re.escape(PREFIX) + r'([\w.-]+)"></script>')
_LINK = re.compile(r'<link rel="stylesheet" href="' + re.escape(PREFIX) + r'([\w.-]+)"\s*/?>')
_CSS_IMAGE = re.compile(r"url\(images/([\w.-]+\.png)\)")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_EXTERNAL = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//[^"]+"', re.IGNORECASE)


# folium builds popup content with jQuery's $(`<div>…</div>`)[0] and nothing else we use; this is that much of
# jQuery (an 87 kB download otherwise), defined only when jQuery is absent.
JQUERY_SHIM = """<script>window.$ = window.$ || function (html) {
    var t = document.createElement('template'); t.innerHTML = String(html).trim(); return [t.content.firstChild];
};</script>"""


class AssetError(RuntimeError):
    """An exported map would still load something from the network."""


def asset(name: str) -> str:
    return (resources.files("layers") / "assets" / name).read_text(encoding="utf-8")


def _data_uri(png: str) -> str:
    data = (resources.files("layers") / "assets" / f"leaflet-{png}").read_bytes()
    return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"


def _script(match: re.Match[str]) -> str:
    # "</script" inside the library would end the tag early; escape it the way browsers allow
    body = _SOURCE_MAP.sub("", asset(match.group(1))).replace("</script", "<\\/script")
    return f"<script>{body}</script>"


def _style(match: re.Match[str]) -> str:
    css = _CSS_IMAGE.sub(lambda m: _data_uri(m.group(1)), asset(match.group(1)))
    return f"<style>{css}</style>"


def inline(html: str) -> str:
    """The page with every vendored asset inlined; raises when any script or stylesheet is still external."""
    out = _LINK.sub(_style, _SCRIPT.sub(_script, html))
    external = _EXTERNAL.search(out)
    if external:
        raise AssetError(f"the map still loads {external.group(0)!r}; add it to layers/assets or drop it")
    if PREFIX in out:
        raise AssetError(f"an {PREFIX} reference was not inlined")
    return out
