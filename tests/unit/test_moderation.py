"""`check_moderation`: the one rule for a moderator's marks, on applications and offers alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dps.core.errors import RuleViolation
from dps.core.evaluation import Criterion, CriterionKind, Mark, check_moderation

GATEWAY = Criterion(1, CriterionKind.PASS_FAIL)
QUALITY = Criterion(2, CriterionKind.SCORED, max_score=5, weight=Decimal(60))
CRITERIA = (GATEWAY, QUALITY)


def refused(code: str) -> pytest.RaisesExc[RuleViolation]:
    return pytest.raises(RuleViolation, check=lambda error: error.code == code)


def test_some_criteria_may_be_moderated_and_come_back_by_id() -> None:
    mark = Mark(2, 5, None, "both evaluators under-read the plan")
    assert check_moderation(CRITERIA, [mark]) == {2: mark}
    assert check_moderation(CRITERIA, []) == {}


@pytest.mark.parametrize(("score", "ok"), [(0, True), (5, True), (6, False), (-1, False)])
def test_a_moderated_score_stays_within_the_criterions_range(score: int, ok: bool) -> None:
    marks = [Mark(2, score, None, "agreed at the meeting")]
    if ok:
        check_moderation(CRITERIA, marks)
    else:
        with refused("score_out_of_range"):
            check_moderation(CRITERIA, marks)


def test_a_moderated_mark_is_for_a_criterion_being_evaluated_once() -> None:
    with refused("unknown_criterion"):
        check_moderation(CRITERIA, [Mark(3, 1, None, "no such question")])
    with refused("duplicate_mark"):
        check_moderation(CRITERIA, [Mark(1, None, True, "seen"), Mark(1, None, False, "not seen")])
