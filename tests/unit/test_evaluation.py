"""The shared evaluation mechanism at its boundaries: marks, spreads, consensus, totals, ranks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from dps.core.errors import RuleViolation
from dps.core.evaluation import (
    Criterion,
    CriterionKind,
    Mark,
    Ranked,
    Spread,
    Suggestion,
    check_mark,
    check_submission,
    missing_marks,
    price_score,
    proximity_score,
    rank,
    result,
    sealed_until_submitted,
    spreads,
    suggested_consensus,
    weighted_total,
)
from dps.core.rounding import round_half_up

GATEWAY = Criterion(1, CriterionKind.PASS_FAIL)
QUALITY = Criterion(2, CriterionKind.SCORED, max_score=5, weight=Decimal(60))
VALUE = Criterion(3, CriterionKind.SCORED, max_score=5, weight=Decimal(40))
CRITERIA = (GATEWAY, QUALITY, VALUE)


def scored(criterion_id: int, score: int | None, rationale: str = "meets the standard") -> Mark:
    return Mark(criterion_id, score, None, rationale)


def gate(criterion_id: int, passed: bool | None, rationale: str = "certificate seen") -> Mark:
    return Mark(criterion_id, None, passed, rationale)


def moderated(*marks: Mark) -> dict[int, Mark]:
    return {mark.criterion_id: mark for mark in marks}


def refused(code: str) -> pytest.RaisesExc[RuleViolation]:
    """Expect a RuleViolation carrying exactly this stable code."""
    return pytest.raises(RuleViolation, check=lambda error: error.code == code)


# --- criteria ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "max_score", "weight"),
    [
        (CriterionKind.SCORED, 0, Decimal(10)),
        (CriterionKind.SCORED, 5, Decimal(0)),
        (CriterionKind.SCORED, 5, Decimal(-1)),
        (CriterionKind.SCORED, 5, Decimal("NaN")),
        (CriterionKind.PASS_FAIL, 5, Decimal(0)),
        (CriterionKind.PASS_FAIL, 0, Decimal(10)),
    ],
)
def test_a_criterion_that_mixes_up_scoring_and_gateways_is_refused(
    kind: CriterionKind, max_score: int, weight: Decimal
) -> None:
    with refused("invalid_criterion"):
        Criterion(9, kind, max_score=max_score, weight=weight)


# --- marks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 1, 4, 5])
def test_scores_from_0_to_max_are_accepted(score: int) -> None:
    check_mark(QUALITY, scored(2, score))


@pytest.mark.parametrize("score", [-1, 6])
def test_scores_just_outside_0_to_max_are_refused(score: int) -> None:
    with refused("score_out_of_range"):
        check_mark(QUALITY, scored(2, score))


@pytest.mark.parametrize("rationale", ["", "   ", "\n\t"])
def test_a_mark_without_a_rationale_is_refused(rationale: str) -> None:
    with refused("rationale_required"):
        check_mark(QUALITY, scored(2, 3, rationale))
    with refused("rationale_required"):
        check_mark(GATEWAY, gate(1, True, rationale))


@pytest.mark.parametrize(
    ("criterion", "mark", "code"),
    [
        (QUALITY, scored(2, None), "score_missing"),
        (QUALITY, Mark(2, None, True, "why"), "score_missing"),
        (QUALITY, Mark(2, 3, True, "why"), "mark_kind_mismatch"),
        (GATEWAY, gate(1, None), "pass_fail_missing"),
        (GATEWAY, Mark(1, 1, None, "why"), "pass_fail_missing"),
        (GATEWAY, Mark(1, 1, True, "why"), "mark_kind_mismatch"),
        (QUALITY, scored(3, 3), "criterion_mismatch"),
    ],
)
def test_a_mark_of_the_wrong_kind_is_refused(criterion: Criterion, mark: Mark, code: str) -> None:
    with refused(code):
        check_mark(criterion, mark)


def test_gateway_marks_pass_or_fail() -> None:
    check_mark(GATEWAY, gate(1, True))
    check_mark(GATEWAY, gate(1, False))


def test_missing_marks_lists_unmarked_criteria_in_criteria_order() -> None:
    # given a draft with the value criterion marked and the quality criterion only started
    marks = [scored(3, 4), scored(2, None)]
    # then the gateway and quality criteria are still missing, in questionnaire order
    assert missing_marks(CRITERIA, marks) == [1, 2]
    assert missing_marks(CRITERIA, [gate(1, False), scored(2, 0), scored(3, 5)]) == []


def test_a_submission_needs_every_criterion_marked_once_and_validly() -> None:
    check_submission(CRITERIA, [gate(1, True), scored(2, 3), scored(3, 4)])
    with refused("marks_missing") as caught:
        check_submission(CRITERIA, [scored(3, 4)])
    assert caught.value.extra["criterion_ids"] == [1, 2]
    with refused("duplicate_mark"):
        check_submission(CRITERIA, [gate(1, True), scored(2, 3), scored(2, 4), scored(3, 4)])
    with refused("unknown_criterion"):
        check_submission(CRITERIA, [gate(1, True), scored(2, 3), scored(3, 4), scored(99, 1)])
    with refused("score_out_of_range"):
        check_submission(CRITERIA, [gate(1, True), scored(2, 6), scored(3, 4)])


# --- independence and spreads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "submitted", "sealed"),
    [(7, set(), True), (7, {8}, True), (7, {7}, False), (7, {7, 8}, False)],
)
def test_an_evaluator_sees_others_marks_only_after_submitting_their_own(
    viewer: int, submitted: set[int], sealed: bool
) -> None:
    assert sealed_until_submitted(viewer, submitted) is sealed


@pytest.mark.parametrize(("low", "high", "flagged"), [(3, 3, False), (3, 4, False), (2, 4, True), (0, 5, True)])
def test_spreads_flag_scores_further_apart_than_the_tolerance_only(low: int, high: int, flagged: bool) -> None:
    # given two evaluators scoring the quality criterion
    marks = {10: [scored(2, low)], 11: [scored(2, high)]}
    # when the spreads are computed with the default tolerance of 1
    found = spreads(CRITERIA, marks)
    # then only a gap over 1 needs discussion
    assert found == [Spread(2, low, high, flagged)]


def test_spreads_honour_a_wider_tolerance_and_refuse_a_negative_one() -> None:
    marks = {10: [scored(2, 2)], 11: [scored(2, 4)]}
    assert spreads(CRITERIA, marks, tolerance=2) == [Spread(2, 2, 4, False)]
    with refused("invalid_tolerance"):
        spreads(CRITERIA, marks, tolerance=-1)


def test_a_gateway_split_always_needs_discussion() -> None:
    # given one evaluator passing the gateway and another failing it, agreeing on the scores
    marks = {
        10: [gate(1, True), scored(2, 3), scored(3, 4)],
        11: [gate(1, False), scored(2, 3), scored(3, 5)],
    }
    # then the gateway is flagged, whatever the tolerance, and the close scores are not
    assert spreads(CRITERIA, marks, tolerance=5) == [
        Spread(1, 0, 1, True),
        Spread(2, 3, 3, False),
        Spread(3, 4, 5, False),
    ]
    agreed = {10: [gate(1, False)], 11: [gate(1, False)]}
    assert spreads(CRITERIA, agreed) == [Spread(1, 0, 0, False)]


# --- consensus ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "median"),
    [([3], 3), ([1, 4, 5], 4), ([0, 5, 5], 5), ([2, 3], 3), ([1, 2, 4, 5], 3), ([2, 2], 2)],
)
def test_the_suggested_score_is_the_median_rounded_half_up(scores: list[int], median: int) -> None:
    marks = [scored(2, score) for score in scores]
    assert suggested_consensus(QUALITY, marks) == Suggestion(2, median, None)


@pytest.mark.parametrize(
    ("votes", "passed"),
    [
        ([True], True),
        ([True, True], True),
        ([True, False], False),
        ([True, True, False], True),
        ([False], False),
    ],
)
def test_a_gateway_passes_on_a_majority_and_a_tie_fails_safe(votes: list[bool], passed: bool) -> None:
    assert suggested_consensus(GATEWAY, [gate(1, vote) for vote in votes]) == Suggestion(1, None, passed)


def test_a_suggestion_becomes_a_mark_only_with_the_moderators_reason() -> None:
    suggestion = suggested_consensus(QUALITY, [scored(2, 2), scored(2, 4)])
    mark = suggestion.as_mark("both evaluators cited the staffing plan")
    check_mark(QUALITY, mark)
    assert mark == Mark(2, 3, None, "both evaluators cited the staffing plan")
    with refused("no_marks"):
        suggested_consensus(QUALITY, [])


# --- rounding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        (Decimal("0.005"), "0.01", Decimal("0.01")),
        (Decimal("0.0049999"), "0.01", Decimal("0.00")),
        (Decimal("59.995"), "0.01", Decimal("60.00")),
        (Decimal("0.125"), "0.01", Decimal("0.13")),  # round() would give 0.12
        (Fraction(1, 3) * 100, "0.01", Decimal("33.33")),
        (Fraction(2, 3) * 100, "0.01", Decimal("66.67")),
        (Decimal("2.5"), "1", Decimal("3")),
        (Decimal("68"), "0.01", Decimal("68.00")),
    ],
)
def test_round_half_up_rounds_halves_up_exactly(value: Decimal | Fraction, places: str, rounded: Decimal) -> None:
    got = round_half_up(value, places)
    assert got == rounded
    assert got.as_tuple().exponent == rounded.as_tuple().exponent


@pytest.mark.parametrize("places", ["0.05", "0.25", "-1", "abc"])
def test_round_half_up_needs_a_power_of_ten(places: str) -> None:
    with pytest.raises(ValueError):
        round_half_up(Decimal(1), places)


# --- weighted totals, gateways and thresholds --------------------------------------------------


def test_the_weighted_total_of_a_worked_example() -> None:
    # given weights 60 and 40, moderated at 3/5 and 4/5
    marks = moderated(gate(1, True), scored(2, 3), scored(3, 4))
    # then 100 * (0.6 * 60 + 0.8 * 40) / (60 + 40) = 68.00
    assert weighted_total(CRITERIA, marks) == Decimal("68.00")


@pytest.mark.parametrize(
    ("scores", "total"),
    [
        ((0, 0), Decimal("0.00")),
        ((5, 5), Decimal("100.00")),
        ((5, 0), Decimal("60.00")),
        ((1, 2), Decimal("28.00")),
    ],
)
def test_weighted_totals_by_hand(scores: tuple[int, int], total: Decimal) -> None:
    assert weighted_total(CRITERIA, moderated(scored(2, scores[0]), scored(3, scores[1]))) == total


def test_weights_are_relative_and_the_total_is_rounded_once() -> None:
    # given three equal weights, each criterion scored 2/3: exactly 200/3 = 66.666...
    thirds = [Criterion(i, CriterionKind.SCORED, max_score=3, weight=Decimal("0.5")) for i in (1, 2, 3)]
    marks = moderated(scored(1, 2), scored(2, 2), scored(3, 2))
    # then the total rounds once to 66.67; rounding each criterion's share first (22.22 x 3)
    # would lose a hundredth and give 66.66
    assert weighted_total(thirds, marks) == Decimal("66.67")
    # and halving every weight changes nothing: weights are relative
    halved = [Criterion(c.id, c.kind, c.max_score, c.weight / 2) for c in thirds]
    assert weighted_total(halved, marks) == Decimal("66.67")


def test_a_gateway_only_questionnaire_totals_zero() -> None:
    assert weighted_total([GATEWAY], moderated(gate(1, True))) == Decimal("0.00")


def test_a_scored_criterion_without_a_moderated_mark_cannot_be_totalled() -> None:
    with refused("moderation_incomplete"):
        weighted_total(CRITERIA, moderated(gate(1, True), scored(2, 3)))
    with refused("rationale_required"):
        weighted_total(CRITERIA, moderated(scored(2, 3), scored(3, 4, rationale="")))


THRESHOLD = Decimal("60.00")
# weights 5999 and 4001: full marks on the first alone land exactly on 59.99; a 3/5 on a single
# criterion lands exactly on 60.00
SPLIT = (
    Criterion(11, CriterionKind.SCORED, max_score=1, weight=Decimal(5999)),
    Criterion(12, CriterionKind.SCORED, max_score=1, weight=Decimal(4001)),
)
SINGLE = (Criterion(21, CriterionKind.SCORED, max_score=5, weight=Decimal(1)),)


def test_a_total_exactly_at_the_threshold_meets_it() -> None:
    outcome = result(SINGLE, moderated(scored(21, 3)), THRESHOLD)
    assert outcome.weighted_total == Decimal("60.00")
    assert outcome.meets_threshold is True


def test_a_total_one_hundredth_under_the_threshold_does_not() -> None:
    outcome = result(SPLIT, moderated(scored(11, 1), scored(12, 0)), THRESHOLD)
    assert outcome.weighted_total == Decimal("59.99")
    assert outcome.meets_threshold is False


def test_the_threshold_is_compared_with_the_published_rounded_total() -> None:
    # given an exact total of 59.995 (weights 59995 and 40005), published as 60.00
    criteria = (
        Criterion(31, CriterionKind.SCORED, max_score=1, weight=Decimal(59995)),
        Criterion(32, CriterionKind.SCORED, max_score=1, weight=Decimal(40005)),
    )
    outcome = result(criteria, moderated(scored(31, 1), scored(32, 0)), THRESHOLD)
    # then the decision agrees with the number shown
    assert (outcome.weighted_total, outcome.meets_threshold) == (Decimal("60.00"), True)


def test_a_failed_gateway_fails_even_with_full_marks() -> None:
    outcome = result(CRITERIA, moderated(gate(1, False), scored(2, 5), scored(3, 5)), THRESHOLD)
    assert outcome.failed_gateways == (1,)
    assert outcome.weighted_total == Decimal("100.00")
    assert outcome.meets_threshold is False


def test_passing_every_gateway_and_the_threshold_meets_it() -> None:
    outcome = result(CRITERIA, moderated(gate(1, True), scored(2, 3), scored(3, 4)), THRESHOLD)
    assert (outcome.failed_gateways, outcome.weighted_total, outcome.meets_threshold) == (
        (),
        Decimal("68.00"),
        True,
    )


def test_an_unmoderated_gateway_and_a_nonsense_threshold_are_refused() -> None:
    with refused("moderation_incomplete"):
        result(CRITERIA, moderated(scored(2, 3), scored(3, 4)), THRESHOLD)
    for threshold in (Decimal(-1), Decimal("100.01"), Decimal("NaN")):
        with refused("invalid_threshold"):
            result(CRITERIA, moderated(gate(1, True), scored(2, 3), scored(3, 4)), threshold)


# --- ranking -----------------------------------------------------------------------------------


def test_ranking_puts_the_highest_total_first() -> None:
    ranked = rank([("b", Decimal("70.00"), ()), ("a", Decimal("85.50"), ()), ("c", Decimal("12.00"), ())])
    assert ranked == [
        Ranked("a", Decimal("85.50"), 1),
        Ranked("b", Decimal("70.00"), 2),
        Ranked("c", Decimal("12.00"), 3),
    ]


def test_equal_totals_and_tie_breaks_share_a_rank_and_the_next_rank_skips() -> None:
    # given two offers equal in total AND tie-break, and a third behind them
    ranked = rank(
        [
            ("x", Decimal("80.00"), (-40, 90000)),
            ("y", Decimal("80.00"), (-40, 90000)),
            ("z", Decimal("75.00"), (-45, 80000)),
        ]
    )
    # then standard competition ranking: 1, 1, 3, the tied pair in input order
    assert [(r.key, r.rank) for r in ranked] == [("x", 1), ("y", 1), ("z", 3)]


def test_equal_totals_are_separated_by_the_tie_break_ascending() -> None:
    # given (-quality_total, weekly_fee_pence, submitted_at) tie-breaks on an equal total
    ranked = rank(
        [
            ("cheaper", Decimal("80.00"), (-50, 90000, 3)),
            ("dearer", Decimal("80.00"), (-50, 95000, 1)),
            ("better_quality", Decimal("80.00"), (-55, 99000, 2)),
            ("earlier", Decimal("80.00"), (-50, 90000, 1)),
        ]
    )
    # then better quality first, then the cheaper, then the earlier
    assert [(r.key, r.rank) for r in ranked] == [
        ("better_quality", 1),
        ("earlier", 2),
        ("cheaper", 3),
        ("dearer", 4),
    ]
    assert rank([]) == []


# --- price and proximity -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lowest", "fee", "weight", "score"),
    [
        (90000, 90000, Decimal(30), Decimal("30.00")),  # the lowest fee earns the full weight
        (90000, 180000, Decimal(30), Decimal("15.00")),  # double the price earns half
        (100000, 300000, Decimal(20), Decimal("6.67")),
        (1, 200, Decimal(1), Decimal("0.01")),  # 0.005 rounds up
        (90000, 120000, Decimal(0), Decimal("0.00")),
    ],
)
def test_price_score_is_lowest_over_fee_times_weight(lowest: int, fee: int, weight: Decimal, score: Decimal) -> None:
    assert price_score(lowest, fee, weight) == score


@pytest.mark.parametrize(("lowest", "fee"), [(90000, 0), (0, 0), (-1, 100), (0, 100), (200, 100)])
def test_price_score_refuses_impossible_fees(lowest: int, fee: int) -> None:
    with refused("invalid_fee"):
        price_score(lowest, fee, Decimal(30))


@pytest.mark.parametrize(
    ("miles", "score"),
    [
        (Decimal(0), Decimal("20.00")),
        (Decimal(5), Decimal("20.00")),
        (Decimal("5.01"), Decimal("20.00")),  # 19.9956 rounds back up
        (Decimal("27.5"), Decimal("10.00")),
        (Decimal(50), Decimal("0.00")),
        (Decimal(60), Decimal("0.00")),
    ],
)
def test_proximity_score_is_full_within_5_miles_zero_from_50_linear_between(miles: Decimal, score: Decimal) -> None:
    assert proximity_score(miles, Decimal(20)) == score


def test_proximity_score_refuses_a_negative_distance_or_a_backwards_band() -> None:
    with refused("invalid_distance"):
        proximity_score(Decimal("-0.01"), Decimal(20))
    with refused("invalid_proximity_band"):
        proximity_score(Decimal(10), Decimal(20), full_marks_within=Decimal(50), zero_beyond=Decimal(50))
    with refused("invalid_weight"):
        proximity_score(Decimal(10), Decimal(-20))


def test_proximity_bands_can_be_set_per_call_off() -> None:
    assert proximity_score(Decimal(15), Decimal(10), full_marks_within=Decimal(10), zero_beyond=Decimal(20)) == Decimal(
        "5.00"
    )
