"""The Decision 766 section of /kpis: the total with its grade and coverage, a bar per group (points, points lost,
points without data), the catalogue's level mix, and every indicator with points/max, r, numerator/denominator and
what it is missing. Pure: a :class:`Score` in, a view model and components out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from babel.numbers import format_decimal
from dash import dcc, html

from dashboards.i18n import LOCALES, t
from dashboards.theme import Theme
from dashboards.views.kpi_view import BLANK, count, pct
from pipelines.kpis.decision766.score import Line, Score

EARNED, LOST, NO_DATA = "#047857", "#f59e0b", "#d1d5db"  # green / amber / grey: each also named in the legend
GRADE_COLORS = {"excellent": "#047857", "good": "#0369a1", "fair": "#0e7490", "average": "#b45309", "weak": "#be123c"}


def num(value: float, lang: str, digits: int = 1) -> str:
    return str(format_decimal(round(value, digits), format="#,##0." + "0" * digits, locale=LOCALES[lang]))


@dataclass(frozen=True)
class Row:
    """One indicator as the page shows it (texts) with the numbers behind them."""

    id: str
    group: str
    name: str
    points: float | None
    most: float
    rate: float | None
    numerator: float | None
    denominator: float | None
    points_text: str
    rate_text: str
    counts_text: str
    rule_text: str
    notes: list[str]
    missing: list[str]
    parts: list[tuple[str, str, str]]  # the breakdown (2.2: procedure, dossiers, days; 5.1: group, reports, categories)


def rows(score: Score, lang: str) -> list[Row]:
    return [_row(x, lang) for x in score.lines]


def _row(x: Line, lang: str) -> Row:
    i = x.indicator
    if i.monitor:
        points = t("k766.monitor", lang)
    elif x.points is None:
        points = t("k766.no_data", lang)
    else:
        points = f"{num(x.points, lang, 2)} / {i.points:g}"
    notes = []
    if x.by_rule:
        notes.append(t(f"k766.by_rule.{x.by_rule}", lang))
    if x.alternative_points is not None and i.alternative_label:
        notes.append(f"{i.alternative_label(lang)}: {num(x.alternative_points, lang, 2)} / {i.points:g}")
    if x.detail:
        notes.append(x.detail(lang))
    if i.note:
        notes.append(i.note(lang))
    counts = (
        BLANK
        if x.denominator is None or i.source == "handling_time"
        else f"{count(x.numerator, lang) if x.numerator is not None else BLANK} / {count(x.denominator, lang)}"
    )
    return Row(
        i.id,
        i.group,
        i.name(lang),
        x.points,
        i.points,
        x.rate,
        x.numerator,
        x.denominator,
        points,
        pct(x.rate, lang),
        counts,
        i.rule.describe(i.points, lang),
        notes,
        [m(lang) for m in x.missing],
        [
            (
                p.label(lang),
                count(p.count, lang),
                num(p.value, lang) if p.value is not None else (p.note(lang) if p.note else ""),
            )
            for p in x.parts
        ],
    )


def parts_table(r: Row, lang: str) -> html.Table | None:
    """A monitoring indicator's breakdown under its notes: 2.2 per procedure, 5.1 per feedback group."""
    if not r.parts:
        return None
    cols = ("procedure", "finished", "days") if r.id == "2.2" else ("group", "reports", "categories")
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"k766.parts.{c}", lang), style={"paddingRight": "12px"}) for c in cols])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(label, style={"paddingRight": "12px", "whiteSpace": "nowrap"}),
                            html.Td(n, style={"textAlign": "right", "paddingRight": "12px"}),
                            html.Td(third, style={"textAlign": "right"} if r.id == "2.2" else None),
                        ],
                        className="k766-part",
                    )
                    for label, n, third in r.parts
                ]
            ),
        ],
        className="k766-parts",
        id={"type": "k766-parts", "index": r.id},
        style={"marginTop": "6px", "fontSize": "0.95rem"},
    )


