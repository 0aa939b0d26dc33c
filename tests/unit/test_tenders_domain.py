"""Call-offs, offers, scoring and placements: the pure rules, boundary by boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dps.core.calendar import Nation, UnitedKingdomWorkingDays
from dps.core.errors import Conflict, IllegalTransition, InvalidInput, RuleViolation
from dps.core.evaluation import CriterionKind, Mark
from dps.frameworks.domain.arrangements import AgeBand
from dps.tenders.domain.call_offs import (
    CallOffStatus,
    QualityQuestion,
    check_deadline,
    home_district,
    offers_open,
    require_offers_open,
    sealed,
    standstill_ends_at,
)
from dps.tenders.domain.offers import (
    Answer,
    Offer,
    OfferContent,
    OfferFacts,
    OfferStatus,
    moderated_marks,
    score_offers,
)
from dps.tenders.domain.placements import (
    EndingKind,
    FeeBand,
    Placement,
    UnplannedReason,
    fee_band,
    placement_flags,
)
from tests.support.tenders_domain import DEADLINE, NOW, call_off, child, criteria, facts

# --- the anonymised child ------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "district"), [("M5", "M5"), ("sw1a", "SW1A"), (" bl1 ", "BL1")])
def test_a_postcode_district_is_kept_in_canonical_form(raw: str, district: str) -> None:
    assert home_district(raw) == district


@pytest.mark.parametrize("raw", ["M5 4WT", "m54wt", "SW1A 1AA"])
def test_a_full_postcode_is_refused_not_trimmed(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        home_district(raw)
    assert caught.value.code == "full_postcode_not_allowed"


def test_something_that_is_no_district_at_all_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        home_district("Salford")


@pytest.mark.parametrize(("age", "ok"), [(0, True), (25, True), (26, False), (-1, False)])
def test_the_childs_age_runs_from_0_to_25(age: int, ok: bool) -> None:
    if ok:
        assert child(age=age).age == age
    else:
        with pytest.raises(RuleViolation):
            child(age=age)


# --- criteria ------------------------------------------------------------------------------------


def test_weights_must_add_up_to_100() -> None:
    with pytest.raises(RuleViolation) as caught:
        criteria(price_weight=Decimal(31))
    assert caught.value.code == "invalid_weights"


def test_a_quality_weight_needs_scored_questions_and_questions_need_a_weight() -> None:
    with pytest.raises(RuleViolation) as caught:
        criteria(questions=())
    assert caught.value.code == "quality_without_questions"
    with pytest.raises(RuleViolation) as caught:
        criteria(quality_weight=Decimal(0), price_weight=Decimal(80))
    assert caught.value.code == "questions_without_weight"


# --- deadline and sealing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "urgent", "profile", "code"),
    [
        (timedelta(days=10), None, "pcr2015_dps", None),
        (timedelta(days=10) - timedelta(seconds=1), None, "pcr2015_dps", "offer_period_too_short"),
        (timedelta(days=2), "child at risk tonight; all members agreed", "pcr2015_dps", None),
        (timedelta(hours=4), None, "light_touch", None),
        (timedelta(0), None, "light_touch", "deadline_in_past"),
    ],
)
def test_the_deadline_respects_the_minimum_period_unless_urgent(
    period: timedelta, urgent: str | None, profile: str, code: str | None
) -> None:
    minimum = 10 if profile == "pcr2015_dps" else None
    if code is None:
        check_deadline(NOW + period, NOW, profile_code=profile, min_offer_period_days=minimum, urgent_reason=urgent)
    else:
        with pytest.raises(RuleViolation) as caught:
            check_deadline(NOW + period, NOW, profile_code=profile, min_offer_period_days=minimum, urgent_reason=urgent)
        assert caught.value.code == code


def test_urgency_cannot_shorten_the_period_where_the_profile_does_not_allow_it() -> None:
    with pytest.raises(RuleViolation) as caught:
        check_deadline(
            NOW + timedelta(days=2), NOW, profile_code="pa2023_framework", min_offer_period_days=10, urgent_reason="x"
        )
    assert caught.value.code == "urgent_not_allowed"


@pytest.mark.parametrize(
    ("at", "open_", "is_sealed"),
    [
        (DEADLINE - timedelta(seconds=1), True, True),
        (DEADLINE - timedelta(microseconds=1), True, True),
        (DEADLINE, False, False),
        (DEADLINE + timedelta(seconds=1), False, False),
    ],
)
def test_offers_are_taken_before_the_deadline_and_unsealed_from_it(at: datetime, open_: bool, is_sealed: bool) -> None:
    assert offers_open(DEADLINE, at) is open_
    assert sealed(DEADLINE, at) is is_sealed
    if not open_:
        with pytest.raises(Conflict) as caught:
            require_offers_open(DEADLINE, at)
        assert caught.value.code == "deadline_passed"


# --- states ----------------------------------------------------------------------------------------


def test_a_call_off_walks_from_draft_to_concluded() -> None:
    published = call_off().publish(NOW, "pcr2015_dps", 10)
    assert published.status is CallOffStatus.PUBLISHED and published.published_at == NOW
    with pytest.raises(Conflict) as caught:
        published.close(DEADLINE - timedelta(seconds=1))
    assert caught.value.code == "deadline_not_reached"
    closed = published.close(DEADLINE)
    evaluated = closed.evaluated()
    standstill = DEADLINE + timedelta(days=12)
    awarded = evaluated.award(7, 7, None, DEADLINE + timedelta(days=1), standstill)
    assert awarded.awarded_offer_id == 7 and awarded.next_check_at() == standstill
    with pytest.raises(Conflict) as caught:
        awarded.conclude(standstill - timedelta(seconds=1))
    assert caught.value.code == "standstill_running"
    concluded = awarded.conclude(standstill)
    assert concluded.status is CallOffStatus.CONCLUDED and concluded.version == 6


def test_awarding_other_than_the_top_offer_needs_a_reason() -> None:
    evaluated = call_off(status=CallOffStatus.EVALUATED)
    with pytest.raises(RuleViolation) as caught:
        evaluated.award(8, 7, "  ", NOW, None)
    assert caught.value.code == "award_reason_required"
    assert evaluated.award(8, 7, "the child's sister lives there", NOW, None).award_reason == (
        "the child's sister lives there"
    )


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (CallOffStatus.DRAFT, lambda c: c.close(DEADLINE)),
        (CallOffStatus.PUBLISHED, lambda c: c.evaluated()),
        (CallOffStatus.CLOSED, lambda c: c.award(1, 1, None, NOW, None)),
        (CallOffStatus.CONCLUDED, lambda c: c.cancel("changed our mind")),
        (CallOffStatus.CANCELLED, lambda c: c.publish(NOW, "light_touch", None)),
    ],
)
def test_illegal_transitions_are_refused(status: CallOffStatus, move: object) -> None:
    with pytest.raises(IllegalTransition):
        move(call_off(status=status))  # type: ignore[operator]


def test_cancelling_needs_a_reason() -> None:
    with pytest.raises(RuleViolation):
        call_off().cancel(" ")
    assert call_off().cancel("child went home").status_reason == "child went home"


def test_standstill_is_8_uk_working_days_beginning_with_the_award_day() -> None:
    calendar = UnitedKingdomWorkingDays(Nation.ENGLAND)
    # Awarded Monday 30 Nov 2026 (St Andrew's Day: a Scottish bank holiday, so not a working day
    # under PA 2023 s.123): days 1-8 are 1-4 and 7-10 December; it ends at midnight after the 10th.
    ends = standstill_ends_at(datetime(2026, 11, 30, 15, 0, tzinfo=UTC), 8, calendar)
    assert ends is not None
    assert ends.isoformat() == "2026-12-11T00:00:00+00:00"
    # An award on Tuesday 1 Dec counts the award day itself: 1-4, 7-10 December.
    assert standstill_ends_at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 8, calendar) == ends
    assert standstill_ends_at(NOW, None, calendar) is None


# --- scoring -----------------------------------------------------------------------------------------


def test_total_is_quality_share_plus_price_plus_proximity() -> None:
    scored = score_offers(criteria(), [facts(1, 400_000, "3", 5, 5), facts(2, 500_000, "27.5", 3, 4)])
    first, second = scored
    # Offer 1: quality 100% x 50 = 50; cheapest = 30; within 5 miles = 20.
    assert (first.quality_score, first.price_score, first.proximity_score, first.total) == (
        Decimal("50.00"),
        Decimal("30.00"),
        Decimal("20.00"),
        Decimal("100.00"),
    )
    # Offer 2: quality (0.6 x 60 + 0.8 x 40) = 68% x 50 = 34; price 30 x 4/5 = 24; 27.5 miles = half of 20.
    assert second.quality_percent == Decimal("68.00")
    assert second.total == Decimal("34.00") + Decimal("24.00") + Decimal("10.00")
    assert [first.rank, second.rank] == [1, 2]


def test_ties_go_to_quality_then_the_lower_fee_then_distance_then_the_earlier_offer() -> None:
    # Same total: offer 1 has more quality, offer 2 more price.
    c = criteria(questions=(QualityQuestion(1, "q", CriterionKind.SCORED, 10, Decimal(1)),), quality_weight=Decimal(50),
                 price_weight=Decimal(50), proximity_weight=Decimal(0))  # fmt: skip
    tied = score_offers(c, [facts(1, 100_000, "1", 5), facts(2, 100_000, "1", 5, minute=-1)])
    assert [s.rank for s in tied] == [2, 1]  # identical but offer 2 came first
    nearer = score_offers(c, [facts(1, 100_000, "9", 5), facts(2, 100_000, "1", 5)])
    assert [s.rank for s in nearer] == [2, 1]


def test_an_offer_failing_a_gateway_question_is_not_ranked_and_does_not_set_the_lowest_fee() -> None:
    c = criteria(
        questions=(
            QualityQuestion(1, "q", CriterionKind.SCORED, 5, Decimal(1)),
            QualityQuestion(2, "Has a bed for a sibling", CriterionKind.PASS_FAIL, 0, Decimal(0)),
        )
    )
    cheap_but_failing = OfferFacts(
        1, 100_000, Decimal(1), NOW, {1: Mark(1, 5, None, "r"), 2: Mark(2, None, False, "no")}
    )
    passing = OfferFacts(2, 200_000, Decimal(1), NOW, {1: Mark(1, 5, None, "r"), 2: Mark(2, None, True, "yes")})
    failed, ok = score_offers(c, [cheap_but_failing, passing])
    assert failed.failed_gateways == (2,) and failed.rank is None
    assert ok.price_score == Decimal("30.00") and ok.rank == 1


def test_evaluators_who_agree_need_no_moderation_but_a_disagreement_does() -> None:
    c = criteria()
    agreeing = {10: [Mark(1, 4, None, "a"), Mark(2, 3, None, "b")], 11: [Mark(1, 5, None, "c"), Mark(2, 3, None, "d")]}
    result = moderated_marks(c, agreeing, {})
    assert result[1].score == 5 and result[1].rationale == "consensus of 2 evaluators"  # median of 4,5 rounds up
    apart = {10: [Mark(1, 1, None, "a"), Mark(2, 3, None, "b")], 11: [Mark(1, 5, None, "c"), Mark(2, 3, None, "d")]}
    with pytest.raises(Conflict) as caught:
        moderated_marks(c, apart, {})
    assert caught.value.code == "moderation_required"
    assert moderated_marks(c, apart, {1: Mark(1, 3, None, "agreed at panel")})[1].score == 3


# --- placements --------------------------------------------------------------------------------------


def placement() -> Placement:
    return Placement(1, 1, None, 1, 2, 3, "M5", date(2026, 12, 7), 450_000, Decimal("4.20"), False, False,
                     None, None, None, None, 1)  # fmt: skip


@pytest.mark.parametrize(
    ("miles", "setting_la", "out_of_area", "far"),
    [("20.00", "E08000001", False, False), ("20.004", "E08000001", False, False), ("20.005", "E08000006", True, True),
     ("3", None, True, False)],
)  # fmt: skip
def test_placement_flags(miles: str, setting_la: str | None, out_of_area: bool, far: bool) -> None:
    _, out, over = placement_flags(Decimal(miles), setting_la, "E08000001")
    assert (out, over) == (out_of_area, far)


def test_an_unplanned_ending_needs_a_reason_code_and_a_placement_ends_once() -> None:
    with pytest.raises(RuleViolation) as caught:
        placement().end(date(2027, 1, 1), EndingKind.UNPLANNED, None, None)
    assert caught.value.code == "ending_reason_required"
    ended = placement().end(date(2027, 1, 1), EndingKind.UNPLANNED, UnplannedReason.PLACEMENT_BREAKDOWN, "n")
    assert not ended.is_live(date(2027, 1, 1)) and ended.is_live(date(2026, 12, 31))
    with pytest.raises(Conflict):
        ended.end(date(2027, 1, 2), EndingKind.PLANNED, None, None)
    with pytest.raises(RuleViolation) as caught:
        placement().end(date(2026, 12, 6), EndingKind.PLANNED, None, None)
    assert caught.value.code == "end_before_start"


BANDS = (AgeBand("8-12", 8, 12), AgeBand("13-17", 13, 17))


@pytest.mark.parametrize(
    ("age", "need_level", "levels", "expected"),
    [
        (8, "complex", ("standard", "complex"), FeeBand("8-12", "complex")),
        (12, "standard", ("standard", "complex"), FeeBand("8-12", "standard")),
        (13, "complex", ("standard", "complex"), FeeBand("13-17", "complex")),
        (17, None, ("standard",), FeeBand("13-17", "standard")),  # the lot's only need level
        (17, None, ("standard", "complex"), None),  # no need level to choose
        (7, "standard", ("standard",), None),  # younger than every band
        (18, "standard", ("standard",), None),
    ],
)
def test_the_fee_is_recorded_against_the_lots_band_for_the_child(
    age: int, need_level: str | None, levels: tuple[str, ...], expected: FeeBand | None
) -> None:
    assert fee_band(BANDS, levels, age, need_level) == expected


def test_a_lot_without_age_bands_has_no_band_to_record_against() -> None:
    assert fee_band((), ("standard",), 12, "standard") is None


def test_offers_sharing_marks_and_fees_score_alike_and_rank_by_distance() -> None:
    c = criteria()
    many = [facts(n, 400_000 + (n % 3) * 10_000, str(n), 4, 3) for n in range(1, 31)]
    scored = {s.offer_id: s for s in score_offers(c, many)}
    assert {s.quality_score for s in scored.values()} == {scored[1].quality_score}
    assert scored[3].price_score == scored[6].price_score == Decimal("30.00")
    # Equal fee and quality: the nearer offer ranks first.
    assert scored[3].rank is not None and scored[6].rank is not None and scored[3].rank < scored[6].rank


# --- the price-only second round ----------------------------------------------------------------------

ROUND_END = DEADLINE + timedelta(days=2)


def test_a_second_round_follows_evaluation_once_and_needs_two_offers_and_a_future_deadline() -> None:
    evaluated = call_off(status=CallOffStatus.EVALUATED)
    after = DEADLINE + timedelta(hours=1)
    started = evaluated.start_second_round(3, ROUND_END, after)
    assert (started.second_round_size, started.second_round_deadline, started.version) == (3, ROUND_END, 2)
    with pytest.raises(Conflict) as caught:
        started.start_second_round(3, ROUND_END, after)
    assert caught.value.code == "second_round_exists"
    with pytest.raises(Conflict) as caught:
        call_off(status=CallOffStatus.CLOSED).start_second_round(3, ROUND_END, after)
    assert caught.value.code == "not_evaluated"
    with pytest.raises(RuleViolation) as caught:
        evaluated.start_second_round(1, ROUND_END, after)
    assert caught.value.code == "second_round_too_small"
    with pytest.raises(RuleViolation) as caught:
        evaluated.start_second_round(2, after, after)
    assert caught.value.code == "deadline_in_past"


@pytest.mark.parametrize(
    ("at", "open_"),
    [(ROUND_END - timedelta(seconds=1), True), (ROUND_END, False), (ROUND_END + timedelta(seconds=1), False)],
)
def test_second_round_fees_are_taken_until_its_deadline_and_scored_from_it(at: datetime, open_: bool) -> None:
    started = call_off(status=CallOffStatus.EVALUATED, second_round_size=2, second_round_deadline=ROUND_END)
    assert started.second_round_open(at) is open_
    if open_:
        started.require_second_round_open(at)
        with pytest.raises(Conflict) as caught:
            started.second_round_scored(at)
        assert caught.value.code == "deadline_not_reached"
    else:
        with pytest.raises(Conflict) as caught:
            started.require_second_round_open(at)
        assert caught.value.code == "deadline_passed"
        assert started.second_round_scored(at).second_round_scored_at == at


def test_the_award_waits_for_the_second_round_to_be_scored() -> None:
    started = call_off(status=CallOffStatus.EVALUATED, second_round_size=2, second_round_deadline=ROUND_END)
    with pytest.raises(Conflict) as caught:
        started.award(1, 1, None, ROUND_END, None)
    assert caught.value.code == "second_round_not_scored"
    scored = started.second_round_scored(ROUND_END)
    assert scored.award(1, 1, None, ROUND_END, None).status is CallOffStatus.AWARDED


def first_offer(fee: int = 400_000) -> Offer:
    content = OfferContent(1, fee, (), date(2026, 12, 14), (Answer(1, "a"), Answer(2, "b")), "")
    return Offer(1, 1, 1, content, (), OfferStatus.SUBMITTED, NOW, NOW, 1)


@pytest.mark.parametrize(("fee", "ok"), [(400_000, True), (399_999, True), (1, True), (400_001, False), (0, False)])
def test_a_revised_fee_is_never_higher_than_the_first(fee: int, ok: bool) -> None:
    if ok:
        revised = first_offer().revise_fee(fee, NOW)
        assert (revised.agreed_fee_pence, revised.content.weekly_fee_pence) == (fee, 400_000)
    else:
        with pytest.raises(RuleViolation) as caught:
            first_offer().revise_fee(fee, NOW)
        assert caught.value.code == "revised_fee_not_lower"
    assert first_offer().agreed_fee_pence == 400_000
