"""Story 9's unplanned endings, counted per council by the reason the commissioner recorded."""

from __future__ import annotations

from datetime import date

import pytest

from dps.core.errors import RuleViolation
from dps.tenders.domain.reports import PlacementFact, unplanned_endings_by_reason

FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)


def ended(pid: int, on: date, reason: str | None, *, authority_id: int = 1, unplanned: bool = True) -> PlacementFact:
    return PlacementFact(
        id=pid,
        previous_placement_id=None,
        authority_id=authority_id,
        start_date=date(2025, 1, 1),
        ended_on=on,
        unplanned=unplanned,
        weekly_fee_pence=500_000,
        out_of_area=False,
        over_20_miles=False,
        ending_reason=reason,
    )


def test_unplanned_endings_are_counted_per_council_by_reason() -> None:
    # Given two councils' endings: two breakdowns and a safeguarding ending at one, a breakdown at
    # the other, and a planned ending that has no reason
    placements = [
        ended(1, date(2026, 5, 1), "placement_breakdown"),
        ended(2, date(2026, 9, 1), "placement_breakdown"),
        ended(3, date(2026, 10, 1), "safeguarding"),
        ended(4, date(2026, 6, 1), "placement_breakdown", authority_id=2),
        ended(5, date(2026, 7, 1), None, unplanned=False),
    ]
    # When the year's endings are counted
    counts = unplanned_endings_by_reason(placements, FIRST, LAST)
    # Then each council has its own counts and the planned ending is not among them
    assert counts == {1: {"placement_breakdown": 2, "safeguarding": 1}, 2: {"placement_breakdown": 1}}


@pytest.mark.parametrize(
    ("ended_on", "counted"),
    [
        (date(2026, 3, 31), False),  # the day before the period
        (FIRST, True),
        (LAST, True),
        (date(2027, 4, 1), False),  # the day after
    ],
)
def test_an_ending_counts_only_within_the_period(ended_on: date, counted: bool) -> None:
    counts = unplanned_endings_by_reason([ended(1, ended_on, "child_request")], FIRST, LAST)
    assert counts == ({1: {"child_request": 1}} if counted else {})


def test_an_unplanned_ending_recorded_without_a_reason_counts_as_other() -> None:
    assert unplanned_endings_by_reason([ended(1, date(2026, 8, 1), None)], FIRST, LAST) == {1: {"other": 1}}


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(RuleViolation):
        unplanned_endings_by_reason([], LAST, FIRST)
