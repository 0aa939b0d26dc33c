"""The call-off's rules, each once, as verbs of `CallOff`: taking offers, marking, the deadline as
reads see it, and the standstill before it concludes (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dps.core.errors import Conflict
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, ChildProfile, Criteria, PlacementType, Sex
from dps.tenders.domain.clarifications import Clarification, require_questions_open
from dps.tenders.domain.deadlines import CallOffStep, call_off_step

DEADLINE = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
# A price-only call-off: the rules here read neither the child nor the questions.
CHILD = ChildProfile(12, Sex.FEMALE, frozenset(), None, "M5", "", "", PlacementType.LONG_TERM, 0, False,
                     date(2026, 12, 7), None)  # fmt: skip
PRICE_ONLY = Criteria(None, (), (), Decimal(0), Decimal(100), Decimal(0))


def call_off(status: CallOffStatus, **changes: object) -> CallOff:
    values: dict[str, object] = {"awarded_offer_id": None, "standstill_ends_at": None, **changes}
    return CallOff(1, 1, 1, 1, 1, "Girl, 12", CHILD, PRICE_ONLY, DEADLINE, None, status, None, None, None,
                   values["awarded_offer_id"], None, None, values["standstill_ends_at"], None, 1)  # type: ignore[arg-type]  # fmt: skip


JUST_BEFORE = DEADLINE - timedelta(microseconds=1)
STANDSTILL_END = DEADLINE + timedelta(days=12)


@pytest.mark.parametrize(
    ("at", "taking"), [(JUST_BEFORE, True), (DEADLINE, False), (DEADLINE + timedelta(days=1), False)]
)
def test_a_published_call_off_takes_offers_until_its_deadline(at: datetime, taking: bool) -> None:
    """PCR 2015 reg 34: offers are taken before the time limit for receipt, never at or after it."""
    published = call_off(status=CallOffStatus.PUBLISHED)
    assert published.taking_offers(at) is taking
    assert published.past_deadline(at) is not taking
    if taking:
        published.require_taking_offers(at)
    else:
        with pytest.raises(Conflict) as caught:
            published.require_taking_offers(at)
        assert caught.value.code == "deadline_passed"


@pytest.mark.parametrize("status", [s for s in CallOffStatus if s is not CallOffStatus.PUBLISHED])
def test_only_a_published_call_off_takes_offers_whatever_the_time(status: CallOffStatus) -> None:
    c = call_off(status=status)
    assert not c.taking_offers(JUST_BEFORE)
    with pytest.raises(Conflict) as caught:
        c.require_taking_offers(JUST_BEFORE)
    assert caught.value.code == "deadline_passed"


def test_a_draft_is_never_past_its_deadline_and_others_are_from_it() -> None:
    """A read shows "past its deadline" from the deadline itself, whatever the stored status; a
    draft runs no competition yet."""
    assert not call_off(status=CallOffStatus.DRAFT).past_deadline(DEADLINE + timedelta(days=30))
    assert not call_off(status=CallOffStatus.PUBLISHED).past_deadline(JUST_BEFORE)
    assert call_off(status=CallOffStatus.PUBLISHED).past_deadline(DEADLINE)
    assert call_off(status=CallOffStatus.CLOSED).past_deadline(DEADLINE)


@pytest.mark.parametrize(("status", "markable"), [(s, s is CallOffStatus.CLOSED) for s in CallOffStatus])
def test_offers_are_marked_only_while_the_call_off_is_closed(status: CallOffStatus, markable: bool) -> None:
    c = call_off(status=status)
    if markable:
        c.require_markable()
    else:
        with pytest.raises(Conflict) as caught:
            c.require_markable()
        assert caught.value.code == "not_in_evaluation"


@pytest.mark.parametrize(
    ("at", "due"),
    [
        (STANDSTILL_END - timedelta(microseconds=1), False),
        (STANDSTILL_END, True),
        (STANDSTILL_END + timedelta(days=1), True),
    ],
)
def test_an_awarded_call_off_concludes_when_the_standstill_ends(at: datetime, due: bool) -> None:
    """Procurement Act 2023 s.51: the contract is entered into once the standstill has ended; the
    scheduler's step and the verb read the same rule."""
    awarded = call_off(status=CallOffStatus.AWARDED, awarded_offer_id=7, standstill_ends_at=STANDSTILL_END)
    assert awarded.due_to_conclude(at) is due
    assert (call_off_step(awarded, at) is CallOffStep.CONCLUDE) is due
    if due:
        assert awarded.conclude(at).status is CallOffStatus.CONCLUDED
    else:
        with pytest.raises(Conflict) as caught:
            awarded.conclude(at)
        assert caught.value.code == "standstill_running"


def test_without_a_standstill_an_award_concludes_at_once() -> None:
    awarded = call_off(status=CallOffStatus.AWARDED, awarded_offer_id=7, standstill_ends_at=None)
    assert awarded.due_to_conclude(DEADLINE)
    assert call_off_step(awarded, DEADLINE) is CallOffStep.CONCLUDE


@pytest.mark.parametrize("status", [s for s in CallOffStatus if s is not CallOffStatus.AWARDED])
def test_only_an_awarded_call_off_is_due_to_conclude(status: CallOffStatus) -> None:
    assert not call_off(status=status, standstill_ends_at=None).due_to_conclude(STANDSTILL_END)


def test_the_sweep_closes_a_published_call_off_from_its_deadline() -> None:
    published = call_off(status=CallOffStatus.PUBLISHED)
    assert call_off_step(published, JUST_BEFORE) is None
    assert call_off_step(published, DEADLINE) is CallOffStep.CLOSE


@pytest.mark.parametrize(
    ("status", "at", "open_"),
    [
        (CallOffStatus.PUBLISHED, JUST_BEFORE, True),
        (CallOffStatus.PUBLISHED, DEADLINE, False),
        (CallOffStatus.CLOSED, JUST_BEFORE, False),
    ],
)
def test_clarification_questions_are_taken_while_offers_are(status: CallOffStatus, at: datetime, open_: bool) -> None:
    """PCR 2015 reg 18(1): an answer must reach every invited provider before offers close."""
    if open_:
        require_questions_open(call_off(status), at)
    else:
        with pytest.raises(Conflict) as caught:
            require_questions_open(call_off(status), at)
        assert caught.value.code == "deadline_passed"


def test_a_clarification_is_answered_once() -> None:
    asked = Clarification(1, 1, 7, "Is a sibling visiting?", JUST_BEFORE, None, None)
    answered = asked.answered("  Monthly, supervised. ", DEADLINE)
    assert (answered.answer, answered.answered_at, answered.provider_id) == ("Monthly, supervised.", DEADLINE, 7)
    with pytest.raises(Conflict) as caught:
        answered.answered("Weekly.", DEADLINE)
    assert caught.value.code == "already_answered"
