"""The "data N s behind" banner of a page that reads from a standby (docs/ha.md): shown past IOC_REPLICA_LAG_S.

The wall and the report desk draw it in their own refresh callbacks; the other staff pages that read from the standby
carry :func:`slot`, which one callback (:func:`show_lag`, bound to each app by :func:`bind`) fills: a Bootstrap alert
on light pages, the wall's orange band on dark ones. The residents' page has no script: it prints :func:`public_text`.
"""

from __future__ import annotations

from typing import Any

from dash import MATCH, Dash, Input, Output, State, dcc, html
from psycopg_pool import ConnectionPool

from dashboards import context, fmt
from dashboards.i18n import norm_lang, t
from dashboards.queries import replica

OFF, ON = "ioc-banner", "ioc-banner ioc-banner-on"
LIGHT_ON = "alert alert-warning fw-semibold fs-5 py-2 mb-3 ioc-replica-alert"   # a desk page in the light theme
TICK_MS = 30_000   # how often a page's slot asks again; its data refresh at least as rarely


def text(lag_s: float, threshold_s: int, lang: str) -> str:
    """The banner's text, '' while the standby is within the threshold."""
    return t("replica.behind", lang, seconds=fmt.number(round(lag_s), lang)) if lag_s > threshold_s else ""


def banner(read_pool: ConnectionPool, threshold_s: int, lang: str, light: bool = False) -> tuple[str, str]:
    """(text, className) for a page's banner div."""
    shown = text(replica.lag_s(read_pool), threshold_s, lang)
    return shown, (LIGHT_ON if light else ON) if shown else OFF


def slot(page: str, lang: str, light: bool = True) -> html.Div:
    """The banner of a staff page that reads from the standby; ``page`` keeps ids unique per page."""
    key = {"page": page, "lang": lang, "light": light}
    return html.Div([dcc.Interval(id={"type": "replica-tick", **key}, interval=TICK_MS),
                     html.Div(id={"type": "replica-banner", **key}, className=OFF, role="status")])


def public_text(read_pool: ConnectionPool, threshold_s: int, lang: str) -> str:
    """The residents' page's plain line ('Số liệu chậm N giây'), '' while the standby is within the threshold."""
    lag = replica.lag_s(read_pool)
    return t("public.replica.behind", lang, seconds=fmt.number(round(lag), lang)) if lag > threshold_s else ""


def show_lag(_n: int | None, key: dict[str, Any]) -> tuple[str, str]:
    """The callback of every slot: (text, className) for the slot's page language and theme."""
    ioc = context.current()
    return banner(ioc.read_pool, ioc.settings.replica_lag_s, norm_lang(key.get("lang")), bool(key.get("light", True)))


def bind(app: Dash) -> None:
    """Register :func:`show_lag` with ``app`` itself (not a page's module: Dash's pages folder holds pages only).
    What running it needs: dashboards.auth.callbacks.SHARED."""
    match = {"page": MATCH, "lang": MATCH, "light": MATCH}
    app.callback(Output({"type": "replica-banner", **match}, "children"),
                 Output({"type": "replica-banner", **match}, "className"),
                 Input({"type": "replica-tick", **match}, "n_intervals"),
                 State({"type": "replica-tick", **match}, "id"))(show_lag)
