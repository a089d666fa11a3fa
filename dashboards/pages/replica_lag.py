"""The replica banner of every staff page that carries :func:`dashboards.views.replica_banner.slot` (docs/ha.md).

Not a page: it holds the one callback those slots share. Dash imports a file of this folder only when its text
names register_page (as this sentence does, on purpose), so the callback is registered with each app like the pages'.
"""

from __future__ import annotations

from typing import Any

from dash import MATCH, Input, Output, State, callback

from dashboards import context
from dashboards.i18n import norm_lang
from dashboards.views import replica_banner


@callback(Output({"type": "replica-banner", "page": MATCH, "lang": MATCH, "light": MATCH}, "children"),
          Output({"type": "replica-banner", "page": MATCH, "lang": MATCH, "light": MATCH}, "className"),
          Input({"type": "replica-tick", "page": MATCH, "lang": MATCH, "light": MATCH}, "n_intervals"),
          State({"type": "replica-tick", "page": MATCH, "lang": MATCH, "light": MATCH}, "id"))
def show_lag(_n: int | None, key: dict[str, Any]) -> tuple[str, str]:
    ioc = context.current()
    return replica_banner.banner(ioc.read_pool, ioc.settings.replica_lag_s, norm_lang(key.get("lang")),
                                 bool(key.get("light", True)))
