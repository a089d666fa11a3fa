"""The "data N s behind" banner of a page that reads from a standby (docs/ha.md): shown past IOC_REPLICA_LAG_S."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from dashboards import fmt
from dashboards.i18n import t
from dashboards.queries import replica

OFF, ON = "ioc-banner", "ioc-banner ioc-banner-on"


def text(lag_s: float, threshold_s: int, lang: str) -> str:
    """The banner's text, '' while the standby is within the threshold."""
    return t("replica.behind", lang, seconds=fmt.number(round(lag_s), lang)) if lag_s > threshold_s else ""


def banner(read_pool: ConnectionPool, threshold_s: int, lang: str) -> tuple[str, str]:
    """(text, className) for a page's banner div."""
    shown = text(replica.lag_s(read_pool), threshold_s, lang)
    return shown, ON if shown else OFF
