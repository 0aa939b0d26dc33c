"""Story 9's placement figures: stability, unplanned endings, distance, spend, at their boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from dps.core.errors import RuleViolation
from dps.tenders.domain.reports import PlacementFact, chain_roots, council_figures

FIRST, LAST = date(2027, 1, 1), date(2027, 12, 31)


def fact(pid: int, start: date, ended: date | None = None, **kw: object) -> PlacementFact:
    values: dict[str, object] = {
        "id": pid,
        "previous_placement_id": None,
        "authority_id": 1,
        "start_date": start,
        "ended_on": ended,
        "unplanned": False,
        "weekly_fee_pence": 700_000,
        "out_of_area": False,
        "over_20_miles": False,
        **kw,
    }
    return PlacementFact(**values)  # type: ignore[arg-type]


def test_a_child_moved_twice_in_the_year_counts_once_with_three_placements() -> None:
    # Given one child moved twice (a chain of three) and another placed once
    chain = [
        fact(1, date(2027, 1, 10), date(2027, 3, 1), unplanned=True),
        fact(2, date(2027, 3, 1), date(2027, 6, 1), previous_placement_id=1, unplanned=True),
        fact(3, date(2027, 6, 1), previous_placement_id=2),
        fact(4, date(2027, 2, 1), out_of_area=True, over_20_miles=True),
    ]
    # When the year's figures are taken
    [figures] = council_figures(chain, FIRST, LAST)
    # Then the first child is one unstable child, the two moves are unplanned endings
    assert chain_roots(chain) == {1: 1, 2: 1, 3: 1, 4: 4}
    assert figures.children_with_3_plus_placements == 1
    assert figures.children_live == 2
    assert (figures.started, figures.ended, figures.unplanned_endings) == (4, 2, 2)
    assert (figures.live_at_end, figures.out_of_area_live, figures.over_20_miles_live) == (2, 1, 1)
    assert figures.weekly_spend_live_pence == 1_400_000


@pytest.mark.parametrize(
    ("first_start", "unstable"),
    [
        (date(2027, 1, 1), 1),  # the first placement's first day is inside the year: 3 in the year
        (date(2026, 12, 1), 1),  # it overlaps the year by its last day on 1 January: still counts
    ],
)
def test_stability_counts_placements_that_overlap_the_year(first_start: date, unstable: int) -> None:
    chain = [
        fact(1, first_start, date(2027, 1, 2)),
        fact(2, date(2027, 1, 2), date(2027, 5, 1), previous_placement_id=1),
        fact(3, date(2027, 5, 1), previous_placement_id=2),
    ]
    assert council_figures(chain, FIRST, LAST)[0].children_with_3_plus_placements == unstable


def test_a_placement_that_ended_the_day_the_year_began_is_not_in_the_year() -> None:
    # ended_on is the day the child left: a placement ending on 1 January occupied no day of 2027
    chain = [
        fact(1, date(2026, 6, 1), date(2027, 1, 1)),
        fact(2, date(2027, 1, 1), date(2027, 5, 1), previous_placement_id=1),
        fact(3, date(2027, 5, 1), previous_placement_id=2),
    ]
    assert council_figures(chain, FIRST, LAST)[0].children_with_3_plus_placements == 0


def test_spend_is_pro_rata_by_day_rounded_half_up_per_placement() -> None:
    # 3 days at 100,001 pence a week = 42,857.57... -> 42,858 pence; a week exactly = the fee
    short = fact(1, date(2027, 12, 29), weekly_fee_pence=100_001)
    week = fact(2, date(2027, 1, 1), date(2027, 1, 8), weekly_fee_pence=350_000)
    [figures] = council_figures([short, week], FIRST, LAST)
    assert figures.spend_pence == 42_858 + 350_000


def test_councils_are_reported_apart_and_a_backwards_period_is_refused() -> None:
    figures = council_figures([fact(1, date(2027, 3, 1)), fact(2, date(2027, 3, 1), authority_id=2)], FIRST, LAST)
    assert [f.authority_id for f in figures] == [1, 2]
    with pytest.raises(RuleViolation) as refused:
        council_figures([], LAST, FIRST)
    assert refused.value.code == "invalid_period"


def test_a_council_with_no_placements_gets_a_row_of_zeros() -> None:
    [figures] = council_figures([], FIRST, LAST, councils=[7])
    assert figures.authority_id == 7
    assert (figures.started, figures.live_at_end, figures.spend_pence) == (0, 0, 0)
