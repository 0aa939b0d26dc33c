"""Price is scored on the weekly total: the core fee plus the additional services offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from dps.tenders.domain.offers import AdditionalService, Offer, OfferContent, OfferStatus, score_offers
from tests.support.tenders_domain import NOW, criteria, facts


def test_services_offered_with_the_placement_count_in_the_price() -> None:
    # A's fee is lower, but with its services A costs 500,000 a week against B's 450,000.
    a = replace(facts(1, 400_000, "3", 4, 4), additional_services_pence=100_000)
    b = facts(2, 450_000, "3", 4, 4)
    scored_a, scored_b = score_offers(criteria(), [a, b])
    assert scored_b.price_score == Decimal("30.00") and scored_a.price_score == Decimal("27.00")  # 30 x 450/500
    assert (scored_b.rank, scored_a.rank) == (1, 2)


def test_equal_weekly_totals_score_the_same_price_whatever_the_split() -> None:
    split = replace(facts(1, 400_000, "3", 4, 4), additional_services_pence=50_000)
    whole = facts(2, 450_000, "3", 4, 4, minute=1)
    scored_split, scored_whole = score_offers(criteria(), [split, whole])
    assert scored_split.price_score == scored_whole.price_score == Decimal("30.00")
    assert scored_split.rank == 1 and scored_whole.rank == 2  # tie broken by the earlier submission


def test_one_penny_of_services_more_is_one_penny_dearer() -> None:
    base = facts(1, 450_000, "3", 4, 4)
    dearer = replace(facts(2, 450_000, "3", 4, 4), additional_services_pence=1)
    assert score_offers(criteria(), [base, dearer])[1].rank == 2


def test_an_offers_weekly_total_uses_the_second_round_fee_and_keeps_the_services() -> None:
    services = (AdditionalService("1:1 support", 35_000), AdditionalService("transport", 5_000))
    content = OfferContent(7, 400_000, services, date(2026, 12, 14), (), "")
    offer = Offer(1, 1, 1, content, (), OfferStatus.SUBMITTED, NOW, NOW, 1)
    assert (content.additional_services_pence, offer.weekly_total_pence) == (40_000, 440_000)
    revised = offer.revise_fee(300_000, NOW)
    assert revised.weekly_total_pence == 340_000 and revised.version == offer.version  # the version stays
