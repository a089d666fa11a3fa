"""Static SVG charts for the briefing, drawn by matplotlib: mail clients run no script and a PDF needs the picture
itself. Text stays text in the SVG (``svg.fonttype: none``), so the PDF's words are searchable and Vietnamese
diacritics come from the page's font. Light theme: a briefing is read on paper and desks, not on the wall."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")   # no display; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402

from pipelines.kpis.summary import KpiLine  # noqa: E402

STYLE: Any = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 11, "axes.spines.top": False,
         "axes.spines.right": False, "svg.hashsalt": "ioc-briefing"}   # a fixed salt: the same week, the same SVG


def _svg(fig: Any) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg"):]


def kpi_bars(lines: Sequence[KpiLine], lang: str, colors: dict[Any, str]) -> str:
    """One bar per KPI (its value, coloured by status) with its target as a black tick."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(lines) + 0.6))
        names = [line.indicator.name(lang) for line in lines][::-1]
        values = [100 * (line.ratio.value or 0) for line in lines][::-1]
        ax.barh(names, values, color=[colors[line.status] for line in lines][::-1], height=0.6)
        for i, line in enumerate(lines[::-1]):
            if line.target is not None:
                ax.plot([100 * line.target.value] * 2, [i - 0.4, i + 0.4], color="#111827", linewidth=2.5)
            ax.text(values[i] + 1, i, f"{values[i]:.1f}%", va="center", fontsize=10)
        ax.set_xlim(0, 110)
        ax.set_xlabel("%")
        return _svg(fig)


def hbars(labels: Sequence[str], series: dict[str, Sequence[float]], colors: Sequence[str], *,
          limit: float | None = None, line: float | None = None, per_bar: bool = False) -> str:
    """Horizontal bars, stacked when several series are given; ``per_bar``: one colour per bar (a single series);
    ``line``: a dashed reference (a threshold)."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(9, 0.42 * max(len(labels), 2) + 0.8))
        left = [0.0] * len(labels)
        for i, (name, values) in enumerate(series.items()):
            color: Any = list(colors)[::-1] if per_bar else colors[i % len(colors)]   # bars are drawn bottom-up
            ax.barh(list(labels)[::-1], list(values)[::-1], left=left[::-1], color=color, label=name, height=0.6,
                    edgecolor="#374151", linewidth=0.4)
            left = [a + b for a, b in zip(left, values, strict=True)]
        for i, total in enumerate(left[::-1]):
            ax.text(total, i, f" {total:.1f}" if limit is not None else f" {total:.0f}", va="center", fontsize=10)
        if line is not None:
            ax.axvline(line, color="#b45309", linestyle="--", linewidth=1.5)
        if limit is not None:
            ax.set_xlim(0, limit * 1.08)
        if len(series) > 1:
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), frameon=False)
        return _svg(fig)
