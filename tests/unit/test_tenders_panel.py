"""A call-off's evaluation panel: completion, the minimum, release, and whose marks one may see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dps.core.errors import Conflict, IllegalTransition, RuleViolation
from dps.tenders.domain.call_offs import CallOffStatus
from dps.tenders.domain.panel import (
    PanelMember,
    marks_visible,
    min_evaluators,
    progress,
    require_complete,
    require_on_panel,
)
from tests.support.tenders_domain import call_off

AT = datetime(2026, 12, 4, 10, tzinfo=UTC)
OFFERS = (11, 12)


def member(evaluator_id: int, released: bool = False) -> PanelMember:
    m = PanelMember(evaluator_id, assigned_by=99, assigned_at=AT)
    return m.release("conflict of interest found", 99, AT) if released else m


def test_an_evaluator_who_marked_every_offer_has_submitted_one_who_marked_some_has_not() -> None:
    state = progress([member(1), member(2), member(3, released=True)], {1: {11, 12}, 2: {11}, 3: {11, 12}}, OFFERS)
    assert (state.submitted, state.marking, state.released) == ({1}, {2}, {3})


def test_evaluation_is_incomplete_while_any_assigned_evaluator_is_still_marking() -> None:
    state = progress([member(1), member(2)], {1: {11, 12}}, OFFERS)
    with pytest.raises(Conflict) as refused:
        require_complete(state, minimum=1)
    assert refused.value.code == "evaluation_incomplete" and refused.value.extra["evaluator_ids"] == [2]


def test_a_released_evaluator_no_longer_holds_up_the_evaluation() -> None:
    state = progress([member(1), member(2, released=True)], {1: {11, 12}}, OFFERS)
    require_complete(state, minimum=1)


@pytest.mark.parametrize(("submitted", "minimum", "complete"), [(1, 2, False), (2, 2, True), (2, 3, False)])
def test_the_minimum_panel_counts_submitted_evaluators(submitted: int, minimum: int, complete: bool) -> None:
    members = [member(n) for n in range(1, submitted + 1)] + [member(9, released=True)]
    state = progress(members, {n: set(OFFERS) for n in range(1, 10)}, OFFERS)
    if complete:
        require_complete(state, minimum)
    else:
        with pytest.raises(Conflict) as refused:
            require_complete(state, minimum)
        assert refused.value.code == "too_few_evaluators"


def test_the_profile_sets_the_minimum_and_a_call_off_may_ask_for_more_never_fewer() -> None:
    assert min_evaluators("pcr2015_dps", None) == 1
    assert min_evaluators("pa2023_dynamic_market", None) == 2
    assert min_evaluators("pa2023_dynamic_market", 1) == 2
    assert min_evaluators("pcr2015_dps", 3) == 3


def test_release_needs_a_reason_and_happens_once() -> None:
    with pytest.raises(RuleViolation) as no_reason:
        member(1).release("  ", 99, AT)
    assert no_reason.value.code == "reason_required"
    with pytest.raises(Conflict) as twice:
        member(1, released=True).release("again", 99, AT)
    assert twice.value.code == "evaluator_released"


def test_only_an_active_panel_member_marks() -> None:
    panel = [member(1), member(2, released=True)]
    require_on_panel(panel, 1)
    for evaluator_id, code in ((2, "evaluator_released"), (3, "not_on_panel")):
        with pytest.raises(Conflict) as refused:
            require_on_panel(panel, evaluator_id)
        assert refused.value.code == code


@pytest.mark.parametrize(
    ("owner", "viewer", "submitted", "moderator", "visible"),
    [
        (1, 1, set(), False, True),  # one's own marks, always
        (1, 2, set(), False, False),  # the owner has not submitted
        (1, 2, {1}, False, False),  # the viewer has not submitted: no anchoring
        (1, 2, {2}, False, False),  # the viewer submitted, the owner has not
        (1, 2, {1, 2}, False, True),  # both submitted
        (1, 5, set(), True, False),  # the moderator: not before the owner submits
        (1, 5, {1}, True, True),  # the moderator, once the owner submitted
    ],
)
def test_another_evaluators_marks_are_seen_only_once_both_have_submitted(
    owner: int, viewer: int, submitted: set[int], moderator: bool, visible: bool
) -> None:
    assert marks_visible(owner, viewer, submitted=submitted, moderator=moderator) is visible


def test_an_evaluation_reopens_with_a_reason_before_the_award_only() -> None:
    evaluated = call_off(status=CallOffStatus.EVALUATED)
    reopened = evaluated.reopen_evaluation("evaluator 2's marks were entered against the wrong offer")
    assert reopened.status is CallOffStatus.CLOSED and reopened.version == evaluated.version + 1
    with pytest.raises(RuleViolation):
        evaluated.reopen_evaluation(" ")
    with pytest.raises(IllegalTransition):
        call_off(status=CallOffStatus.AWARDED).reopen_evaluation("too late")
    with pytest.raises(Conflict) as second_round:
        call_off(status=CallOffStatus.EVALUATED, second_round_size=2).reopen_evaluation("x")
    assert second_round.value.code == "second_round_exists"


def test_a_closed_call_off_cannot_be_closed_again() -> None:
    with pytest.raises(IllegalTransition):
        call_off(status=CallOffStatus.EVALUATED).close(AT)
