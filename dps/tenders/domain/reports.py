"""Placement figures per council (DESIGN.md story 9): stability, unplanned endings, children
placed out of area and far from home, and spend.

The measures follow the DfE's children looked after statistics (SSDA903 return), which councils
already report: "3 or more placements during the year" (stability indicator), placements
"outside the local authority boundary" and "more than 20 miles from home". A child is followed
through a chain of placements: a move ends one placement and starts the next with
`previous_placement_id`, so each chain is one child, and no name or date of birth is needed.

A placement occupies the days from `start_date` up to the day before `ended_on` (the day the
child leaves). Its fee is effective-dated: spend is each placement's weekly fees pro rata by day
at the fee in force each day it occupies in the period, rounded once per placement, half up to
the penny (`dps.pricing.domain.spend`, the rule pricing's report uses too, so both agree).
Placements recorded outside the framework (spot purchases) count in every figure and are also
shown apart (`off_framework_live`, `off_framework_spend_pence`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dps.core.codes import CommonCode
from dps.core.errors import RuleViolation
from dps.pricing.domain.spend import spend_pence
from dps.tenders.domain.placements import FeeFrom, fee_in_force, fee_spans

STABILITY_WINDOW_DAYS = 365  # "during the year"
UNSTABLE_AT = 3  # 3 or more placements in the year


@dataclass(frozen=True, slots=True)
class PlacementFact:
    id: int
    previous_placement_id: int | None
    authority_id: int
    start_date: date
    ended_on: date | None  # the day the child left; None while live
    unplanned: bool
    weekly_fee_pence: int
    out_of_area: bool
    over_20_miles: bool
    fees: tuple[FeeFrom, ...] = ()  # the fee schedule; empty: `weekly_fee_pence` throughout
    off_framework: bool = False
    ending_reason: str | None = None  # an unplanned ending's reason code (`UnplannedReason`)

    def schedule(self) -> tuple[FeeFrom, ...]:
        return self.fees or (FeeFrom(self.start_date, self.weekly_fee_pence),)

    def fee_on(self, day: date) -> int:
        return fee_in_force(self.schedule(), day)

    def spend_within(self, first: date, last: date) -> int:
        """What the placement cost over [first, last]: each fee for the days it was in force."""
        return spend_pence(fee_spans(self.schedule(), self.start_date, self.ended_on), first, last)

    def days_within(self, first: date, last: date) -> int:
        """Days of [first, last] (inclusive) the child spent in this placement."""
        occupied_until = self.ended_on or date.max  # exclusive
        start = max(self.start_date, first)
        stop = min(occupied_until, last + timedelta(days=1))
        return max((stop - start).days, 0)

    def live_on(self, day: date) -> bool:
        return self.start_date <= day and (self.ended_on is None or self.ended_on > day)


@dataclass(frozen=True, slots=True)
class CouncilFigures:
    authority_id: int
    started: int  # placements that started in the period
    ended: int  # placements that ended in the period
    unplanned_endings: int
    live_at_end: int
    out_of_area_live: int
    over_20_miles_live: int
    children_live: int  # chains with a live placement at the end of the period
    children_with_3_plus_placements: int  # in the year up to the end of the period
    spend_pence: int  # over the period, pro rata by day at the fee in force each day
    weekly_spend_live_pence: int  # the weekly fees in force on the last day of placements live then
    off_framework_live: int = 0  # live at the end and recorded outside the framework
    off_framework_spend_pence: int = 0  # their part of `spend_pence`


def chain_roots(placements: Sequence[PlacementFact]) -> dict[int, int]:
    """Each placement's first placement in its chain of moves (the child's identity here)."""
    previous = {p.id: p.previous_placement_id for p in placements}
    roots: dict[int, int] = {}
    for placement in placements:
        current, seen = placement.id, set()
        while previous.get(current) is not None and current not in seen:
            seen.add(current)
            current = previous[current]  # type: ignore[assignment]
        roots[placement.id] = current
    return roots


def council_figures(
    placements: Sequence[PlacementFact], first: date, last: date, councils: Collection[int] = ()
) -> list[CouncilFigures]:
    """The figures of each council with placements in the period [first, last] (and of each of
    `councils`, with or without), by authority id."""
    if last < first:
        raise RuleViolation("the period must end on or after its first day", code=CommonCode.INVALID_PERIOD)
    roots = chain_roots(placements)
    year_start = last - timedelta(days=STABILITY_WINDOW_DAYS - 1)
    by_council: dict[int, list[PlacementFact]] = {council: [] for council in councils}
    for placement in placements:
        by_council.setdefault(placement.authority_id, []).append(placement)
    figures = []
    for authority_id in sorted(by_council):
        mine = by_council[authority_id]
        live = [p for p in mine if p.live_on(last)]
        in_year: dict[int, int] = defaultdict(int)
        for p in mine:
            if p.days_within(year_start, last):
                in_year[roots[p.id]] += 1
        ended = [p for p in mine if p.ended_on is not None and first <= p.ended_on <= last]
        figures.append(
            CouncilFigures(
                authority_id=authority_id,
                started=sum(1 for p in mine if first <= p.start_date <= last),
                ended=len(ended),
                unplanned_endings=sum(1 for p in ended if p.unplanned),
                live_at_end=len(live),
                out_of_area_live=sum(1 for p in live if p.out_of_area),
                over_20_miles_live=sum(1 for p in live if p.over_20_miles),
                children_live=len({roots[p.id] for p in live}),
                children_with_3_plus_placements=sum(1 for n in in_year.values() if n >= UNSTABLE_AT),
                spend_pence=sum(p.spend_within(first, last) for p in mine),
                weekly_spend_live_pence=sum(p.fee_on(last) for p in live),
                off_framework_live=sum(1 for p in live if p.off_framework),
                off_framework_spend_pence=sum(p.spend_within(first, last) for p in mine if p.off_framework),
            )
        )
    return figures


def unplanned_endings_by_reason(
    placements: Sequence[PlacementFact], first: date, last: date
) -> dict[int, dict[str, int]]:
    """Each council's unplanned endings in the period [first, last], counted by the reason the
    commissioner recorded (a placement ending on `first` or on `last` counts), by authority id."""
    if last < first:
        raise RuleViolation("the period must end on or after its first day", code=CommonCode.INVALID_PERIOD)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in placements:
        if p.unplanned and p.ended_on is not None and first <= p.ended_on <= last:
            counts[p.authority_id][p.ending_reason or "other"] += 1
    return {authority_id: dict(reasons) for authority_id, reasons in sorted(counts.items())}


def consortium_total(figures: Sequence[CouncilFigures]) -> CouncilFigures:
    """The consortium's figures: the sum of its councils' (a child's chain of moves stays within
    its placing council, so counts of children add up too). `authority_id` is 0."""
    totals = {
        name: sum(getattr(f, name) for f in figures)
        for name in CouncilFigures.__dataclass_fields__
        if name != "authority_id"
    }
    return CouncilFigures(authority_id=0, **totals)
