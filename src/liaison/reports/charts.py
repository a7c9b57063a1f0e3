"""The statistics page's charts, drawn on the server by matplotlib as inline SVG: no JavaScript,
no network, the same picture on screen and on paper.

Text stays text in the SVG (`svg.fonttype: none`), so the page's fonts render Vietnamese and
Chinese labels, a reader can select and search them, and screen readers get a title. Colours are
the Okabe–Ito palette, told apart by people with colour-blindness and on a grey-scale print;
every chart sits beside the table of its figures, which is the accessible version.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from liaison.reports.report_tables import Labeller
from liaison.reports.statistics_schemas import CooperationReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHERS = "Others"
MAX_SERIES = len(PALETTE) - 1
MAX_BARS = 15
STYLE: Any = {  # matplotlib types rcParams keys as literals; these are all valid keys
    "svg.fonttype": "none",
    "svg.hashsalt": "liaison",
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
METADATA = re.compile(r"\s*<metadata>.*?</metadata>|\s*<style[^>]*>.*?</style>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
SIZE = re.compile(r'\swidth="[^"]*pt"\s+height="[^"]*pt"')


@dataclass(frozen=True)
class Chart:
    """One chart: its table's name (the figures beside it), title and SVG markup."""

    name: str
    title: str
    svg: str


def _attributes(found: re.Match[str]) -> str:
    """`style="fill: #fff; stroke: #000"` as `fill="#fff" stroke="#000"`: presentation attributes,
    which the pages' Content-Security-Policy (`style-src 'self'`) lets an inline SVG keep."""
    pairs = (part.split(":", 1) for part in found[1].split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _svg(figure: Figure, title: str) -> str:
    """The figure as an inline `<svg>` element: no prologue, no metadata, no style sheet, scaled
    to the width of its box, with the title as its accessible name."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "Liaison"})
    markup = METADATA.sub("", XML_PROLOGUE.sub("", buffer.getvalue(), count=1))
    markup = STYLE_ATTRIBUTE.sub(_attributes, markup)
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    opening = f'<svg role="img" aria-label="{escaped}" stroke-linejoin="round" stroke-linecap="butt" '
    return SIZE.sub(' width="100%"', markup.replace("<svg ", opening, 1), count=1)


def _figure(height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.2, height), layout="constrained")
    return figure, figure.add_subplot()


def _stacked(
    categories: Sequence[str],
    series: dict[str, dict[str, float]],
    title: str,
    *,
    horizontal: bool,
    value_label: str = "",
) -> str:
    """Bars per category, stacked by series (the largest series first, the rest as one); the
    legend below the bars, or, for one series, its name on the value axis."""
    from matplotlib import rc_context

    with rc_context(STYLE):
        legend_rows = 0 if len(series) < 2 else (len(series) + 1) // 2
        height = (0.3 * len(categories) + 1.2) if horizontal else 3.2
        figure, axes = _figure(max(2.0, height + 0.22 * legend_rows))
        positions = list(range(len(categories)))
        base = [0.0] * len(categories)
        for colour, (name, values) in zip(PALETTE, series.items(), strict=False):
            heights = [values.get(category, 0.0) for category in categories]
            if horizontal:
                axes.barh(positions, heights, left=base, color=colour, label=name, height=0.6)
            else:
                axes.bar(positions, heights, bottom=base, color=colour, label=name, width=0.7)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        names = [_short(category) for category in categories]
        if horizontal:
            axes.set_yticks(positions, names)
            axes.invert_yaxis()
            axes.set_xlabel(value_label)
        else:
            axes.set_xticks(positions, names, rotation=45 if len(categories) > 6 else 0, ha="right")
            axes.set_ylabel(value_label)
        if legend_rows:
            figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
        return _svg(figure, title)


def _short(text: str, length: int = 42) -> str:
    """A tick label short enough to leave room for the bars (the table beside has it whole)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _top(totals: dict[str, float], limit: int) -> list[str]:
    return [name for name, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def _grouped(
    rows: list[tuple[str, str, float]], words: Labeller, others: bool = True
) -> tuple[list[str], dict[str, dict[str, float]]]:
    """(category, series, value) rows as categories and series, the smaller series folded together."""
    by_series: dict[str, float] = defaultdict(float)
    for _, name, value in rows:
        by_series[name] += value
    kept = set(_top(by_series, MAX_SERIES if others else len(by_series)))
    folded = words.text(OTHERS)
    series: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[str, float] = defaultdict(float)
    for category, name, value in rows:
        series[name if name in kept else folded][category] += value
        totals[category] += value
    ordered = dict(sorted(series.items(), key=lambda item: (item[0] == folded, -sum(item[1].values()))))
    return list(totals), ordered


def report_charts(report: CooperationReport, words: Labeller) -> list[Chart]:
    """The charts the report's tables allow, each named after the table it draws; a table with
    nothing in the period gets no chart (the table says so)."""
    charts = []

    def add(
        name: str, title: str, categories: list[str], series: dict[str, dict[str, float]], **how: Any
    ) -> None:
        if categories:
            charts.append(Chart(name, title, _stacked(categories[:MAX_BARS], series, title, **how)))

    if report.requests_by_month is not None:
        rows = [
            (m.month, words.label("request_kind", m.kind), float(m.opened)) for m in report.requests_by_month
        ]
        months, series = _grouped(rows, words)
        title = words.text("Requests opened by month and kind")
        add(
            "requests_by_month",
            title,
            sorted(months),
            series,
            horizontal=False,
            value_label=words.text("Requests opened"),
        )
    if report.requests_by_partner is not None:
        answered = sorted(
            (p for p in report.requests_by_partner if p.answered), key=lambda p: (-p.median_days, p.partner)
        )
        days = words.text("Median days to answer")
        series = {days: {p.partner: p.median_days for p in answered}}
        title = words.text("Median days to answer, by partner")
        add(
            "requests_by_partner",
            title,
            [p.partner for p in answered],
            series,
            horizontal=True,
            value_label=days,
        )
    if report.engagements_by_partner is not None:
        rows = [
            (words.label("country", e.country), words.label("crime_area", e.crime_area), float(e.engagements))
            for e in report.engagements_by_partner
        ]
        countries, series = _grouped(rows, words)
        title = words.text("Engagements by partner and crime area")
        add(
            "engagements_by_partner",
            title,
            countries,
            series,
            horizontal=True,
            value_label=words.text("Engagements"),
        )
    if report.commitments_by_status is not None:
        rows = [
            (
                words.label("country", c.country),
                words.label("commitment_status", c.status),
                float(c.commitments),
            )
            for c in report.commitments_by_status
        ]
        countries, series = _grouped(rows, words, others=False)
        title = words.text("Commitments by status")
        add(
            "commitments_by_status",
            title,
            countries,
            series,
            horizontal=True,
            value_label=words.text("Commitments"),
        )
    return charts
