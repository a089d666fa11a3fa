"""The Open311 POST's ``api_key`` check: an active API key with the ``reports:submit`` scope (``ioc keys add NAME
--scope reports:submit``), stored hashed in the database (``ioc.security.keys``), revocable with ``ioc keys revoke``.

The guard in ``dashboards/auth/guard.py`` has already refused a POST without such a key; this is the route's own check.
"""

from __future__ import annotations

from dashboards import context
from ioc.security import keys, roles, tokens


def check_api_key(key: str | None) -> bool:
    """True when ``key`` is an active, unexpired API key that may submit reports (found by its SHA-256)."""
    if not tokens.plausible(key):
        return False
    with context.current().pool.connection() as conn:
        found = keys.authenticate(conn, key)
    return found is not None and found[0].may(roles.REPORTS_SUBMIT)
