"""What the /social page's "create field report" button does: one call into :func:`pipelines.social.link.create_report`
(idempotent: the report made the first time is the answer to every later click), answered with where to go and a
message for people."""

from __future__ import annotations

from datetime import UTC, datetime

from dashboards.context import IocContext
from dashboards.i18n import t
from ioc.errors import IocError
from ioc.security.principal import Principal
from pipelines.social import link


def create_report(ioc: IocContext, who: Principal, mention_id: int, lang: str,
                  now: datetime | None = None) -> tuple[str | None, str, bool]:
    """(the report's page or None, the message, ok)."""
    try:
        with ioc.pool.connection() as conn:
            made = link.create_report(conn, mention_id, who.actor, tz=ioc.settings.tz, now=now or datetime.now(UTC),
                                      high_reach=ioc.settings.social_high_reach)
    except IocError as exc:
        return None, str(exc), False
    key = "social.created" if made.created else "social.existing"
    return (f"/reports?report={made.report_id}&lang={lang}",
            t(key, lang, id=made.report_id, mention=mention_id), True)
