"""The order a questionnaire reads in (dps.frameworks.domain.questionnaires.questionnaire_order):
each section where its first question stands, never alphabetical; a section's questions by
position; evaluation criteria and missing answers in that order too."""

from __future__ import annotations

from decimal import Decimal

from dps.frameworks.domain.questionnaires import (
    Question,
    QuestionKind,
    criteria_for_lot,
    missing_items,
    questionnaire_order,
)


def _q(qid: int, section: str, position: int, kind: QuestionKind = QuestionKind.TEXT) -> Question:
    scored = kind is QuestionKind.SCORED
    return Question(
        qid, 1, section, position, f"question {qid}", kind, True, 5 if scored else 0,
        Decimal(50) if scored else Decimal(0), (), (), None, frozenset(),
    )  # fmt: skip


def _order(questions: list[Question]) -> list[int]:
    return [q.id for q in questionnaire_order(questions)]


def test_sections_come_in_the_order_built_not_alphabetically() -> None:
    # Given Safeguarding built before Quality ("Q" sorts before "S")
    questions = [_q(1, "Safeguarding", 1), _q(2, "Safeguarding", 2), _q(3, "Quality", 3), _q(4, "Quality", 4)]
    # Then Safeguarding's questions come first, whatever order the rows arrive in
    assert _order(questions) == [1, 2, 3, 4]
    assert _order(list(reversed(questions))) == [1, 2, 3, 4]


def test_a_question_added_later_to_an_earlier_section_joins_that_section() -> None:
    questions = [_q(1, "Safeguarding", 1), _q(2, "Quality", 2), _q(3, "Safeguarding", 3)]
    assert _order(questions) == [1, 3, 2]


def test_positions_counted_again_per_section_keep_sections_together_in_the_order_added() -> None:
    # Both sections start at position 1: the one whose first question was added first leads.
    questions = [_q(3, "Quality", 1), _q(4, "Quality", 2), _q(1, "Safeguarding", 1), _q(2, "Safeguarding", 2)]
    assert _order(questions) == [1, 2, 3, 4]


def test_within_a_section_position_decides_then_the_question_added_first() -> None:
    questions = [_q(5, "Quality", 7), _q(2, "Quality", 3), _q(9, "Quality", 3)]
    assert _order(questions) == [2, 9, 5]


def test_criteria_and_missing_answers_follow_the_questionnaire_order() -> None:
    questions = [
        _q(3, "Quality", 2, QuestionKind.SCORED),
        _q(1, "Safeguarding", 1, QuestionKind.PASS_FAIL),
        _q(2, "Safeguarding", 3, QuestionKind.SCORED),
    ]
    assert [c.id for c in criteria_for_lot(questions, 10)] == [1, 2, 3]
    assert [m.question_id for m in missing_items(questions, {}, frozenset({10}), {})] == [1, 2, 3]
