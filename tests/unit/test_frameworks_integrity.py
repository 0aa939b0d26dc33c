"""Issue 12 rules at their boundaries: per-lot results, thresholds that apply only to scored
questionnaires, unreachable pass marks, locked criteria, questionnaire versions, sealed drafts,
overlapping age bands and pass/fail answers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from dps.core.errors import Conflict, RuleViolation
from dps.core.evaluation import Criterion, CriterionKind, Mark, marks_visible, result
from dps.frameworks.domain.applications import Application, ApplicationStatus, lot_results
from dps.frameworks.domain.arrangements import (
    AgeBand,
    ArrangementStatus,
    Lot,
    PublishingCheck,
    check_lot_bands,
    check_questionnaire_editable,
    unreachable_lots,
)
from dps.frameworks.domain.questionnaires import (
    Answer,
    Question,
    QuestionKind,
    check_answer,
    criteria_for_lot,
    threshold_applies,
)
from tests.support.frameworks_domain import arrangement

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIXTY = Decimal("60.00")


def question(qid: int, kind: QuestionKind, lots: frozenset[int] = frozenset(), **kw: Any) -> Question:
    scored = kind is QuestionKind.SCORED
    base: dict[str, Any] = {
        "id": qid,
        "arrangement_id": 1,
        "section": "A",
        "position": qid,
        "text": "Q",
        "kind": kind,
        "mandatory": True,
        "max_score": 5 if scored else 0,
        "weight": Decimal(50) if scored else Decimal(0),
        "descriptors": (),
        "choices": (),
        "evidence_type": None,
        "lot_ids": lots,
    }
    base.update(kw)
    return Question(**base)


def lot(lot_id: int, threshold: Decimal | None = None) -> Lot:
    return Lot(lot_id, 1, f"L{lot_id}", "Lot", "", (), (), (), quality_threshold=threshold)


# --- per-lot results --------------------------------------------------------------------------

COMMON = question(1, QuestionKind.SCORED)
B_ONLY = question(2, QuestionKind.SCORED, frozenset({20}))
GATE = question(3, QuestionKind.PASS_FAIL)
INFO = question(4, QuestionKind.TEXT)


def test_a_lot_counts_only_the_questions_that_apply_to_it() -> None:
    questions = [COMMON, B_ONLY, GATE, INFO]
    assert [c.id for c in criteria_for_lot(questions, 10)] == [1, 3]
    assert [c.id for c in criteria_for_lot(questions, 20)] == [1, 2, 3]


def test_each_lot_is_compared_with_its_own_total_and_pass_mark() -> None:
    questions = [COMMON, B_ONLY, GATE]
    moderated = {1: Mark(1, 4, None, "r"), 2: Mark(2, 1, None, "r"), 3: Mark(3, None, True, "r")}
    by_lot = {lot_id: criteria_for_lot(questions, lot_id) for lot_id in (10, 20)}
    a, b = lot_results(by_lot, moderated, {10: SIXTY, 20: SIXTY}, threshold_applies=True)
    assert (a.lot_id, a.result.weighted_total, a.result.meets_threshold) == (10, Decimal("80.00"), True)
    assert (b.lot_id, b.result.weighted_total, b.result.meets_threshold) == (20, Decimal("50.00"), False)
    # at lot B's own pass mark of 50.00 it is met; one hundredth above, not
    assert lot_results(by_lot, moderated, {10: SIXTY, 20: Decimal("50.00")}, True)[1].result.meets_threshold
    assert not lot_results(by_lot, moderated, {10: SIXTY, 20: Decimal("50.01")}, True)[1].result.meets_threshold


# --- the threshold applies to scored questionnaires only -------------------------------------


def test_the_threshold_applies_only_when_some_question_is_scored() -> None:
    assert threshold_applies([GATE, INFO]) is False
    assert threshold_applies([GATE, COMMON]) is True
    assert threshold_applies([]) is False


def test_without_a_threshold_passing_every_gateway_admits_and_one_failure_refuses() -> None:
    gateways = [Criterion(1, CriterionKind.PASS_FAIL), Criterion(2, CriterionKind.PASS_FAIL)]
    passed = {1: Mark(1, None, True, "r"), 2: Mark(2, None, True, "r")}
    assert result(gateways, passed, SIXTY, threshold_applies=False).meets_threshold is True
    assert result(gateways, passed, SIXTY).meets_threshold is False  # the old behaviour, for scored ones
    one_failed = {**passed, 2: Mark(2, None, False, "r")}
    outcome = result(gateways, one_failed, SIXTY, threshold_applies=False)
    assert (outcome.meets_threshold, outcome.failed_gateways) == (False, (2,))


def test_a_pass_mark_no_scored_question_of_the_lot_can_reach_is_unreachable() -> None:
    lots = [lot(10), lot(20)]
    assert [x.id for x in unreachable_lots(lots, SIXTY, frozenset({20}), threshold_applies=True)] == [10]
    # a pass mark of 0 on that lot admits on its gateways alone
    assert unreachable_lots([lot(10, Decimal(0)), lot(20)], SIXTY, frozenset({20}), True) == []
    assert [x.id for x in unreachable_lots([lot(10, Decimal("0.01"))], SIXTY, frozenset(), True)] == [10]
    # a pass/fail questionnaire has no pass mark to reach
    assert unreachable_lots(lots, SIXTY, frozenset(), threshold_applies=False) == []


# --- locked criteria and versions ------------------------------------------------------------


def test_criteria_lock_once_an_application_is_submitted_under_the_current_version() -> None:
    check_questionnaire_editable(arrangement(ArrangementStatus.OPEN), submitted_under_current=False)
    with pytest.raises(Conflict) as caught:
        check_questionnaire_editable(arrangement(ArrangementStatus.OPEN), submitted_under_current=True)
    assert caught.value.code == "conditions_locked"


def test_a_question_belongs_to_its_versions_only() -> None:
    replaced = question(1, QuestionKind.SCORED, from_version=1, until_version=1)
    new = question(2, QuestionKind.SCORED, from_version=2)
    assert (replaced.in_version(1), replaced.in_version(2)) == (True, False)
    assert (new.in_version(1), new.in_version(2), new.in_version(3)) == (False, True, True)
    withdrawn_before_use = question(3, QuestionKind.SCORED, from_version=2, until_version=1)
    assert not any(withdrawn_before_use.in_version(v) for v in (1, 2, 3))


def test_a_new_version_moves_the_arrangement_on_by_one() -> None:
    a = arrangement(ArrangementStatus.OPEN)
    after = a.new_questionnaire_version()
    assert (after.questionnaire_version, after.version) == (a.questionnaire_version + 1, a.version + 1)


def test_submission_fixes_the_version_and_the_pass_marks_of_the_lots_chosen() -> None:
    draft = Application(1, 1, 7, ApplicationStatus.DRAFT, frozenset({10}), None, None, None, None, 1)
    submitted = draft.submit(AT, None, 3, {10: Decimal("55.00"), 20: SIXTY})
    assert submitted.questionnaire_version == 3
    assert submitted.thresholds == ((10, Decimal("55.00")),)
    assert submitted.threshold_of(10, SIXTY) == Decimal("55.00")
    assert submitted.threshold_of(20, SIXTY) == SIXTY


def test_a_waiver_needs_a_reason_and_a_draft() -> None:
    waived = arrangement().waive(PublishingCheck.COMPLIANCE_REQUIREMENTS, "checked by the region", AT, 5)
    assert waived.waived(PublishingCheck.COMPLIANCE_REQUIREMENTS)
    assert not waived.waived(PublishingCheck.QUESTIONNAIRE)
    with pytest.raises(RuleViolation):
        arrangement().waive(PublishingCheck.QUESTIONNAIRE, " ", AT, 5)
    with pytest.raises(Conflict):
        arrangement(ArrangementStatus.OPEN).waive(PublishingCheck.QUESTIONNAIRE, "reason", AT, 5)


# --- sealed drafts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "owner", "submitted", "moderator", "visible"),
    [
        (1, 1, set(), False, True),  # one's own draft
        (1, 2, {1}, False, False),  # a colleague's draft, though the viewer submitted
        (9, 2, {1}, True, False),  # the moderator never sees a draft
        (9, 2, {2}, True, True),  # the moderator sees submitted marks
        (1, 2, {2}, False, False),  # a colleague's submitted marks, before one's own
        (1, 2, {1, 2}, False, True),  # both submitted
    ],
)
def test_marks_are_visible_to_others_only_once_submitted(
    viewer: int, owner: int, submitted: set[int], moderator: bool, visible: bool
) -> None:
    assert marks_visible(viewer, owner, submitted, moderator=moderator) is visible


# --- age bands ---------------------------------------------------------------------------------


def test_age_bands_that_share_a_year_overlap_and_adjacent_ones_do_not() -> None:
    check_lot_bands((AgeBand("8-12", 8, 12), AgeBand("13-17", 13, 17)), ("standard",))
    with pytest.raises(RuleViolation) as caught:
        check_lot_bands((AgeBand("13-17", 13, 17), AgeBand("8-13", 8, 13)), ("standard",))
    assert caught.value.code == "age_bands_overlap"
    assert caught.value.extra["age_bands"] == ["8-13", "13-17"]
    with pytest.raises(RuleViolation):
        check_lot_bands((AgeBand("all", 0, 17), AgeBand("teen", 13, 15)), ("standard",))


# --- pass/fail answers -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, "yes: policy reviewed March 2026"])
def test_a_pass_fail_answer_is_a_boolean_or_a_text(value: object) -> None:
    check_answer(GATE, Answer(3, value, None))


@pytest.mark.parametrize(("q", "value", "expected"), [(GATE, 1, "true or false"), (INFO, True, "a text")])
def test_a_wrong_shape_names_the_expected_one(q: Question, value: object, expected: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_answer(q, Answer(q.id, value, None))
    assert caught.value.code == "invalid_answer"
    assert str(caught.value.extra["expected"]).startswith(expected)


# --- publishing checks -------------------------------------------------------------------------


def readiness(priced: frozenset[int], questions: int = 1, requirements: int = 1) -> Any:
    from dps.frameworks.domain.arrangements import Readiness

    return Readiness((lot(10), lot(20)), priced, questions, requirements)


def test_publishing_lists_every_gap_and_none_when_complete() -> None:
    from dps.frameworks.domain.arrangements import publishing_gaps

    draft = arrangement()
    assert publishing_gaps(draft, readiness(frozenset({10, 20}))) == []
    gaps = publishing_gaps(draft, readiness(frozenset({10}), questions=0, requirements=0))
    assert [(g["check"], g.get("lot_ids")) for g in gaps] == [
        ("price_bands", [20]),
        ("questionnaire", None),
        ("compliance_requirements", None),
    ]


def test_a_waived_check_is_not_a_gap_and_a_withdrawn_lot_needs_no_prices() -> None:
    from dataclasses import replace

    from dps.frameworks.domain.arrangements import Readiness, publishing_gaps

    waived = arrangement().waive(PublishingCheck.COMPLIANCE_REQUIREMENTS, "done by the region", AT, 5)
    assert publishing_gaps(waived, readiness(frozenset({10, 20}), requirements=0)) == []
    withdrawn = replace(lot(20), withdrawn_at=AT, withdrawn_reason="no demand")
    assert publishing_gaps(arrangement(), Readiness((lot(10), withdrawn), frozenset({10}), 1, 1)) == []


def test_a_lot_is_withdrawn_once_with_a_reason() -> None:
    withdrawn = lot(10).withdraw(" no demand ", AT)
    assert (withdrawn.withdrawn, withdrawn.withdrawn_reason) == (True, "no demand")
    with pytest.raises(Conflict):
        withdrawn.withdraw("again", AT)
    with pytest.raises(RuleViolation):
        lot(10).withdraw(" ", AT)