def _attrs(data: dict[str, str]) -> dict[str, Any]:
    """``data-*`` attributes: the numbers behind the text, for tests and screen readers."""
    return dict(data)


def subtitle(base: str, score: Score, lang: str) -> str:
    """The page's subtitle with the whole 766 total in place of the dossier indicators' part of it."""
    head = base.rsplit(" · ", 1)[0]
    return f"{head} · " + t("k766.subtitle", lang, total=num(score.total, lang), covered=num(score.covered, lang, 0))


def headline(score: Score, lang: str) -> html.Div:
    """The total, the grade (only with all 100 points' data) and the coverage."""
    grade = score.grade
    badge = (
        html.Span(
            f"{t('k766.grade', lang)}: {grade.name(lang)}",
            className="k766-grade",
            style={
                "background": GRADE_COLORS.get(grade.key, "#374151"),
                "color": "#fff",
                "borderRadius": "6px",
                "padding": "2px 12px",
                "fontWeight": 700,
            },
        )
        if grade
        else html.Span(
            t("k766.no_grade", lang, covered=num(score.covered, lang, 0)),
            className="k766-grade",
            style={"color": "#b45309", "fontWeight": 700},
        )
    )
    return html.Div(
        [
            html.Div(t("k766.total", lang), style={"fontSize": "1.15rem", "fontWeight": 600}),
            html.Div(
                [
                    html.Span(
                        num(score.total, lang),
                        className="k766-total",
                        style={"fontSize": "4rem", "fontWeight": 800, "lineHeight": 1},
                    ),
                    html.Span(" / 100", style={"fontSize": "1.6rem", "fontWeight": 600}),
                ]
            ),
            html.Div(badge, style={"fontSize": "1.2rem", "margin": "8px 0"}),
            html.Div(
                t("k766.coverage", lang, covered=num(score.covered, lang, 0)),
                className="k766-coverage",
                style={"fontSize": "1.2rem", "fontWeight": 600},
            ),
            html.Div(
                t("k766.portal_note", lang),
                style={"fontSize": "0.95rem", "color": "var(--ioc-muted)", "marginTop": "8px"},
            ),
        ],
        id="k766-headline",
        **_attrs(
            {
                "data-total": repr(score.total),
                "data-covered": repr(score.covered),
                "data-grade": grade.key if grade else "",
            }
        ),
        style={"background": "var(--ioc-panel)", "borderRadius": "10px", "padding": "14px 18px", "height": "100%"},
    )


def groups_figure(score: Score, theme: Theme, lang: str) -> go.Figure:
    """One horizontal bar per group: points earned, points lost, points without data (stacked to the maximum)."""
    groups = list(reversed(score.groups))
    names = [f"{g.group.name(lang)}  {num(g.points, lang)}/{g.most:g}" for g in groups]
    fig = go.Figure(
        layout=theme.plot_layout(
            title={"text": t("k766.groups_chart", lang), "font": {"size": 20}},
            height=380,
            barmode="stack",
            margin={"l": 330, "r": 16, "t": 48, "b": 40},
        )
    )
    for label, values, color in (
        (t("k766.legend.earned", lang), [g.points for g in groups], EARNED),
        (t("k766.legend.lost", lang), [g.covered - g.points for g in groups], LOST),
        (t("k766.legend.no_data", lang), [g.most - g.covered for g in groups], NO_DATA),
    ):
        fig.add_trace(
            go.Bar(
                y=names,
                x=values,
                name=label,
                orientation="h",
                marker_color=color,
                hovertemplate="%{y}: %{x:.2f}<extra>" + label + "</extra>",
            )
        )
    fig.update_xaxes(range=[0, max(g.most for g in groups) + 0.5], title_text=t("k766.points_axis", lang))
    fig.update_yaxes(tickfont={"size": 16})
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "font": {"size": 15}})
    return fig


