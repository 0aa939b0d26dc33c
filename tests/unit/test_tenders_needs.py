"""Needs marked essential (a filter) or preferred (scored as quality): the pure rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from dps.accounts.domain import Need
from dps.core.errors import RuleViolation
from dps.tenders.domain.call_offs import check_preferred_needs, preferred_needs_criterion
from dps.tenders.domain.offers import score_offers
from tests.support.tenders_domain import child, criteria, facts

PREFERRED = frozenset({Need.ADHD, Need.SELF_HARM})


def test_a_need_is_essential_or_preferred_never_both() -> None:
    with pytest.raises(RuleViolation) as refused:
        child(needs=frozenset({Need.AUTISM}), preferred_needs=frozenset({Need.AUTISM}))
    assert refused.value.code == "need_both_essential_and_preferred"


def test_preferred_needs_count_only_with_a_weight_and_a_weight_only_with_preferred_needs() -> None:
    with pytest.raises(RuleViolation) as no_weight:
        check_preferred_needs(child(preferred_needs=PREFERRED), criteria())
    assert no_weight.value.code == "preferred_needs_without_weight"
    with pytest.raises(RuleViolation) as no_needs:
        check_preferred_needs(child(), criteria(preferred_needs_weight=Decimal(50)))
    assert no_needs.value.code == "weight_without_preferred_needs"
    check_preferred_needs(child(preferred_needs=PREFERRED), criteria(preferred_needs_weight=Decimal(50)))
    check_preferred_needs(child(), criteria())  # the request shape before preferred needs


def test_preferred_needs_alone_may_carry_the_quality_weight() -> None:
    only_needs = criteria(questions=(), preferred_needs_weight=Decimal(1))
    assert only_needs.criteria() == [] and preferred_needs_criterion(only_needs, 2) is not None
    with pytest.raises(RuleViolation) as refused:
        criteria(questions=(), preferred_needs_weight=Decimal(0))
    assert refused.value.code == "quality_without_questions"
    with pytest.raises(RuleViolation):
        criteria(preferred_needs_weight=Decimal(-1))


@pytest.mark.parametrize(("met", "quality"), [(0, "25.00"), (1, "37.50"), (2, "50.00")])
def test_each_preferred_need_met_scores_its_share_of_the_needs_weight(met: int, quality: str) -> None:
    # Questions weighted 60 and 40, both full marks; the preferred needs weighted 100 beside them:
    # quality% = (60 + 40 + 100 x met/2) / 200, of a quality weight of 50.
    c = criteria(preferred_needs_weight=Decimal(100))
    offer = replace(facts(1, 400_000, "3", 5, 5), preferred_needs_met=met)
    [scored] = score_offers(c, [offer], preferred_needs=2)
    assert scored.quality_score == Decimal(quality)


def test_meeting_more_preferred_needs_ranks_higher_all_else_equal() -> None:
    c = criteria(preferred_needs_weight=Decimal(20))
    both = replace(facts(1, 400_000, "3", 4, 4), preferred_needs_met=2)
    none = replace(facts(2, 400_000, "3", 4, 4), preferred_needs_met=0)
    scored_both, scored_none = score_offers(c, [both, none], preferred_needs=2)
    assert (scored_both.rank, scored_none.rank) == (1, 2)
    with pytest.raises(RuleViolation):
        score_offers(c, [replace(both, preferred_needs_met=3)], preferred_needs=2)


def test_without_preferred_needs_scoring_is_as_before() -> None:
    plain = score_offers(criteria(), [facts(1, 400_000, "3", 4, 4)])
    assert plain == score_offers(criteria(), [facts(1, 400_000, "3", 4, 4)], preferred_needs=0)
