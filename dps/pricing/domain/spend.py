"""Spend: what placements cost over a period, pro rata by day at the fee in force each day.

THE spend rule of dps, used by tenders' placement report and pricing's report alike, so the two
agree to the penny (issue 12: a fee variation agreed for April must not count in December):

- a placement's fee is effective-dated history: each weekly fee counts for the days it was in
  force (a span of days, both ends inclusive) and no other;
- a day costs one seventh of the weekly fee in force that day;
- a placement's spend over a period is the exact sum over its spans, rounded once, half up to the
  penny (`divide_half_up`), so splitting a fee into spans never adds or loses a penny.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dps.core.rounding import divide_half_up

DAYS_IN_WEEK = 7


@dataclass(frozen=True, slots=True)
class FeeSpan:
    """A weekly fee in force from `first_day` to `last_day` (inclusive; None: still in force)."""

    weekly_fee_pence: int
    first_day: date
    last_day: date | None

    def days_within(self, first: date, last: date) -> int:
        """Days of [first, last] (inclusive) this fee was in force."""
        start = max(self.first_day, first)
        stop = min(self.last_day or date.max - timedelta(days=1), last)
        return max((stop - start).days + 1, 0)

    def in_force_on(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


def spend_pence(spans: Iterable[FeeSpan], first: date, last: date) -> int:
    """One placement's spend over [first, last]: its fees pro rata by day, rounded once."""
    return divide_half_up(sum(s.weekly_fee_pence * s.days_within(first, last) for s in spans), DAYS_IN_WEEK)


@dataclass(frozen=True, slots=True)
class PlacementSpans:
    """The fees recorded for one placement of a council (each a span of days)."""

    authority_id: int
    spans: tuple[FeeSpan, ...]


@dataclass(frozen=True, slots=True)
class CouncilSpend:
    authority_id: int  # 0 for the consortium's total
    placements: int  # placements with a fee in force on a day of the period
    spend_pence: int  # over the period, pro rata by day, rounded once per placement


def council_spend(placements: Iterable[PlacementSpans], first: date, last: date) -> list[CouncilSpend]:
    """Each council's spend over [first, last] (by authority id), placement by placement."""
    totals: dict[int, tuple[int, int]] = {}
    for placement in placements:
        days = sum(s.days_within(first, last) for s in placement.spans)
        if not days:
            continue
        count, pence = totals.get(placement.authority_id, (0, 0))
        totals[placement.authority_id] = (count + 1, pence + spend_pence(placement.spans, first, last))
    return [CouncilSpend(a, n, p) for a, (n, p) in sorted(totals.items())]


def total_spend(councils: Iterable[CouncilSpend]) -> CouncilSpend:
    """The consortium's spend: the sum of its councils' (authority_id 0)."""
    rows = list(councils)
    return CouncilSpend(0, sum(c.placements for c in rows), sum(c.spend_pence for c in rows))
