"""The summary as a terminal table (``ioc kpis summary`` without ``--json``)."""

from __future__ import annotations

from rich.table import Table

from pipelines.kpis.summary import Summary

STATUS_WORDS = {"vi": {"on_track": "đạt tiến độ", "at_risk": "có nguy cơ", "off_track": "không đạt"},
                "en": {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}}
STATUS_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def summary_table(s: Summary, lang: str) -> Table:
    scope = "every ward" if s.scope is None else s.scope_name
    state = "period over" if s.over else f"as of {s.as_of:%Y-%m-%d %H:%M}"
    table = Table(title=f"KPIs {s.period.label} — {scope} ({state})", title_justify="left")
    for col, justify in (("KPI", "left"), ("numerator", "right"), ("denominator", "right"), ("value", "right"),
                         ("target", "right"), ("status", "left"), ("forecast [90%]", "right"), ("766 pts", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for line in s.lines:
        t, f = line.target, line.forecast
        status = STATUS_WORDS.get(lang, STATUS_WORDS["vi"]).get(line.status or "", "—")
        table.add_row(line.indicator.name(lang), f"{line.ratio.numerator:,.0f}", f"{line.ratio.denominator:,.0f}",
                      pct(line.ratio.value), f"{t.op} {pct(t.value)}" if t else "—",
                      f"[{STATUS_STYLE.get(line.status or '', 'white')}]{status}[/]",
                      f"{pct(f.value)} [{pct(f.low)}–{pct(f.high)}]" if f else "—",
                      "—" if line.points is None else f"{line.points:.2f}")
    return table
