"""A placement's fee as effective-dated history, spend at the fee in force each day, the checks a
move must pass to stay within the framework, and the reminders a moved placement does not get
(issue 12), boundary by boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from dps.compliance.domain.eligibility import Reason, SettingEligibility
from dps.core.errors import Conflict, RuleViolation
from dps.pricing.domain.bands import BandKey
from dps.pricing.domain.fees import FeeCheck
from dps.pricing.domain.spend import CouncilSpend, FeeSpan, PlacementSpans, council_spend, spend_pence, total_spend
from dps.scheduler.domain_tenders import PLACEMENT_REMINDER_DAYS, ending_events, placement_ending
from dps.tenders.domain.placements import (
    EndingKind,
    FeeFrom,
    Placement,
    UnplannedReason,
    fee_spans,
    move_refusals,
    off_framework_reason,
    reference_of_call_off,
)
from dps.tenders.domain.reports import PlacementFact, consortium_total, council_figures

START = date(2026, 12, 14)
APRIL = date(2027, 4, 1)
FEE, UPLIFTED = 123_457, 128_148


def placement(**kw: object) -> Placement:
    values: dict[str, object] = {
        "id": 1,
        "call_off_id": 7,
        "previous_placement_id": None,
        "authority_id": 1,
        "provider_id": 2,
        "setting_id": 3,
        "home_district": "WN1",
        "start_date": START,
        "weekly_fee_pence": FEE,
        "distance_miles": Decimal("4.20"),
        "out_of_area": False,
        "over_20_miles": False,
        "ended_on": None,
        "ending_kind": None,
        "ending_reason": None,
        "ending_note": None,
        "version": 1,
        **kw,
    }
    return Placement(**values)  # type: ignore[arg-type]


# --- the fee in force ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fee"),
    [
        (date(2026, 12, 3), FEE),  # before the start: the fee agreed for it
        (date(2027, 3, 31), FEE),  # the last day before the variation's day
        (APRIL, UPLIFTED),  # its day
        (date(2027, 4, 2), UPLIFTED),
    ],
)
def test_a_variation_is_in_force_from_its_day_and_not_before(day: date, fee: int) -> None:
    # Given an April uplift agreed in December
    varied = placement().vary_fee(UPLIFTED, APRIL)
    # Then each day shows the fee in force that day; the last agreed is what the next uplift starts from
    assert varied.fee_on(day) == fee
    assert varied.weekly_fee_pence == UPLIFTED and varied.version == 2


def test_scheduled_fees_are_the_variations_still_ahead() -> None:
    varied = placement().vary_fee(UPLIFTED, APRIL)
    assert varied.scheduled_fees(date(2026, 12, 3)) == (FeeFrom(APRIL, UPLIFTED),)
    assert varied.scheduled_fees(date(2027, 3, 31)) == (FeeFrom(APRIL, UPLIFTED),)
    assert varied.scheduled_fees(APRIL) == ()
    assert placement().scheduled_fees(date(2026, 12, 3)) == ()  # the starting fee is not a change


def test_variations_are_agreed_in_date_order_and_one_for_the_same_day_replaces_it() -> None:
    varied = placement().vary_fee(UPLIFTED, APRIL)
    with pytest.raises(Conflict) as error:
        varied.vary_fee(125_000, date(2027, 3, 31))
    assert error.value.code == "fee_variation_out_of_order"
    corrected = varied.vary_fee(128_000, APRIL)
    assert corrected.fee_schedule() == (FeeFrom(START, FEE), FeeFrom(APRIL, 128_000))


def test_a_variation_needs_the_placement_live_on_its_day() -> None:
    ended = placement(ended_on=APRIL)
    with pytest.raises(Conflict) as error:
        ended.vary_fee(UPLIFTED, APRIL)
    assert error.value.code == "placement_not_live"
    assert ended.vary_fee(UPLIFTED, date(2027, 3, 31)).fee_on(date(2027, 3, 31)) == UPLIFTED
    with pytest.raises(RuleViolation):
        placement().vary_fee(0, APRIL)


def test_the_spans_stop_the_day_before_the_next_fee_and_the_day_before_the_child_leaves() -> None:
    schedule = (FeeFrom(START, FEE), FeeFrom(APRIL, UPLIFTED))
    assert fee_spans(schedule, START, None) == (
        FeeSpan(FEE, START, date(2027, 3, 31)),
        FeeSpan(UPLIFTED, APRIL, None),
    )
    # Leaving on 1 April: the last day there is 31 March, April's fee never applies.
    assert fee_spans(schedule, START, APRIL) == (FeeSpan(FEE, START, date(2027, 3, 31)),)
    # Leaving on 2 April: one day of April's fee.
    assert fee_spans(schedule, START, date(2027, 4, 2))[-1] == FeeSpan(UPLIFTED, APRIL, APRIL)


# --- spend -----------------------------------------------------------------------------------------


def test_spend_is_each_fee_for_its_days_rounded_once() -> None:
    spans = [FeeSpan(FEE, START, date(2027, 3, 31)), FeeSpan(UPLIFTED, APRIL, None)]
    # 7 days at 123,457 + 10 at 128,148 = 2,145,679 sevenths: 306,525.571... -> 306,526
    assert spend_pence(spans, date(2027, 3, 25), date(2027, 4, 10)) == 306_526
    # Rounding each span apart would give 123,457 + 183,069 = 306,526 here but can differ by a
    # penny: one fee for 1 day (17,636.71) and 1 day (17,636.71) is 35,273 once, 35,274 twice.
    halves = [FeeSpan(FEE, date(2027, 1, 1), date(2027, 1, 1)), FeeSpan(FEE, date(2027, 1, 2), date(2027, 1, 2))]
    assert spend_pence(halves, date(2027, 1, 1), date(2027, 1, 2)) == 35_273


def test_december_spend_of_an_april_variation_is_at_decembers_fee() -> None:
    # Given the placement report's fact and pricing's spans of the same placement
    varied = placement().vary_fee(UPLIFTED, APRIL)
    fact = PlacementFact(1, None, 1, START, None, False, varied.weekly_fee_pence, False, False, varied.fees)
    first, last = date(2026, 12, 1), date(2026, 12, 31)
    # Then December costs 18 days at the December fee in both, to the penny
    [figures] = council_figures([fact], first, last)
    [priced] = council_spend([PlacementSpans(1, varied.fee_spans())], first, last)
    assert figures.spend_pence == priced.spend_pence == 317_461  # 123,457 x 18 / 7 = 317,460.86
    assert figures.weekly_spend_live_pence == FEE


def test_a_council_with_no_day_in_the_period_has_no_spend_row() -> None:
    spans = PlacementSpans(2, (FeeSpan(FEE, APRIL, None),))
    assert council_spend([spans], date(2027, 3, 1), date(2027, 3, 31)) == []
    assert council_spend([spans], date(2027, 3, 1), APRIL) == [CouncilSpend(2, 1, 17_637)]
    assert total_spend([CouncilSpend(2, 1, 5), CouncilSpend(3, 2, 7)]) == CouncilSpend(0, 3, 12)


def test_the_consortium_total_adds_its_councils_and_off_framework_is_shown_apart() -> None:
    facts = [
        PlacementFact(1, None, 1, START, None, False, 70_000, False, False),
        PlacementFact(2, None, 2, START, None, False, 140_000, True, False, off_framework=True),
    ]
    figures = council_figures(facts, date(2027, 1, 1), date(2027, 1, 7))
    assert [(f.authority_id, f.spend_pence, f.off_framework_spend_pence) for f in figures] == [
        (1, 70_000, 0),
        (2, 140_000, 140_000),
    ]
    total = consortium_total(figures)
    assert (total.authority_id, total.live_at_end, total.spend_pence, total.off_framework_live) == (0, 2, 210_000, 1)


# --- moves -----------------------------------------------------------------------------------------


def fee_check(**kw: object) -> FeeCheck:
    values: dict[str, object] = {
        "weekly_fee_pence": 120_000,
        "band_id": 1,
        "band": BandKey("8-12", "complex"),
        "floor_pence": 100_000,
        "ceiling_pence": 130_000,
        "rate_card_id": 1,
        "rate_card_price_pence": 125_000,
        "exception_approved": False,
        "above_ceiling": False,
        "below_floor": False,
        "above_rate_card": False,
        "no_band": False,
        "no_rate_card": False,
        **kw,
    }
    return FeeCheck(**values)  # type: ignore[arg-type]


ELIGIBLE = SettingEligibility(3, 2, 9, True, ())


def codes(reasons: tuple[Reason, ...]) -> list[str]:
    return [r.code for r in reasons]


def test_an_eligible_setting_at_a_fee_within_band_and_card_may_take_the_child() -> None:
    assert move_refusals(ELIGIBLE, fee_check()) == ()


def test_a_setting_whose_provider_holds_no_place_is_refused() -> None:
    assert codes(move_refusals(None, fee_check())) == ["not_a_member"]


def test_an_ineligible_setting_is_refused_with_the_eligibility_reasons() -> None:
    suspended = SettingEligibility(3, 2, 9, False, (Reason("membership_suspended", "suspended"),))
    assert codes(move_refusals(suspended, fee_check())) == ["membership_suspended"]


@pytest.mark.parametrize(
    ("flags", "refused"),
    [
        ({"below_floor": True}, ["below_floor"]),  # one penny under the floor
        ({"above_rate_card": True}, ["above_rate_card"]),  # one penny over the provider's card
        ({"above_ceiling": True}, ["above_ceiling"]),
        ({"above_ceiling": True, "exception_approved": True}, []),  # the card's approved exception
        ({"no_band": True, "no_rate_card": True}, ["no_band", "no_rate_card"]),
    ],
)
def test_the_offers_fee_flags_refuse_a_move(flags: dict[str, bool], refused: list[str]) -> None:
    assert codes(move_refusals(ELIGIBLE, fee_check(**flags))) == refused


def test_a_spot_purchase_is_recorded_only_on_purpose_with_a_reason() -> None:
    assert off_framework_reason(True, "  emergency bed  ") == "emergency bed"
    assert off_framework_reason(False, None) is None
    with pytest.raises(RuleViolation) as missing:
        off_framework_reason(True, "   ")
    assert missing.value.code == "off_framework_reason_required"
    with pytest.raises(RuleViolation) as stray:
        off_framework_reason(False, "why")
    assert stray.value.code == "off_framework_not_set"


def test_the_child_reference_comes_from_the_call_off() -> None:
    assert reference_of_call_off(42) == "CH-CO-000042"
    assert replace(placement(), child_reference="CH-CO-000007").child_reference == "CH-CO-000007"


# --- reminders -------------------------------------------------------------------------------------


def test_a_moved_placement_has_no_ending_reminders_and_a_planned_end_has_them() -> None:
    end = date(2027, 1, 20)
    assert ending_events(placement_ending(1, end, moved=True), PLACEMENT_REMINDER_DAYS) == []
    planned = ending_events(placement_ending(1, end, moved=False), PLACEMENT_REMINDER_DAYS)
    assert [e.key for e in planned] == ["placement:1:ending-28d:2027-01-20", "placement:1:ending-7d:2027-01-20"]


# --- an end recorded for a later day -----------------------------------------------------------------

PLANNED_END = date(2027, 2, 28)


@pytest.mark.parametrize("on", [date(2027, 2, 10), PLANNED_END])
def test_an_end_still_ahead_may_be_brought_forward_or_kept(on: date) -> None:
    planned = placement().end(PLANNED_END, EndingKind.PLANNED, None, None)
    moved = planned.end(on, EndingKind.UNPLANNED, UnplannedReason.PLACEMENT_BREAKDOWN, None, date(2027, 2, 27))
    assert (moved.ended_on, moved.ending_kind, moved.version) == (on, EndingKind.UNPLANNED, 3)


def test_an_end_cannot_be_put_later_and_a_past_end_is_history() -> None:
    planned = placement().end(PLANNED_END, EndingKind.PLANNED, None, None)
    with pytest.raises(Conflict) as later:
        planned.end(date(2027, 3, 1), EndingKind.PLANNED, None, None, date(2027, 2, 27))
    assert later.value.code == "end_after_recorded_end"
    with pytest.raises(Conflict) as past:
        planned.end(date(2027, 2, 10), EndingKind.PLANNED, None, None, PLANNED_END)
    assert past.value.code == "placement_ended"
