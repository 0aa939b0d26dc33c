"""Placement figures per council (DESIGN.md story 9): stability, unplanned endings, children
placed out of area and far from home, and spend.

The measures follow the DfE's children looked after statistics (SSDA903 return), which councils
already report: "3 or more placements during the year" (stability indicator), placements
"outside the local authority boundary" and "more than 20 miles from home". A child is followed
through a chain of placements: a move ends one placement and starts the next with
`previous_placement_id`, so each chain is one child, and no name or date of birth is needed.

A placement occupies the days from `start_date` up to the day before `ended_on` (the day the
child leaves). Spend is each placement's weekly fee pro rata by day over the days it occupies
in the period, rounded once per placement, half up to the penny.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dps.core.errors import RuleViolation
from dps.pricing.domain.money import round_half_up

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
    spend_pence: int  # over the period, pro rata by day
    weekly_spend_live_pence: int  # the weekly fees of placements live at the end


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
        raise RuleViolation("the period must end on or after its first day", code="invalid_period")
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
                spend_pence=sum(round_half_up(p.weekly_fee_pence * p.days_within(first, last), 7) for p in mine),
                weekly_spend_live_pence=sum(p.weekly_fee_pence for p in live),
            )
        )
    return figures
