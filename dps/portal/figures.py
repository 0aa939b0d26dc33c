"""The council's placement figures (story 9), for people who would rather look than read: each
figure a chart drawn on the server as SVG (no script), the same numbers in a table beside it, and
a CSV download of them. A year is chosen with a plain form, and the placements either of the
council's own (every purchasing system) or of one purchasing system: its lead authority's
officers then see every member council and the whole consortium, other councils their own.

The numbers come from the services the API's reports use (`dps.tenders.services.reports` for
placements, `dps.pricing.services.analysis` for rates), never from the JSON controllers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from dps.accounts import public as accounts
from dps.core.auth import Role
from dps.core.dates import uk_date
from dps.core.errors import NotFound
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement
from dps.portal.charts import Bar, Row, bar_chart, row_chart
from dps.portal.council_placements import REASON_WORDS
from dps.portal.templating import pounds
from dps.portal.web import Portal, page, with_query
from dps.pricing import public as pricing
from dps.pricing.domain.analysis import PricingReport
from dps.pricing.domain.bands import BandKey
from dps.pricing.public import FORMULA_STARTS
from dps.tenders import public as tenders
from dps.tenders.domain.placements import UnplannedReason
from dps.tenders.domain.reports import CouncilFigures
from dps.tenders.public import PlacementReport

BASE = "/council/figures"
# Councils report children looked after for the year ending 31 March (the DfE's SSDA903 return),
# so a year here runs from 1 April; the current year runs up to today.
YEAR_STARTS_IN_MONTH = 4
YEARS_SHOWN = 5
MONTH_BAR_WIDTH = 22  # twelve months' bars fit half the page at their own size
CONSORTIUM = "Whole consortium"
REASONS: dict[str, str] = {r.value: w for r, w in REASON_WORDS.items()} | {
    UnplannedReason.OTHER.value: "Another reason"
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure: its chart, the table beside it (`head`, and `rows` as shown, the first cell of
    each naming the row) and the CSV of the same numbers (money in pence)."""

    slug: str
    title: str
    about: str
    chart: Markup
    head: tuple[str, ...]
    rows: list[tuple[str, ...]]
    csv_head: tuple[str, ...]
    csv_rows: list[tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class Choice:
    """What the form chose: the year (by the year it starts in), and a purchasing system or none."""

    year: int
    first: date
    last: date
    arrangement: Arrangement | None


def financial_year(today: date) -> int:
    """The year (1 April to 31 March) `today` falls in, by the calendar year it starts in."""
    return today.year if today.month >= YEAR_STARTS_IN_MONTH else today.year - 1


def year_span(year: int, today: date) -> tuple[date, date]:
    """1 April of `year` to 31 March after it, or to today while that year runs."""
    return date(year, YEAR_STARTS_IN_MONTH, 1), min(date(year + 1, YEAR_STARTS_IN_MONTH, 1) - timedelta(days=1), today)


def months(first: date, last: date) -> list[tuple[date, date]]:
    """The calendar months from `first` to `last`, the last one up to `last`."""
    spans = []
    start = first
    while start <= last:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        spans.append((start, min(following - timedelta(days=1), last)))
        start = following
    return spans


def year_words(year: int) -> str:
    return f"April {year} to March {year + 1}"


def _cell(value: object) -> object:
    """A name a spreadsheet would run as a formula is written as text (OWASP "CSV injection")."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


async def _choice(portal: Portal, year: int | None, arrangement_id: int | None) -> tuple[Choice, list[Arrangement]]:
    today = uk_date(portal.ctx.clock.now())
    current = financial_year(today)
    chosen = year if year is not None and current - YEARS_SHOWN < year <= current else current
    mine = (await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)).items
    arrangement = None
    if arrangement_id is not None:
        arrangement = next((a for a in mine if a.id == arrangement_id), None)
        if arrangement is None:
            raise NotFound(f"arrangement {arrangement_id} does not exist", entity="arrangement")
    first, last = year_span(chosen, today)
    return Choice(chosen, first, last, arrangement), mine


def _columns(report: PlacementReport, names: dict[int, str]) -> list[tuple[str, CouncilFigures]]:
    """The councils shown, each with its figures, then the whole consortium's for its lead."""
    shown = [(names.get(f.authority_id, f"Council {f.authority_id}"), f) for f in report.councils]
    return shown + ([(CONSORTIUM, report.consortium)] if report.consortium else [])


def _figure(
    slug: str,
    title: str,
    about: str,
    chart: Markup,
    head: Sequence[str],
    rows: list[tuple[str, ...]],
    csv_head: Sequence[str],
    csv_rows: list[tuple[object, ...]],
) -> Figure:
    return Figure(slug, title, about, chart, tuple(head), rows, tuple(csv_head), csv_rows)


def _placement_figures(
    report: PlacementReport, monthly: list[tuple[date, PlacementReport]], names: dict[int, str]
) -> list[Figure]:
    columns = _columns(report, names)
    councils = [(name, f) for name, f in columns if name != CONSORTIUM]
    figures = [
        _figure(
            "started-and-ended",
            "Placements started and ended",
            "Placements that started and that ended in the year; a move ends one placement and starts the next.",
            row_chart(
                "Placements started and ended",
                ("Started", "Ended"),
                [
                    Row(n, (Bar("Started", f.started, str(f.started)), Bar("Ended", f.ended, str(f.ended))))
                    for n, f in councils
                ],
            ),
            ("Council", "Started", "Ended"),
            [(n, str(f.started), str(f.ended)) for n, f in columns],
            ("council", "started", "ended"),
            [(n, f.started, f.ended) for n, f in columns],
        )
    ]
    reasons = report.unplanned_by_reason
    ids = [f.authority_id for _, f in councils]
    totals = {code: sum(reasons.get(a, {}).get(code, 0) for a in ids) for code in REASONS}
    several = len(councils) > 1
    reason_head = ("Reason", *([n for n, _ in councils] if several else []), "Unplanned endings")
    figures.append(
        _figure(
            "unplanned-endings",
            "Unplanned endings by reason",
            "Placements that ended before they were planned to in the year, by the reason the commissioner recorded.",
            row_chart(
                "Unplanned endings by reason",
                ("Unplanned endings",),
                [Row(words, (Bar(words, totals[code], str(totals[code])),)) for code, words in REASONS.items()],
            ),
            reason_head,
            [
                (words, *([str(reasons.get(a, {}).get(code, 0)) for a in ids] if several else []), str(totals[code]))
                for code, words in REASONS.items()
            ],
            ("reason", *([n for n, _ in councils] if several else []), "unplanned_endings"),
            [
                (code, *([reasons.get(a, {}).get(code, 0) for a in ids] if several else []), totals[code])
                for code in REASONS
            ],
        )
    )
    figures.append(
        _figure(
            "stability",
            "Children with 3 or more placements in the year",
            "Children who lived in 3 or more placements during the year (the DfE's placement stability measure), "
            "beside the children in a placement at its end.",
            row_chart(
                "Children with 3 or more placements in the year",
                ("3 or more placements",),
                [
                    Row(n, (Bar(n, f.children_with_3_plus_placements, str(f.children_with_3_plus_placements)),))
                    for n, f in councils
                ],
            ),
            ("Council", "3 or more placements", "Children placed at the end"),
            [(n, str(f.children_with_3_plus_placements), str(f.children_live)) for n, f in columns],
            ("council", "children_with_3_plus_placements", "children_live_at_end"),
            [(n, f.children_with_3_plus_placements, f.children_live) for n, f in columns],
        )
    )
    figures.append(
        _figure(
            "distance",
            "Placed out of area and over 20 miles from home",
            "Placements live at the end of the year outside the council's own area, and more than 20 miles "
            "from the child's home.",
            row_chart(
                "Placed out of area and over 20 miles from home",
                ("Out of area", "Over 20 miles"),
                [
                    Row(
                        n,
                        (
                            Bar("Out of area", f.out_of_area_live, str(f.out_of_area_live)),
                            Bar("Over 20 miles", f.over_20_miles_live, str(f.over_20_miles_live)),
                        ),
                    )
                    for n, f in councils
                ],
            ),
            ("Council", "Out of area", "Over 20 miles", "Live placements"),
            [(n, str(f.out_of_area_live), str(f.over_20_miles_live), str(f.live_at_end)) for n, f in columns],
            ("council", "out_of_area", "over_20_miles", "live_placements"),
            [(n, f.out_of_area_live, f.over_20_miles_live, f.live_at_end) for n, f in columns],
        )
    )
    spend_rows = []
    for start, found in monthly:
        by_council = {f.authority_id: f.spend_pence for f in found.councils}
        spend_rows.append((start, [by_council.get(a, 0) for a in ids], sum(by_council.get(a, 0) for a in ids)))
    figures.append(
        _figure(
            "spend",
            "Spend by month",
            "What placements cost each month: each weekly fee counted for the days it was in force.",
            bar_chart(
                "Spend by month",
                [Bar(f"{start:%b}", total, _short_pounds(total)) for start, _, total in spend_rows],
                bar_width=MONTH_BAR_WIDTH,
            ),
            ("Month", *([n for n, _ in councils] if several else []), "Spend"),
            [
                (f"{start:%B %Y}", *([pounds(v) for v in values] if several else []), pounds(total))
                for start, values, total in spend_rows
            ],
            ("month", *([n for n, _ in councils] if several else []), "spend_pence"),
            [(f"{start:%Y-%m}", *(values if several else []), total) for start, values, total in spend_rows],
        )
    )
    return figures


def _short_pounds(pence: int) -> str:
    """A bar's label: whole thousands of pounds ('£31k'), exact in the table beside it."""
    whole = pence // 100
    return f"£{round(whole / 1000):,}k" if whole >= 10_000 else pounds(round(pence, -2))


def _band(lots: dict[int, str], lot_id: int, age_band: str, need_level: str, area: str | None) -> str:
    return " ".join(x for x in (lots.get(lot_id, f"Lot {lot_id}"), age_band, need_level, area or "") if x)


def _pricing_figures(priced: PricingReport, lots: dict[int, str]) -> list[Figure]:
    names = priced.provider_names
    spreads = [(f"{names.get(s.provider_id, '')}, {_band(lots, s.lot_id, *_key(s.key))}", s) for s in priced.spreads]
    used = [
        (_band(lots, u.lot_id, *_key(u.key)), u)
        for u in sorted(priced.utilisation, key=lambda u: (u.lot_id, _youngest(u.key.age_band), u.key.need_level))
    ]
    above = [
        (f"{names.get(a.provider_id, '')}, {_band(lots, a.lot_id, *_key(a.key))}", a) for a in priced.above_ceiling
    ]
    return [
        _figure(
            "rates-across-councils",
            "The same provider's rates across councils",
            "For each provider and band, the lowest, middle and highest weekly fee agreed for its live placements "
            "across the councils.",
            row_chart(
                "The same provider's rates across councils",
                ("Lowest", "Median", "Highest"),
                [
                    Row(
                        label,
                        (
                            Bar("Lowest", s.min_pence, pounds(s.min_pence)),
                            Bar("Median", s.median_pence, pounds(s.median_pence)),
                            Bar("Highest", s.max_pence, pounds(s.max_pence)),
                        ),
                    )
                    for label, s in spreads
                ],
            ),
            ("Provider and band", "Councils", "Lowest", "Median", "Highest", "Spread"),
            [
                (
                    label,
                    str(s.authorities),
                    pounds(s.min_pence),
                    pounds(s.median_pence),
                    pounds(s.max_pence),
                    f"{pounds(s.spread_pence)} ({s.spread_percent}%)",
                )
                for label, s in spreads
            ],
            (
                "provider",
                "band",
                "councils",
                "placements",
                "min_pence",
                "median_pence",
                "max_pence",
                "spread_pence",
                "spread_percent",
            ),
            [
                (
                    names.get(s.provider_id, ""),
                    _band(lots, s.lot_id, *_key(s.key)),
                    s.authorities,
                    s.placements,
                    s.min_pence,
                    s.median_pence,
                    s.max_pence,
                    s.spread_pence,
                    s.spread_percent,
                )
                for _, s in spreads
            ],
        ),
        _figure(
            "band-utilisation",
            "Band utilisation",
            "How many live placements each price band holds, and its share of its lot's placements.",
            row_chart(
                "Band utilisation",
                ("Placements",),
                [Row(label, (Bar(label, u.placements, str(u.placements)),)) for label, u in used],
            ),
            ("Band", "Placements", "Share of the lot"),
            [(label, str(u.placements), f"{u.share_percent}%") for label, u in used],
            ("band", "placements", "share_percent"),
            [(label, u.placements, u.share_percent) for label, u in used],
        ),
        _figure(
            "above-ceiling",
            "Rates above the ceiling",
            "Approved weekly prices above their band's ceiling, beside the ceiling, and whether an exception "
            "agreed them.",
            row_chart(
                "Rates above the ceiling",
                ("Weekly price", "Ceiling"),
                [
                    Row(
                        label,
                        (
                            Bar("Weekly price", a.weekly_price_pence, pounds(a.weekly_price_pence)),
                            Bar("Ceiling", a.ceiling_pence, pounds(a.ceiling_pence)),
                        ),
                    )
                    for label, a in above
                ],
            ),
            ("Provider and band", "Weekly price", "Ceiling", "Over by", "Exception"),
            [
                (
                    label,
                    pounds(a.weekly_price_pence),
                    pounds(a.ceiling_pence),
                    pounds(a.over_pence),
                    a.exception_status.value.capitalize() if a.exception_status else "None",
                )
                for label, a in above
            ],
            ("provider", "band", "weekly_price_pence", "ceiling_pence", "over_pence", "exception_status"),
            [
                (
                    names.get(a.provider_id, ""),
                    _band(lots, a.lot_id, *_key(a.key)),
                    a.weekly_price_pence,
                    a.ceiling_pence,
                    a.over_pence,
                    a.exception_status.value if a.exception_status else "",
                )
                for _, a in above
            ],
        ),
    ]


def _youngest(age_band: str) -> int:
    """The youngest age of a band's label ('8-12' is 8), to list bands from the youngest up."""
    found = re.match(r"\d+", age_band)
    return int(found.group()) if found else 99


def _key(key: BandKey) -> tuple[str, str, str | None]:
    return key.age_band, key.need_level, key.area


async def _build(portal: Portal, choice: Choice) -> list[Figure]:
    """Every figure of the chosen year and placements."""
    arrangement_id = choice.arrangement.id if choice.arrangement else None
    report = await tenders.placement_report(portal.ctx, choice.first, choice.last, None, arrangement_id)
    monthly = [
        (first, await tenders.placement_report(portal.ctx, first, last, None, arrangement_id))
        for first, last in months(choice.first, choice.last)
    ]
    names = {a: (await accounts.get_authority(portal.ctx, a)).name for a in (f.authority_id for f in report.councils)}
    figures = _placement_figures(report, monthly, names)
    if choice.arrangement is not None and portal.signed_in().role is Role.PROCUREMENT_OFFICER:
        priced = await pricing.pricing_report(portal.ctx, choice.arrangement.id, choice.last)
        found = await frameworks.list_lots(portal.ctx, choice.arrangement.id, MAX_LIMIT, 0)
        figures += _pricing_figures(priced, {lot.id: lot.code for lot in found.items})
    return figures


def _number(text: str) -> int | None:
    """A number chosen in the form; anything else (the blank choice, a hand-edited address) is none."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text.strip()) else None


def _query(choice: Choice) -> dict[str, object]:
    return {"year": choice.year, "arrangement": choice.arrangement.id if choice.arrangement else None}


class FigurePages(Controller):
    path = BASE

    @get("/", name="council_figures")
    async def index(
        self,
        portal: NamedDependency[Portal],
        year: FromQuery[str] = "",
        arrangement: FromQuery[str] = "",
    ) -> Template:
        """The council's placement figures for a year, of its own placements or of one purchasing system."""
        principal = portal.council_staff(Role.COMMISSIONER, Role.PROCUREMENT_OFFICER)
        choice, mine = await _choice(portal, _number(year), _number(arrangement))
        figures = await _build(portal, choice)
        current = financial_year(uk_date(portal.ctx.clock.now()))
        return page(
            portal,
            "council/figures.html",
            choice=choice,
            figures=figures,
            years=[(y, year_words(y)) for y in range(current, current - YEARS_SHOWN, -1)],
            systems=[(a.id, a.title) for a in mine],
            period=f"{choice.first:%-d %B %Y} to {choice.last:%-d %B %Y}",
            officer=principal.role is Role.PROCUREMENT_OFFICER,
            csv_links={f.slug: with_query(f"{BASE}/download/{f.slug}", _query(choice)) for f in figures},
        )

    @get("/download/{figure:str}", name="council_figure_csv")
    async def csv_download(
        self,
        portal: NamedDependency[Portal],
        figure: FromPath[str],
        year: FromQuery[str] = "",
        arrangement: FromQuery[str] = "",
    ) -> Response[str]:
        """One figure's numbers, as in its table, for a spreadsheet (money in pence)."""
        portal.council_staff(Role.COMMISSIONER, Role.PROCUREMENT_OFFICER)
        choice, _ = await _choice(portal, _number(year), _number(arrangement))
        found = next((f for f in await _build(portal, choice) if f.slug == figure), None)
        if found is None:
            raise NotFound(f"there is no figure called {figure}", entity="page")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(found.csv_head)
        writer.writerows([_cell(v) for v in row] for row in found.csv_rows)
        reference = choice.arrangement.reference if choice.arrangement else ""
        scope = "".join(c for c in f"-{reference}" if c.isalnum() or c == "-") if reference else ""
        return Response(
            content=out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{found.slug}-{choice.year}{scope}.csv"'},
        )


CONTROLLERS: list[Any] = [FigurePages]
