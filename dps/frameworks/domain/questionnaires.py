"""Questionnaires: the questions a provider answers to join, and checking its answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from dps.core.errors import RuleViolation
from dps.core.evaluation import Criterion, CriterionKind
from dps.frameworks.codes import FrameworkCode


class QuestionKind(StrEnum):
    PASS_FAIL = "pass_fail"  # noqa: S105 - a question kind, not a secret
    SCORED = "scored"
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    EVIDENCE = "evidence"


EVALUATED_KINDS = {QuestionKind.PASS_FAIL: CriterionKind.PASS_FAIL, QuestionKind.SCORED: CriterionKind.SCORED}


@dataclass(frozen=True, slots=True)
class Descriptor:
    """What a score means, e.g. 3 = 'good: meets the requirement with some evidence'."""

    score: int
    meaning: str


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    arrangement_id: int
    section: str
    position: int
    text: str
    kind: QuestionKind
    mandatory: bool
    max_score: int
    weight: Decimal
    descriptors: tuple[Descriptor, ...]
    choices: tuple[str, ...]
    evidence_type: str | None  # DocumentType of the evidence an `evidence` question needs
    lot_ids: frozenset[int]  # empty: the question applies to every lot
    # The questionnaire versions the question belongs to: from_version..until_version (None: to
    # the current one). A question changed after applications were submitted is replaced in a new
    # version, so the applications already submitted keep the question they answered.
    from_version: int = 1
    until_version: int | None = None

    def applies_to(self, chosen_lots: frozenset[int]) -> bool:
        return not self.lot_ids or bool(self.lot_ids & chosen_lots)

    def in_version(self, version: int) -> bool:
        """Part of questionnaire `version`."""
        return self.from_version <= version and (self.until_version is None or version <= self.until_version)

    def criterion(self) -> Criterion | None:
        """The evaluation criterion this question is, if it is marked by evaluators."""
        kind = EVALUATED_KINDS.get(self.kind)
        if kind is None:
            return None
        return Criterion(id=self.id, kind=kind, max_score=self.max_score, weight=self.weight)


def check_question(
    kind: QuestionKind,
    max_score: int,
    weight: Decimal,
    descriptors: Sequence[Descriptor],
    choices: Sequence[str],
    evidence_type: str | None,
) -> None:
    """A question's settings must fit its kind."""
    if kind is QuestionKind.SCORED:
        if max_score < 1 or weight <= 0:
            raise RuleViolation(
                "a scored question needs a maximum score and a weight above 0", code=FrameworkCode.INVALID_SCORING
            )
        if any(not 0 <= d.score <= max_score for d in descriptors):
            raise RuleViolation(
                "descriptors must describe scores from 0 to the maximum", code=FrameworkCode.INVALID_DESCRIPTOR
            )
    elif max_score or weight:
        raise RuleViolation("only scored questions carry a maximum score or weight", code=FrameworkCode.INVALID_SCORING)
    if kind is QuestionKind.CHOICE and len(choices) < 2:
        raise RuleViolation("a choice question needs at least two choices", code=FrameworkCode.CHOICES_REQUIRED)
    if kind is QuestionKind.EVIDENCE and not evidence_type:
        raise RuleViolation(
            "an evidence question names the document type it needs", code=FrameworkCode.EVIDENCE_TYPE_REQUIRED
        )


def questionnaire_order(questions: Sequence[Question]) -> list[Question]:
    """The questions in the order the officer built the questionnaire: each section where its first
    question stands (its lowest position, then the earliest added), and within a section by
    position. A section's questions stay together whether positions count through the whole
    questionnaire (as the portal numbers them) or start again in each section (as an API client
    may), and sections are never put in alphabetical order."""
    first: dict[str, tuple[int, int]] = {}
    for q in questions:
        first[q.section] = min(first.get(q.section, (q.position, q.id)), (q.position, q.id))
    return sorted(questions, key=lambda q: (first[q.section], q.position, q.id))


