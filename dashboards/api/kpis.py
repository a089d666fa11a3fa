"""``/kpis`` and ``/kpis/<key>/series``: the procedure KPIs and the socio-economic indicators of a period and scope,
as ``ioc kpis summary --json`` and ``ioc kpis indicators --json`` compute them (the ``kpi`` scope, as /kpis)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from dashboards.api.errors import ApiError
from dashboards.api.spec import BOOL, INT, NUM, STR, Endpoint, Param, nullable, obj
from ioc.config import Settings
from ioc.security.roles import KPI
from pipelines.kpis import periods, socio, socio_db, source, summary, summary_db
from pipelines.kpis.indicators import BY_KEY

PERIOD = r"20[0-9]{2}(-(0[1-9]|1[0-2]|Q[1-4]))?"
KEY = r"[a-z][a-z0-9_]{0,63}"
KINDS = ("all", "procedure", "socio_economic")
DATE = {"type": "string", "format": "date"}
TARGET = obj({"op": STR, "value": NUM, "year": INT, "scope": STR, "source": STR, "unit": STR, "direction": STR})
FORECAST = obj({"value": NUM, "low": NUM, "high": NUM, "level": NUM, "months_used": INT, "slope_per_month": NUM})
HEAD = {"key": STR, "name": STR, "kind": STR, "unit": STR, "lower_is_better": BOOL, "target": nullable(TARGET),
        "status": nullable(STR), "forecast": nullable(FORECAST)}
ITEM = obj(HEAD | {"numerator": nullable(NUM), "denominator": nullable(NUM), "value": nullable(NUM),
                   "value_period": nullable(STR), "points": nullable(obj({"points": nullable(NUM), "max": NUM}))})
POINT = obj({"period": STR, "start": DATE, "end": DATE, "numerator": nullable(NUM), "denominator": nullable(NUM),
             "value": nullable(NUM)})
COMMON = (Param("period", "string", "2026, 2026-Q2 or 2026-06 [this year]", pattern=PERIOD),
          Param("scope", "string", "'*' (every ward), a province name or a current ward code", default="*"),
          Param("lang", "enum", "language of the names", enum=("vi", "en"), default="vi"))
FRACTION = "fraction"      # the unit of a procedure KPI: numerator ÷ denominator, 0–1


def _when(args: Mapping[str, Any], settings: Settings) -> tuple[periods.Period, str | None, datetime]:
    now = datetime.now(UTC)
    period = periods.parse(args["period"] or str(now.astimezone(settings.tz).year))
    return period, None if args["scope"] in (None, "*") else args["scope"], now


def _check_scope(conn: psycopg.Connection, scope: str | None) -> None:
    wards = source.current_wards(conn)
    if scope is not None and scope not in set(wards["code"]) and scope not in set(wards["province"]):
        raise ApiError(400, f"scope: {scope!r} is neither '*', a current ward code nor a province with wards")


def _procedure_item(d: dict[str, Any], period: periods.Period) -> dict[str, Any]:
    return {"key": d["key"], "name": d["name"], "kind": "procedure", "unit": FRACTION,
            "lower_is_better": d["lower_is_better"], "numerator": d["numerator"], "denominator": d["denominator"],
            "value": d["value"], "value_period": period.label, "target": d["target"], "status": d["status"],
            "forecast": d["forecast"], "points": d["points_766"]}


def _socio_item(line: socio.SocioLine, lang: str) -> dict[str, Any]:
    d = line.as_dict(lang)
    return {k: d[k] for k in ("key", "name", "kind", "unit", "lower_is_better", "numerator", "denominator", "value",
                              "value_period", "target", "status", "forecast")} | {"points": None}


def kpi_summary(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    period, scope, now = _when(args, settings)
    items: list[dict[str, Any]] = []
    with pool.connection() as conn:
        _check_scope(conn, scope)
        head = summary_db.summary(conn, period, scope, now, settings.tz)
        if args["kind"] in ("all", "procedure"):
            items += [_procedure_item(d, period) for d in head.as_dict(args["lang"])["kpis"]]
        if args["kind"] in ("all", "socio_economic"):
            items += [_socio_item(ln, args["lang"]) for ln in socio_db.socio_lines(conn, scope, period, now,
                                                                                  settings.tz)]
    return {"period": period.label, "start": period.start, "end": period.end, "as_of": head.as_of,
            "period_over": head.over, "scope": scope or "*", "scope_name": head.scope_name,
            "points_766": {"points": head.points_766, "max": summary.POINTS_MAX}, "items": items}


def kpi_series(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    period, scope, now = _when(args, settings)
    key, lang = args["key"], args["lang"]
    with pool.connection() as conn:
        _check_scope(conn, scope)
        if key in BY_KEY:
            comp = summary_db.computed(conn, period, now, settings.tz)
            line = summary.kpi_lines(comp, scope, (key,))[0]
            months = summary.monthly_series(comp, key, scope)
            pts = [{"period": f"{m.year}-{m.month:02d}", "start": m, "end": periods.add_months(m, 1),
                    "numerator": n, "denominator": d, "value": v}
                   for m, n, d, v in months[["month", "numerator", "denominator", "value"]].itertuples(index=False)]
            d = _procedure_item(line.as_dict(lang), period)
        else:
            found = socio_db.socio_lines(conn, scope, period, now, settings.tz, (key,))
            if not found:
                raise ApiError(404, f"indicator {key!r} is not known (neither a procedure KPI nor an indicator "
                                    "with a definition or a target)")
            d = _socio_item(found[0], lang)
            pts = found[0].points.to_dict("records")
    return {k: d[k] for k in (*HEAD, "value", "value_period")} | {"period": period.label, "scope": scope or "*",
                                                                 "points": pts}


def endpoints() -> tuple[Endpoint, ...]:
    return (
        Endpoint("/kpis", "kpis", "Procedure KPIs (Decision 766, Decree 42) and socio-economic indicators of a period "
                 "and scope: numerator, denominator, value, target, status, forecast to the period's end, 766 points.",
                 kpi_summary, obj({"period": STR, "start": DATE, "end": DATE, "as_of": {"type": "string",
                                                                                         "format": "date-time"},
                                   "period_over": BOOL, "scope": STR, "scope_name": STR,
                                   "points_766": obj({"points": NUM, "max": NUM}),
                                   "items": {"type": "array", "items": ITEM}}),
                 (*COMMON, Param("kind", "enum", "which indicators", enum=KINDS, default="all")),
                 errors=(400, 403), tags=("kpi",), permission=KPI),
        Endpoint("/kpis/<key>/series", "kpi_series", "One indicator over time: a procedure KPI per month (each month "
                 "judged at its end), a socio-economic indicator per reported period; with the target, status and "
                 "forecast of the period asked for.", kpi_series,
                 obj(HEAD | {"value": nullable(NUM), "value_period": nullable(STR), "period": STR, "scope": STR,
                             "points": {"type": "array", "items": POINT}}),
                 (Param("key", "string", "indicator key", where="path", required=True, pattern=KEY), *COMMON),
                 errors=(400, 403, 404), tags=("kpi",), permission=KPI),
    )
