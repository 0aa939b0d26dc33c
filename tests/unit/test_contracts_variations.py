"""Which placements an uplift varies and their new weekly fee (dps/contracts/domain/variations.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dps.contracts.domain.variations import PricedPlacement, child_reference, new_weekly_fee, varied_by_uplift
from dps.pricing.domain.bands import BandKey, Period, Position
from dps.pricing.domain.rate_cards import RateCard, RateCardStatus, RateLine

APRIL = date(2027, 4, 1)
BAND = BandKey("8-12", "complex")
OTHER_BAND = BandKey("13-17", "standard")


def card(card_id: int, price: int, period: Period, previous: int | None = None) -> RateCard:
    return RateCard(
        id=card_id,
        provider_id=1,
        arrangement_id=1,
        lot_id=1,
        status=RateCardStatus.APPROVED,
        period=period,
        lines=(RateLine(id=card_id * 10, key=BAND, weekly_price_pence=price, position=Position.WITHIN),),
        services=(),
        submitted_at=datetime(2026, 10, 1, tzinfo=UTC),
        decided_at=None,
        decision_note=None,
        previous_id=previous,
        uplift_id=None if previous is None else 7,
        version=1,
    )


OLD = card(1, 123_457, Period(date(2026, 11, 1), date(2027, 3, 31)))
NEW = card(2, 128_148, Period(APRIL), previous=1)


def placement(start: date, ended_on: date | None) -> PricedPlacement:
    return PricedPlacement(
        placement_id=5,
        authority_id=2,
        provider_id=1,
        lot_id=1,
        call_off_id=9,
        band=BAND,
        weekly_fee_pence=123_457,
        start_date=start,
        ended_on=ended_on,
        old_card_id=1,
        new_card_id=2,
    )


@pytest.mark.parametrize(
    ("start", "ended_on", "varied"),
    [
        (date(2026, 12, 14), None, True),  # live and open-ended
        (date(2027, 3, 31), None, True),  # started the day before the uplift
        (APRIL, None, False),  # starts on the day: priced for the new period already
        (date(2026, 12, 14), date(2027, 3, 31), False),  # ended before the day
        (date(2026, 12, 14), APRIL, False),  # its last day is the uplift's day: not live on it
        (date(2026, 12, 14), date(2027, 4, 2), True),  # ends the day after: one day at the new fee
    ],
)
def test_a_placement_is_varied_when_live_across_the_effective_day(
    start: date, ended_on: date | None, varied: bool
) -> None:
    assert varied_by_uplift(placement(start, ended_on), APRIL) is varied


def test_a_fee_at_the_card_price_moves_to_the_uplifted_cards_price() -> None:
    assert new_weekly_fee(123_457, BAND, OLD, NEW, APRIL, Decimal("3.8")) == 128_148


@pytest.mark.parametrize(
    ("fee", "band", "expected"),
    [
        (120_000, BAND, 124_560),  # agreed below the card: the same 3.8%
        (123_456, BAND, 128_147),  # one penny below the card: 128,147.328 rounds down
        (123_457, OTHER_BAND, 128_148),  # a band the card does not list: the percentage, half up
        (123_457, None, 128_148),  # no band recorded for the placement
        (13, BAND, 13),  # 13.494p: too small to move by a penny
        (50, BAND, 52),  # 51.9p rounds up
    ],
)
def test_a_fee_agreed_at_another_figure_moves_by_the_uplifts_percentage(
    fee: int, band: BandKey | None, expected: int
) -> None:
    assert new_weekly_fee(fee, band, OLD, NEW, APRIL, Decimal("3.8")) == expected


def test_the_card_price_wins_over_the_percentage_when_they_disagree() -> None:
    # An officer-approved card may round differently from the percentage (e.g. a weighted index);
    # a placement priced at the card follows the card.
    manual = card(3, 128_200, Period(APRIL), previous=1)
    assert new_weekly_fee(123_457, BAND, OLD, manual, APRIL, Decimal("3.8")) == 128_200


def test_the_child_is_referred_to_by_the_call_off_never_by_name() -> None:
    assert child_reference(42) == "CH-CO-000042"
    assert child_reference(1_234_567) == "CH-CO-1234567"


@pytest.mark.parametrize("pence", [0, 1, 99, 100, 128_148, 123_456_789, -1_234])
def test_the_fee_a_variation_states_reads_back_exactly(pence: int) -> None:
    from dps.contracts.domain.formatting import money, pence_of

    assert pence_of(money(pence)) == pence


def test_a_variations_terms_come_from_its_subject_and_its_stated_fee() -> None:
    from datetime import date

    from dps.contracts.domain.variation_terms import FeeVariationTerms, fee_variation_terms

    terms = fee_variation_terms("placement:42:fee:2027-04-01", {"new_weekly_fee": "£1,281.48"})
    assert terms == FeeVariationTerms(42, date(2027, 4, 1), 128_148)
    with pytest.raises(ValueError):
        fee_variation_terms("membership:7", {"new_weekly_fee": "£1.00"})
    with pytest.raises(ValueError):
        fee_variation_terms("placement:42:fee:2027-04-01", {"new_weekly_fee": "1281.48 GBP"})