def criteria_for_lot(questions: Sequence[Question], lot_id: int) -> list[Criterion]:
    """The evaluated questions that apply to one lot, in questionnaire order: a lot is decided on
    its own questions only (a question for another lot never counts towards this one's total)."""
    ordered = questionnaire_order(questions)
    return [c for q in ordered if q.applies_to(frozenset({lot_id})) and (c := q.criterion()) is not None]


def threshold_applies(questions: Sequence[Question]) -> bool:
    """The quality threshold is a weighted score to reach: it applies only when the questionnaire
    has scored questions. A pass/fail questionnaire admits on passing every gateway (a dynamic
    market's conditions of membership, Procurement Act 2023 s.35, may be pass/fail only)."""
    return any(q.kind is QuestionKind.SCORED for q in questions)


@dataclass(frozen=True, slots=True)
class Answer:
    question_id: int
    value: Any  # str, number, ISO date string, choice, or bool (the provider's own assertion)
    document_id: int | None


# The value each kind of question takes, as published in OpenAPI and named in a 422.
ANSWER_SHAPES: dict[QuestionKind, str] = {
    QuestionKind.PASS_FAIL: "true or false (the provider's assertion), or a text of up to 20000 characters",
    QuestionKind.SCORED: "a text of up to 20000 characters (the evaluators score it)",
    QuestionKind.TEXT: "a text of up to 20000 characters",
    QuestionKind.NUMBER: "a JSON number",
    QuestionKind.DATE: "an ISO date text, e.g. 2026-03-10",
    QuestionKind.CHOICE: "one of the question's choices, as text",
    QuestionKind.EVIDENCE: "a text of up to 20000 characters, with document_id naming one of your documents",
}


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 20_000


def check_answer(question: Question, answer: Answer) -> None:
    """The answer's value has the shape the question asks for (completeness is checked on submit)."""
    value = answer.value
    kind = question.kind
    ok = True
    if value is None:
        ok = True
    elif kind is QuestionKind.PASS_FAIL:
        ok = isinstance(value, bool) or _is_text(value)
    elif kind in {QuestionKind.TEXT, QuestionKind.SCORED, QuestionKind.EVIDENCE}:
        ok = _is_text(value)
    elif kind is QuestionKind.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind is QuestionKind.DATE:
        ok = isinstance(value, str) and _is_iso_date(value)
    elif kind is QuestionKind.CHOICE:
        ok = value in question.choices
    if not ok:
        expected = ANSWER_SHAPES[kind]
        if kind is QuestionKind.CHOICE:
            expected = "one of: " + ", ".join(question.choices)
        raise RuleViolation(
            f"the answer to question {question.id} is not a valid {kind.value} answer: expected {expected}",
            code=FrameworkCode.INVALID_ANSWER,
            question_id=question.id,
            kind=kind.value,
            expected=expected,
        )
    if answer.document_id is not None and kind is not QuestionKind.EVIDENCE:
        raise RuleViolation(
            f"question {question.id} does not take a document",
            code=FrameworkCode.DOCUMENT_NOT_EXPECTED,
            question_id=question.id,
        )


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class MissingItem:
    question_id: int
    reason: str


def missing_items(
    questions: Sequence[Question],
    answers: Mapping[int, Answer],
    chosen_lots: frozenset[int],
    evidence_types: Mapping[int, str],
) -> list[MissingItem]:
    """Everything mandatory that a submission still lacks, for the lots the provider chose.
    `evidence_types` maps each attached document id to its document type."""
    missing = []
    for q in questionnaire_order(questions):
        if not q.mandatory or not q.applies_to(chosen_lots):
            continue
        answer = answers.get(q.id)
        if q.kind is QuestionKind.EVIDENCE:
            if answer is None or answer.document_id is None:
                missing.append(MissingItem(q.id, f"attach a {q.evidence_type} document"))
            elif evidence_types.get(answer.document_id) != q.evidence_type:
                missing.append(MissingItem(q.id, f"the attached document is not a {q.evidence_type}"))
        elif answer is None or answer.value is None or answer.value == "":
            missing.append(MissingItem(q.id, "answer this question"))
    return missing