def level_mix_figure(mix: list[dict[str, object]], theme: Theme, lang: str) -> go.Figure:
    """The catalogue's procedures by old level (2/3/4) and by Decree 42 term (none/partial/full)."""
    fig = go.Figure(
        layout=theme.plot_layout(
            title={"text": t("k766.level_mix", lang), "font": {"size": 20}}, height=380, showlegend=False
        )
    )
    total = max((float(m["denominator"]) for m in mix), default=0.0)  # type: ignore[arg-type]
    if not total:
        fig.add_annotation(
            text=t("k766.no_catalogue", lang),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font={"size": 20, "color": theme.muted},
        )
        return fig
    colors = {"level": "#0369a1", "online_service": "#0e7490"}
    labels = [t(f"k766.mix.{m['scheme']}.{m['key']}", lang) for m in mix]
    values = [float(m["numerator"]) for m in mix]  # type: ignore[arg-type]
    fig.add_trace(
        go.Bar(
            x=labels,
            y=values,
            marker_color=[colors[str(m["scheme"])] for m in mix],
            text=[f"{int(v)} ({pct(v / total, lang, 0)})" for v in values],
            textposition="outside",
            textfont={"size": 15},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, max(values) * 1.2 + 1], title_text=t("k766.procedures", lang))
    fig.update_xaxes(tickfont={"size": 14})
    return fig


def indicator_table(score: Score, lang: str) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"k766.col.{c}", lang))
                for c in ("id", "indicator", "points", "rate", "counts", "rule", "notes")
            ]
        )
    )
    body: list[Any] = []
    by_group = {g.group.key: g for g in score.groups}
    current = None
    for r in rows(score, lang):
        if r.group != current:
            current = r.group
            g = by_group[r.group]
            body.append(
                html.Tr(
                    html.Td(
                        f"{g.group.name(lang)} — {num(g.points, lang)} / {g.most:g} · "
                        f"{t('k766.group_coverage', lang, covered=num(g.covered, lang, 0), most=f'{g.most:g}')}",
                        colSpan=7,
                    ),
                    className="k766-group",
                    style={"fontWeight": 700, "background": "#e0f2fe"},
                )
            )
        missing = [html.Div(f"⚠ {m}", style={"color": "#b45309", "fontWeight": 600}) for m in r.missing]
        body.append(
            html.Tr(
                [
                    html.Td(r.id, style={"fontWeight": 700}),
                    html.Td(r.name),
                    html.Td(
                        r.points_text,
                        style={
                            "fontWeight": 700,
                            "whiteSpace": "nowrap",
                            "color": "#b45309" if r.points is None and r.most else None,
                        },
                    ),
                    html.Td(r.rate_text),
                    html.Td(r.counts_text, style={"whiteSpace": "nowrap"}),
                    html.Td(r.rule_text, style={"whiteSpace": "nowrap"}),
                    html.Td(
                        [*missing, *[html.Div(n) for n in r.notes], parts_table(r, lang)], style={"fontSize": "0.9rem"}
                    ),
                ],
                id={"type": "k766-row", "index": r.id},
                **_attrs({"data-points": "" if r.points is None else repr(r.points)}),
            )
        )
    return dbc.Table([head, html.Tbody(body)], bordered=False, hover=True, size="sm", className="kpi-table k766-table")


def section(score: Score, mix: list[dict[str, object]], theme: Theme, lang: str, period: str) -> html.Div:
    return html.Div(
        [
            html.H2(t("k766.title", lang, period=period), className="mt-4", style={"fontSize": "1.6rem"}),
            dbc.Row(
                [
                    dbc.Col(headline(score, lang), lg=3),
                    dbc.Col(
                        dcc.Graph(
                            figure=groups_figure(score, theme, lang), config={"displayModeBar": False}, id="k766-groups"
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        dcc.Graph(
                            figure=level_mix_figure(mix, theme, lang), config={"displayModeBar": False}, id="k766-mix"
                        ),
                        lg=4,
                    ),
                ],
                className="g-3",
            ),
            indicator_table(score, lang),
        ],
        id="k766",
    )
