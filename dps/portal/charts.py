"""Charts drawn on the server as SVG (no script, no canvas): each an image named by its title and
described by a text naming every value, so a screen reader reads the numbers too; the page puts
the same numbers in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

BAR_WIDTH, GAP, CHART_HEIGHT, LABEL_SPACE = 44, 16, 180, 40
# Horizontal bars, drawn at the width of half the page so that the text is not scaled down: a
# column for the row labels (up to two lines), the plot, and room for the value after a bar.
LABEL_WIDTH, PLOT_WIDTH, VALUE_SPACE = 180, 210, 70
BAR_HEIGHT, BAR_GAP, ROW_GAP, LEGEND_HEIGHT, LINE_HEIGHT = 18, 3, 14, 30, 16
LINE_CHARS = 24  # characters on one line of a row's label (14px Arial)
SERIES_CLASSES = ("portal-series-0", "portal-series-1", "portal-series-2")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as people read it (e.g. pounds)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a horizontal chart: its label and one bar per series."""

    label: str
    bars: tuple[Bar, ...]


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower())


def _svg(title: str, description: str, width: int, height: int, body: Markup) -> Markup:
    return Markup(
        '<svg class="portal-chart" role="img" aria-labelledby="{0}-title" aria-describedby="{0}-desc" '
        'viewBox="0 0 {1} {2}" '
        'width="{1}" height="{2}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>'
    ).format(_slug(title), width, height, title, description, body)


def bar_chart(title: str, bars: list[Bar], bar_width: int = BAR_WIDTH) -> Markup:
    """An SVG bar chart with its title and a description naming every value (screen readers read
    those; the data table beside it carries the same numbers)."""
    top = max((b.value for b in bars), default=0) or 1
    width = len(bars) * (bar_width + GAP) + GAP
    height = CHART_HEIGHT + LABEL_SPACE
    parts = [Markup('<line x1="0" y1="{0}" x2="{1}" y2="{0}" class="portal-axis"></line>').format(CHART_HEIGHT, width)]
    for n, bar in enumerate(bars):
        x = GAP + n * (bar_width + GAP)
        h = round(bar.value / top * (CHART_HEIGHT - 24))
        y = CHART_HEIGHT - h
        parts.append(
            Markup(
                '<rect x="{}" y="{}" width="{}" height="{}" class="portal-bar"></rect>'
                '<text x="{}" y="{}" text-anchor="middle" class="portal-bar-value">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" class="portal-bar-label">{}</text>'
            ).format(
                x, y, bar_width, h, x + bar_width / 2, y - 6, bar.shown, x + bar_width / 2, CHART_HEIGHT + 18, bar.label
            )
        )
    description = "; ".join(f"{b.label}: {b.shown}" for b in bars)
    return _svg(title, description, width, height, Markup("").join(parts))


def label_lines(label: str) -> list[str]:
    """A row's label on at most two lines, broken between words; a longer one ends with an
    ellipsis (the table beside the chart has it whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1].rstrip() + "…" for line in lines]


def row_chart(title: str, series: Sequence[str], rows: Sequence[Row]) -> Markup:
    """Horizontal bars, one row per thing compared (a council, a reason, a band), with one bar per
    series in each row (e.g. started and ended) and a legend naming the series when there are
    several. Long labels fit on the left; the value is written after each bar."""
    top = max((b.value for r in rows for b in r.bars), default=0) or 1
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    labels = [label_lines(r.label) for r in rows]
    row_height = max(
        len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, 2 * LINE_HEIGHT if any(len(x) > 1 for x in labels) else 0
    )
    row_height += ROW_GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_SPACE
    height = legend + max(len(rows), 1) * row_height
    parts: list[Markup] = []
    if legend:
        x = LABEL_WIDTH
        for n, name in enumerate(series):
            parts.append(
                Markup(
                    '<rect x="{}" y="6" width="14" height="14" class="{}"></rect>'
                    '<text x="{}" y="18" class="portal-bar-label">{}</text>'
                ).format(x, SERIES_CLASSES[n % len(SERIES_CLASSES)], x + 20, name)
            )
            x += 34 + 7 * len(name)
    for n, row in enumerate(rows):
        y = legend + n * row_height
        for k, line in enumerate(labels[n]):
            parts.append(
                Markup('<text x="{}" y="{}" text-anchor="end" class="portal-bar-label">{}</text>').format(
                    LABEL_WIDTH - 8, y + BAR_HEIGHT - 4 + k * LINE_HEIGHT, line
                )
            )
        for m, bar in enumerate(row.bars):
            bar_y = y + m * (BAR_HEIGHT + BAR_GAP)
            w = round(bar.value / top * PLOT_WIDTH)
            parts.append(
                Markup(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="{}"></rect>'
                    '<text x="{}" y="{}" class="portal-bar-value">{}</text>'
                ).format(
                    LABEL_WIDTH,
                    bar_y,
                    w,
                    BAR_HEIGHT,
                    SERIES_CLASSES[m % len(SERIES_CLASSES)],
                    LABEL_WIDTH + w + 6,
                    bar_y + BAR_HEIGHT - 4,
                    bar.shown,
                )
            )
    parts.append(
        Markup('<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="portal-axis"></line>').format(
            LABEL_WIDTH, legend, height
        )
    )
    description = "; ".join(
        f"{row.label}: " + ", ".join(f"{name} {bar.shown}" if len(series) > 1 else bar.shown
                                      for name, bar in zip(series, row.bars, strict=True))
        for row in rows
    ) or "Nothing to show"  # fmt: skip
    return _svg(title, description, width, height, Markup("").join(parts))
