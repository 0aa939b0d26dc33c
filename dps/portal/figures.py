"""The council's placement figures (story 9), for people who would rather look than read: each
chart drawn on the server as SVG (no script), the same numbers in a table beside it, and a CSV
download of them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from markupsafe import Markup

from dps.core.dates import uk_date
from dps.portal.templating import pounds
from dps.portal.web import Portal, page
from dps.tenders import public as tenders
from dps.tenders.domain.reports import CouncilFigures

BASE = "/council/figures"
MONTHS = 12
BAR_WIDTH, GAP, CHART_HEIGHT, LABEL_SPACE = 44, 16, 180, 40
WIDE_BAR = 96  # room for a label like "3+ placements" under its bar


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as people read it (e.g. pounds)


def bar_chart(title: str, bars: list[Bar], bar_width: int = BAR_WIDTH) -> Markup:
    """An SVG bar chart with its title and a description naming every value (screen readers read
    those; the data table beside it carries the same numbers)."""
    top = max((b.value for b in bars), default=0) or 1
    width = len(bars) * (bar_width + GAP) + GAP
    height = CHART_HEIGHT + LABEL_SPACE
    parts = []
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
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())
    return Markup(
        '<svg class="portal-chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
        'width="{1}" height="{2}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>'
        '<line x1="0" y1="{5}" x2="{1}" y2="{5}" class="portal-axis"></line>{6}</svg>'
    ).format(slug, width, height, title, description, CHART_HEIGHT, Markup("").join(parts))


def _months(today: date) -> list[tuple[date, date]]:
    """The last MONTHS calendar months, oldest first, the current one to today."""
    spans: list[tuple[date, date]] = []
    for _ in range(MONTHS):
        last = today if not spans else (spans[-1][0] - timedelta(days=1))
        spans.append((last.replace(day=1), last))
    return list(reversed(spans))


async def _figures(portal: Portal) -> tuple[CouncilFigures | None, list[tuple[str, CouncilFigures | None]]]:
    principal = portal.council_staff()
    today = uk_date(portal.ctx.clock.now())
    year = await tenders.placement_report(portal.ctx, today - timedelta(days=364), today, principal.org_id)
    monthly = []
    for first, last in _months(today):
        found = await tenders.placement_report(portal.ctx, first, last, principal.org_id)
        monthly.append((f"{first:%b %Y}", found.councils[0] if found.councils else None))
    return (year.councils[0] if year.councils else None), monthly


def _counts(year: CouncilFigures | None) -> list[Bar]:
    rows = [
        ("Started", year.started if year else 0),
        ("Ended", year.ended if year else 0),
        ("Unplanned", year.unplanned_endings if year else 0),
        ("Out of area", year.out_of_area_live if year else 0),
        ("Over 20 miles", year.over_20_miles_live if year else 0),
        ("3+ placements", year.children_with_3_plus_placements if year else 0),
    ]
    return [Bar(label, value, str(value)) for label, value in rows]


def _spend(monthly: list[tuple[str, CouncilFigures | None]]) -> list[Bar]:
    return [Bar(label.split()[0], f.spend_pence if f else 0, pounds(f.spend_pence if f else 0)) for label, f in monthly]


class FigurePages(Controller):
    path = BASE

    @get("/", name="council_figures")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The council's placements over the last year, and spend by month."""
        year, monthly = await _figures(portal)
        counts, spend = _counts(year), _spend(monthly)
        return page(
            portal,
            "council/figures.html",
            counts=counts,
            spend=spend,
            monthly=monthly,
            counts_chart=bar_chart("Placements in the last 12 months", counts, bar_width=WIDE_BAR),
            spend_chart=bar_chart("Spend by month", spend),
        )

    @get("/placements.csv", name="council_figures_csv")
    async def csv_download(self, portal: NamedDependency[Portal]) -> Response[str]:
        """The same figures as the page, month by month, for a spreadsheet."""
        _, monthly = await _figures(portal)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["month", "started", "ended", "unplanned_endings", "out_of_area_live", "over_20_miles_live", "spend_pence"]
        )
        for label, f in monthly:
            writer.writerow(
                [label]
                + (
                    [f.started, f.ended, f.unplanned_endings, f.out_of_area_live, f.over_20_miles_live, f.spend_pence]
                    if f
                    else [0, 0, 0, 0, 0, 0]
                )
            )
        return Response(
            content=out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="placement-figures.csv"'},
        )


CONTROLLERS: list[Any] = [FigurePages]
