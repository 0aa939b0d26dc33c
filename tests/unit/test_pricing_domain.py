"""Pricing rules at every money boundary: bands, rate cards, fees, uplifts and the analysis."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dps.core.errors import Conflict, RuleViolation
from dps.pricing.domain import ChosenService, weekly_fee
from dps.pricing.domain.analysis import AgreedFee, band_utilisation, median_pence, provider_spreads
from dps.pricing.domain.bands import BandKey, LotBands, Period, Position, PriceBand, check_no_overlap, position_in_band
from dps.pricing.domain.fees import check_fee
from dps.pricing.domain.money import percent_of, round_pence, uplifted
from dps.pricing.domain.rate_cards import (
    ExceptionStatus,
    ProposedLine,
    RateCard,
    RateCardStatus,
    ServicePrice,
    ServiceUnit,
    assess_lines,
    check_succession,
)
from dps.pricing.domain.uplifts import (
    IndexComponent,
    Uplift,
    UpliftMethod,
    UpliftStatus,
    check_uplift,
    plan_uplift,
    weighted_percentage,
)

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
KEY = BandKey("11-15", "complex")


def band(floor: int = 100_000, ceiling: int = 150_000, starts: date = date(2026, 4, 1), ends: date | None = None,
         band_id: int = 1, key: BandKey = KEY) -> PriceBand:  # fmt: skip
    return PriceBand(
        id=band_id, arrangement_id=1, lot_id=1, key=key, min_age=11, max_age=15, floor_pence=floor,
        ceiling_pence=ceiling, period=Period(starts, ends), uplift_id=None, version=1,
    )  # fmt: skip


def card(price: int = 120_000, starts: date = date(2026, 4, 1), ends: date | None = None, card_id: int = 7,
         status: RateCardStatus = RateCardStatus.APPROVED,
         services: tuple[ServicePrice, ...] = ()) -> RateCard:  # fmt: skip
    lines = assess_lines([ProposedLine(KEY, price, "specialist staffing")], [band()], date(2026, 4, 1))
    return RateCard(
        id=card_id, provider_id=3, arrangement_id=1, lot_id=1, status=status, period=Period(starts, ends),
        lines=tuple(replace(line, id=70) for line in lines),
        services=services, submitted_at=AT, decided_at=None, decision_note=None, previous_id=None, uplift_id=None,
        version=1,
    )  # fmt: skip


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "pence"),
    [("0.5", 1), ("1.4999", 1), ("1.5", 2), ("2.5", 3), ("4691.366", 4691), ("0.49", 0)],
)
def test_rounding_is_half_up_to_the_penny(amount: str, pence: int) -> None:
    assert round_pence(Decimal(amount)) == pence


def test_three_point_eight_percent_of_123457_pence() -> None:
    # 123,457 x 3.8% = 4,691.366p: the increase rounds to 4,691p; the uplifted fee rounds once, to 128,148p.
    assert percent_of(123_457, Decimal("3.8")) == 4_691
    assert uplifted(123_457, Decimal("3.8")) == 128_148


def test_an_uplift_that_lands_on_half_a_penny_rounds_up() -> None:
    # 50p x 1% = 0.5p exactly: 50.5p becomes 51p.
    assert uplifted(50, Decimal(1)) == 51
    assert uplifted(49, Decimal(1)) == 49  # 49.49p


# --- bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "position"),
    [
        (150_000, Position.WITHIN),  # the ceiling itself
        (150_001, Position.ABOVE_CEILING),  # one penny over
        (100_000, Position.WITHIN),  # the floor itself
        (99_999, Position.BELOW_FLOOR),  # one penny under
    ],
)
def test_ceiling_and_floor_boundaries(price: int, position: Position) -> None:
    assert position_in_band(price, band()) is position


def test_floor_above_ceiling_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        band(floor=150_001, ceiling=150_000)
    assert caught.value.code == "floor_above_ceiling"


@pytest.mark.parametrize(
    ("starts", "ends", "overlaps"),
    [
        (date(2027, 3, 31), None, True),  # starts on the last day of the existing band
        (date(2027, 4, 1), None, False),  # starts the day after it ends
        (date(2025, 4, 1), date(2026, 3, 31), False),  # ends the day before it starts
        (date(2025, 4, 1), date(2026, 4, 1), True),  # ends on its first day
    ],
)
def test_overlapping_periods_for_the_same_band_conflict(starts: date, ends: date | None, overlaps: bool) -> None:
    existing = [band(ends=date(2027, 3, 31))]
    new = band(starts=starts, ends=ends, band_id=0)
    if overlaps:
        with pytest.raises(Conflict) as caught:
            check_no_overlap(new, existing)
        assert caught.value.code == "band_period_overlap"
    else:
        check_no_overlap(new, existing)


def test_another_band_of_the_lot_may_share_the_period() -> None:
    check_no_overlap(band(band_id=0, key=BandKey("11-15", "standard")), [band()])


def test_a_band_must_name_the_lots_age_band_need_level_and_area() -> None:
    lot = LotBands(age_bands={"11-15": (11, 15)}, need_levels=("complex",), areas=("E08000001",))
    assert lot.ages_of(KEY) == (11, 15)
    for key, code in [
        (BandKey("0-4", "complex"), "unknown_age_band"),
        (BandKey("11-15", "severe"), "unknown_need_level"),
        (BandKey("11-15", "complex", "E08000002"), "unknown_area"),
    ]:
        with pytest.raises(RuleViolation) as caught:
            lot.ages_of(key)
        assert caught.value.code == code


# --- rate cards ------------------------------------------------------------------------------


def test_a_price_above_the_ceiling_needs_a_justification() -> None:
    with pytest.raises(RuleViolation) as caught:
        assess_lines([ProposedLine(KEY, 150_001)], [band()], date(2026, 4, 1))
    assert caught.value.code == "exception_justification_required"
    [line] = assess_lines([ProposedLine(KEY, 150_001, "waking night staff")], [band()], date(2026, 4, 1))
    assert line.exception_status is ExceptionStatus.REQUESTED
    [at_ceiling] = assess_lines([ProposedLine(KEY, 150_000, "not needed")], [band()], date(2026, 4, 1))
    assert at_ceiling.position is Position.WITHIN and at_ceiling.exception_justification is None


def test_a_band_without_prices_on_the_cards_first_day_cannot_be_priced() -> None:
    with pytest.raises(RuleViolation) as caught:
        assess_lines([ProposedLine(KEY, 120_000)], [band()], date(2026, 3, 31))
    assert caught.value.code == "no_band"


def test_approval_needs_the_exception_approved_first() -> None:
    submitted = card(price=160_000, status=RateCardStatus.SUBMITTED)
    with pytest.raises(RuleViolation) as caught:
        submitted.approve(AT, None, None)
    assert caught.value.code == "exception_not_approved"
    decided = submitted.decide_exception(70, True, "sole provider of this specialism in the region")
    approved = decided.approve(AT, "agreed", None)
    assert approved.status is RateCardStatus.APPROVED
    assert approved.version == 3


def test_an_abnormally_low_price_needs_the_officers_review() -> None:
    submitted = card(price=99_999, status=RateCardStatus.SUBMITTED)
    assert submitted.lines[0].abnormally_low
    with pytest.raises(RuleViolation) as caught:
        submitted.approve(AT, None, "  ")
    assert caught.value.code == "abnormally_low_review_required"
    approved = submitted.approve(AT, None, "explanation accepted: subsidised premises")
    assert "subsidised premises" in (approved.decision_note or "")


def test_a_new_card_ends_the_previous_one_the_day_before() -> None:
    old = card(card_id=1, starts=date(2026, 4, 1))
    new = card(card_id=2, starts=date(2026, 10, 1))
    [closed] = check_succession(new, [old])
    assert closed.period == Period(date(2026, 4, 1), date(2026, 9, 30))
    with pytest.raises(Conflict):
        check_succession(card(card_id=3, starts=date(2026, 4, 1)), [old])


# --- fees ------------------------------------------------------------------------------------

SERVICES = (
    ServicePrice(service_id=1, unit=ServiceUnit.HOUR, unit_price_pence=2_550),
    ServicePrice(service_id=2, unit=ServiceUnit.WEEK, unit_price_pence=40_000),
)


def test_weekly_fee_adds_the_chosen_services() -> None:
    fee = weekly_fee(
        card(services=SERVICES),
        KEY,
        [ChosenService(1, Decimal("7.5")), ChosenService(2, Decimal(1))],
        date(2026, 6, 1),
    )
    # 120,000 + 7.5h x 2,550 (19,125) + 40,000 a week.
    assert (fee.base_weekly_pence, fee.services_weekly_pence, fee.weekly_pence) == (120_000, 59_125, 179_125)
    assert fee.charged_pence == 179_125


@pytest.mark.parametrize(
    ("weekly", "days", "charged"),
    [
        (123_457, 7, 123_457),
        (123_457, 1, 17_637),  # 17,636.714...
        (123_457, 3, 52_910),  # 52,910.142...
        (100_000, 2, 28_571),  # 28,571.428...
        (70_003, 5, 50_002),  # 50,002.142...
        (7, 1, 1),  # 1p exactly
        (3, 1, 0),  # 0.428p
        (4, 1, 1),  # 0.571p
    ],
)
def test_part_weeks_are_pro_rata_by_day_rounded_half_up(weekly: int, days: int, charged: int) -> None:
    assert weekly_fee(card(price=weekly), KEY, [], date(2026, 6, 1), days=days).charged_pence == charged


def test_half_a_penny_of_services_rounds_up() -> None:
    # A part week never lands on half a penny (n/7 is never x.5); services can: 7.5h x 2,551p = 19,132.5p.
    hourly = (ServicePrice(service_id=1, unit=ServiceUnit.HOUR, unit_price_pence=2_551),)
    fee = weekly_fee(card(services=hourly), KEY, [ChosenService(1, Decimal("7.5"))], date(2026, 6, 1))
    assert fee.services_weekly_pence == 19_133


def test_a_fee_needs_the_card_in_force_and_the_band_on_it() -> None:
    with pytest.raises(RuleViolation) as caught:
        weekly_fee(card(ends=date(2026, 5, 31)), KEY, [], date(2026, 6, 1))
    assert caught.value.code == "rate_card_not_in_force"
    with pytest.raises(RuleViolation) as caught:
        weekly_fee(card(), BandKey("11-15", "standard"), [], date(2026, 6, 1))
    assert caught.value.code == "band_not_on_rate_card"
    with pytest.raises(RuleViolation) as caught:
        weekly_fee(card(), KEY, [ChosenService(9, Decimal(1))], date(2026, 6, 1))
    assert caught.value.code == "service_not_priced"


@pytest.mark.parametrize(
    ("offered", "above_ceiling", "below_floor", "above_card"),
    [(150_000, False, False, True), (150_001, True, False, True), (100_000, False, False, False),
     (99_999, False, True, False), (120_000, False, False, False), (120_001, False, False, True)],
)  # fmt: skip
def test_offer_fee_flags(offered: int, above_ceiling: bool, below_floor: bool, above_card: bool) -> None:
    c = card()
    check = check_fee(offered, band(), c.lines[0], c.id)
    assert (check.above_ceiling, check.below_floor, check.above_rate_card) == (above_ceiling, below_floor, above_card)
    assert not check.no_band and not check.no_rate_card


def test_offer_fee_without_band_or_card() -> None:
    check = check_fee(120_000, None, None, None)
    assert check.no_band and check.no_rate_card and not check.above_ceiling


# --- uplifts ---------------------------------------------------------------------------------


def test_weighted_index_forty_cpi_sixty_nlw() -> None:
    components = (
        IndexComponent("CPI", Decimal(40), Decimal("3.4")),
        IndexComponent("NLW", Decimal(60), Decimal("6.7")),
    )
    assert weighted_percentage(components) == Decimal("5.38")
    assert uplifted(123_457, Decimal("5.38")) == 130_099  # 130,098.99...


@pytest.mark.parametrize(
    ("weights", "code"),
    [((Decimal(40), Decimal(59)), "weights_not_100"), ((Decimal(100), Decimal(0)), "invalid_weight")],
)
def test_weights_must_add_up_to_100(weights: tuple[Decimal, Decimal], code: str) -> None:
    components = (IndexComponent("CPI", weights[0], Decimal("3.4")), IndexComponent("NLW", weights[1], Decimal("6.7")))
    with pytest.raises(RuleViolation) as caught:
        check_uplift(UpliftMethod.WEIGHTED_INDEX, None, components)
    assert caught.value.code == code


def test_a_flat_uplift_has_a_percentage_and_no_indices() -> None:
    assert check_uplift(UpliftMethod.FLAT, Decimal("3.8"), ()) == Decimal("3.8")
    with pytest.raises(RuleViolation):
        check_uplift(UpliftMethod.FLAT, None, ())
    with pytest.raises(RuleViolation) as caught:
        check_uplift(UpliftMethod.FLAT, Decimal(150), ())
    assert caught.value.code == "uplift_out_of_range"


def uplift(on: date, status: UpliftStatus = UpliftStatus.DRAFT) -> Uplift:
    return Uplift(
        id=5, arrangement_id=1, description="April 2027", effective_on=on, method=UpliftMethod.FLAT,
        flat_percentage=Decimal("3.8"), components=(), status=status, applied_at=None, version=1,
    )  # fmt: skip


def test_an_uplift_effective_on_the_day() -> None:
    old_band = band(floor=100_000, ceiling=123_457, starts=date(2026, 4, 1))
    starts_on_the_day = card(card_id=8, starts=date(2027, 4, 1))
    plan = plan_uplift(uplift(date(2027, 4, 1)), [old_band], [card(price=123_457), starts_on_the_day])
    [band_change] = plan.bands
    assert band_change.after.period == Period(date(2027, 4, 1), None)
    assert (band_change.after.floor_pence, band_change.after.ceiling_pence) == (103_800, 128_148)
    [card_change] = plan.cards
    assert card_change.lines[0].price.before_pence == 123_457
    assert card_change.lines[0].price.after_pence == 128_148
    assert card_change.new_lines()[0].weekly_price_pence == 128_148
    # A card starting on the effective day was priced for the new year already.
    assert plan.cards_left_alone == (8,)


def test_rows_that_ended_before_the_day_are_not_uplifted() -> None:
    plan = plan_uplift(uplift(date(2027, 4, 1)), [band(ends=date(2027, 3, 31))], [card(ends=date(2027, 3, 31))])
    assert plan.bands == () and plan.cards == ()


def test_an_uplift_applies_once() -> None:
    applied = uplift(date(2027, 4, 1)).apply(AT)
    assert applied.status is UpliftStatus.APPLIED
    with pytest.raises(Conflict) as caught:
        applied.apply(AT)
    assert caught.value.code == "uplift_already_applied"


# --- analysis --------------------------------------------------------------------------------


def test_one_providers_spread_across_authorities() -> None:
    fees = [
        AgreedFee(authority_id=1, provider_id=3, lot_id=1, key=KEY, weekly_fee_pence=120_000),
        AgreedFee(authority_id=1, provider_id=3, lot_id=1, key=KEY, weekly_fee_pence=125_000),
        AgreedFee(authority_id=2, provider_id=3, lot_id=1, key=KEY, weekly_fee_pence=150_000),
        AgreedFee(authority_id=2, provider_id=4, lot_id=1, key=BandKey("11-15", "standard"), weekly_fee_pence=90_000),
    ]
    spread = provider_spreads(fees)[0]
    assert (spread.provider_id, spread.placements, spread.authorities) == (3, 3, 2)
    assert (spread.min_pence, spread.median_pence, spread.max_pence) == (120_000, 125_000, 150_000)
    assert spread.spread_pence == 30_000
    assert spread.spread_percent == Decimal("25.00")
    uses = band_utilisation(fees)
    assert [(u.key.need_level, u.placements, u.share_percent) for u in uses] == [
        ("complex", 3, Decimal("75.00")),
        ("standard", 1, Decimal("25.00")),
    ]


def test_median_of_an_even_count_rounds_half_up() -> None:
    assert median_pence([100, 201]) == 151  # 150.5
    assert median_pence([5]) == 5
