"""Request and response bodies for questionnaires, applications, clarifications and evaluation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from dps.accounts.domain import DocumentType
from dps.core import evaluation as ev
from dps.core.requests import Input, Reason, given, given_as
from dps.frameworks.domain import applications as d
from dps.frameworks.domain import submissions as sub
from dps.frameworks.domain.clarifications import Clarification
from dps.frameworks.domain.questionnaires import ANSWER_SHAPES, Answer, Descriptor, Question, QuestionKind

Text = Annotated[str, Meta(min_length=1, max_length=5000)]
Section = Annotated[str, Meta(min_length=1, max_length=100)]
LotIds = Annotated[list[int], Meta(max_length=50)]

# --- questions -------------------------------------------------------------------------------


class DescriptorIn(Input, kw_only=True):
    score: Annotated[int, Meta(ge=0, le=100)]
    meaning: Annotated[str, Meta(min_length=1, max_length=500)]


class QuestionIn(Input, kw_only=True):
    section: Section
    position: Annotated[int, Meta(ge=0, le=10_000)]
    text: Text
    kind: QuestionKind
    mandatory: bool = True
    max_score: Annotated[int, Meta(ge=0, le=100)] = 0
    weight: Decimal = Decimal(0)
    descriptors: Annotated[list[DescriptorIn], Meta(max_length=101)] = msgspec.field(default_factory=list)
    choices: Annotated[list[Annotated[str, Meta(min_length=1, max_length=200)]], Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    evidence_type: DocumentType | None = None
    lot_ids: LotIds = msgspec.field(default_factory=list)  # empty: every lot

    def to_domain(self) -> sub.QuestionDraft:
        return sub.QuestionDraft(
            section=self.section,
            position=self.position,
            text=self.text,
            kind=self.kind,
            mandatory=self.mandatory,
            max_score=self.max_score,
            weight=self.weight,
            descriptors=_descriptors(self.descriptors),
            choices=tuple(self.choices),
            evidence_type=self.evidence_type,
            lot_ids=frozenset(self.lot_ids),
        )


def _descriptors(items: list[DescriptorIn]) -> tuple[Descriptor, ...]:
    return tuple(Descriptor(x.score, x.meaning) for x in items)


class QuestionPatch(Input, kw_only=True):
    section: Section | UnsetType = UNSET
    position: Annotated[int, Meta(ge=0, le=10_000)] | UnsetType = UNSET
    text: Text | UnsetType = UNSET
    mandatory: bool | UnsetType = UNSET
    max_score: Annotated[int, Meta(ge=0, le=100)] | UnsetType = UNSET
    weight: Decimal | UnsetType = UNSET
    descriptors: Annotated[list[DescriptorIn], Meta(max_length=101)] | UnsetType = UNSET
    choices: list[str] | UnsetType = UNSET
    lot_ids: LotIds | UnsetType = UNSET

    def to_domain(self) -> sub.QuestionChanges:
        return sub.QuestionChanges(
            section=given(self.section),
            position=given(self.position),
            text=given(self.text),
            mandatory=given(self.mandatory),
            max_score=given(self.max_score),
            weight=given(self.weight),
            descriptors=given_as(self.descriptors, _descriptors),
            choices=given_as(self.choices, tuple),
            lot_ids=given_as(self.lot_ids, frozenset),
        )


class DescriptorOut(Struct, kw_only=True):
    score: int
    meaning: str


class QuestionOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    section: str
    position: int
    text: str
    kind: QuestionKind
    mandatory: bool
    max_score: int
    weight: Decimal
    descriptors: list[DescriptorOut]
    choices: list[str]
    evidence_type: str | None
    lot_ids: list[int]
    from_version: int = 1  # the questionnaire versions this question belongs to
    until_version: int | None = None

    @classmethod
    def of(cls, q: Question) -> QuestionOut:
        return cls(
            id=q.id,
            arrangement_id=q.arrangement_id,
            section=q.section,
            position=q.position,
            text=q.text,
            kind=q.kind,
            mandatory=q.mandatory,
            max_score=q.max_score,
            weight=q.weight,
            descriptors=[DescriptorOut(score=x.score, meaning=x.meaning) for x in q.descriptors],
            choices=list(q.choices),
            evidence_type=q.evidence_type,
            lot_ids=sorted(q.lot_ids),
            from_version=q.from_version,
            until_version=q.until_version,
        )


class QuestionList(Struct, kw_only=True):
    items: list[QuestionOut]


class RemovedOut(Struct, kw_only=True):
    id: int
    outcome: str  # "deleted" (a draft's, or never answered) or "withdrawn" (kept, no longer offered)


# --- applications ----------------------------------------------------------------------------


class ApplicationIn(Input, kw_only=True):
    arrangement_id: int
    lot_ids: LotIds


ANSWER_VALUE_DOC = (
    "The answer, in the shape its question's kind takes: "
    + "; ".join(f"{kind.value}: {shape}" for kind, shape in ANSWER_SHAPES.items())
    + ". null clears the answer. A value of the wrong shape is 422 `invalid_answer`, naming the expected shape."
)


class AnswerIn(Input, kw_only=True):
    question_id: int
    value: Annotated[Any, Meta(description=ANSWER_VALUE_DOC)] = None  # checked against the question
    document_id: int | None = None  # evidence questions: one of your documents


class ApplicationPatch(Input, kw_only=True):
    lot_ids: LotIds | UnsetType = UNSET
    answers: Annotated[list[AnswerIn], Meta(max_length=500)] = msgspec.field(default_factory=list)

    def chosen_lots(self) -> list[int] | None:
        """The lots to apply for now, or None to keep the current choice."""
        return None if isinstance(self.lot_ids, UnsetType) else self.lot_ids

    def domain_answers(self) -> list[Answer]:
        return [Answer(a.question_id, a.value, a.document_id) for a in self.answers]


class AnswerOut(Struct, kw_only=True):
    question_id: int
    value: Any
    document_id: int | None


class ApplicationOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    provider_id: int
    status: d.ApplicationStatus
    lot_ids: list[int]
    submitted_at: datetime | None
    decision_due_on: date | None
    extension_reason: str | None
    decided_at: datetime | None
    working_days_left: int | None
    overdue: bool
    version: int
    answers: list[AnswerOut] | None = None  # absent in lists and for evaluators who have not declared
    questionnaire_version: int | None = None  # the version it was submitted under (null while a draft)

    @classmethod
    def of(cls, a: d.Application, clock: d.DecisionClock, answers: dict[int, Answer] | None = None) -> ApplicationOut:
        return cls(
            id=a.id,
            arrangement_id=a.arrangement_id,
            provider_id=a.provider_id,
            status=a.status,
            lot_ids=sorted(a.lot_ids),
            submitted_at=a.submitted_at,
            decision_due_on=a.decision_due_on,
            extension_reason=a.extension_reason,
            decided_at=a.decided_at,
            working_days_left=clock.working_days_left,
            overdue=clock.overdue,
            version=a.version,
            questionnaire_version=a.questionnaire_version,
            answers=None
            if answers is None
            else [
                AnswerOut(question_id=x.question_id, value=x.value, document_id=x.document_id)
                for x in sorted(answers.values(), key=lambda x: x.question_id)
            ],
        )


class ApplicationPage(Struct, kw_only=True):
    items: list[ApplicationOut]
    next_cursor: str | None


class ExtensionIn(Input, kw_only=True):
    reason: Reason


# --- clarifications --------------------------------------------------------------------------


class ClarificationIn(Input, kw_only=True):
    question: Text


class ClarificationAnswerIn(Input, kw_only=True):
    answer: Text
    publish: bool = False
    published_question: Text | None = None  # required when publishing: the question without the asker


class ClarificationOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    provider_id: int | None  # hidden (null) on answers published from another provider's question
    question: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None
    published: bool

    @classmethod
    def of(cls, c: Clarification) -> ClarificationOut:
        return cls(
            id=c.id,
            arrangement_id=c.arrangement_id,
            provider_id=c.provider_id or None,
            question=c.question_text,
            asked_at=c.asked_at,
            answer=c.answer_text,
            answered_at=c.answered_at,
            published=c.published,
        )


class ClarificationList(Struct, kw_only=True):
    items: list[ClarificationOut]


# --- evaluation ------------------------------------------------------------------------------


class AssignIn(Input, kw_only=True):
    evaluator_ids: Annotated[list[int], Meta(min_length=1, max_length=10)]


class DeclarationIn(Input, kw_only=True):
    has_conflict: bool
    note: Annotated[str, Meta(max_length=2000)] = ""


class MarkIn(Input, kw_only=True):
    question_id: int
    score: Annotated[int, Meta(ge=0, le=100)] | None = None
    passed: bool | None = None
    rationale: Annotated[str, Meta(max_length=5000)]

    def domain(self) -> ev.Mark:
        return ev.Mark(self.question_id, self.score, self.passed, self.rationale)


class MarksIn(Input, kw_only=True):
    marks: Annotated[list[MarkIn], Meta(min_length=1, max_length=500)]


class MarkOut(Struct, kw_only=True):
    question_id: int
    score: int | None
    passed: bool | None
    rationale: str

    @classmethod
    def of(cls, m: ev.Mark) -> MarkOut:
        return cls(question_id=m.criterion_id, score=m.score, passed=m.passed, rationale=m.rationale)


class AssignmentOut(Struct, kw_only=True):
    id: int
    application_id: int
    evaluator_id: int
    status: d.AssignmentStatus
    conflict_note: str | None
    declared_at: datetime | None
    submitted_at: datetime | None

    @classmethod
    def of(cls, a: d.Assignment) -> AssignmentOut:
        return cls(
            id=a.id,
            application_id=a.application_id,
            evaluator_id=a.evaluator_id,
            status=a.status,
            conflict_note=a.conflict_note,
            declared_at=a.declared_at,
            submitted_at=a.submitted_at,
        )


class AssignmentList(Struct, kw_only=True):
    items: list[AssignmentOut]


class EvaluationOut(Struct, kw_only=True):
    assignment: AssignmentOut
    evaluator_name: str
    sealed: bool  # true while the marks are hidden from you (submit your own first)
    marks: list[MarkOut]


class EvaluationList(Struct, kw_only=True):
    items: list[EvaluationOut]


class MarkList(Struct, kw_only=True):
    items: list[MarkOut]


class SpreadOut(Struct, kw_only=True):
    question_id: int
    lowest: int
    highest: int
    needs_discussion: bool


class SuggestionOut(Struct, kw_only=True):
    question_id: int
    score: int | None
    passed: bool | None


class ResultOut(Struct, kw_only=True):
    failed_gateways: list[int]
    weighted_total: Decimal
    meets_threshold: bool

    @classmethod
    def of(cls, r: ev.Result) -> ResultOut:
        return cls(
            failed_gateways=list(r.failed_gateways), weighted_total=r.weighted_total, meets_threshold=r.meets_threshold
        )


class LotResultOut(Struct, kw_only=True):
    """One lot's result: the weighted total over the questions that apply to that lot only."""

    lot_id: int
    threshold: Decimal  # this lot's pass mark as the application was submitted under it
    threshold_applies: bool  # false for a pass/fail questionnaire: admission on the gateways alone
    failed_gateways: list[int]
    weighted_total: Decimal
    meets_threshold: bool

    @classmethod
    def of(cls, r: d.LotResult) -> LotResultOut:
        return cls(
            lot_id=r.lot_id,
            threshold=r.threshold,
            threshold_applies=r.threshold_applies,
            failed_gateways=list(r.result.failed_gateways),
            weighted_total=r.result.weighted_total,
            meets_threshold=r.result.meets_threshold,
        )


class ModerationOut(Struct, kw_only=True):
    spreads: list[SpreadOut]
    suggestions: list[SuggestionOut]
    moderated: list[MarkOut]
    threshold: Decimal
    result: ResultOut | None  # once every evaluated question is moderated; over every question applied for
    lots: list[LotResultOut] | None = None  # each lot's result, which its decision uses


class LotDecisionIn(Input, kw_only=True):
    lot_id: int
    decision: d.LotDecisionKind
    reasons: Annotated[str, Meta(min_length=1, max_length=5000)]

    def domain(self) -> d.LotDecision:
        return d.LotDecision(self.lot_id, self.decision, self.reasons)


class DecisionIn(Input, kw_only=True):
    lots: Annotated[list[LotDecisionIn], Meta(min_length=1, max_length=50)]


class LotDecisionOut(Struct, kw_only=True):
    lot_id: int
    decision: d.LotDecisionKind
    reasons: str
    weighted_total: Decimal | None = None  # this lot's total, over the questions that apply to it
    threshold: Decimal | None = None  # this lot's pass mark
    threshold_applies: bool | None = None  # false: a pass/fail questionnaire, decided on the gateways
    failed_gateways: list[int] = msgspec.field(default_factory=list)


class ModeratedQuestionOut(Struct, kw_only=True):
    """An evaluated question's moderated mark and the moderator's reason (shown once decided)."""

    question_id: int
    text: str
    kind: QuestionKind
    lot_ids: list[int]  # empty: every lot
    max_score: int
    weight: Decimal
    score: int | None
    passed: bool | None
    rationale: str


class DecisionOut(Struct, kw_only=True):
    application_id: int
    decided_at: datetime | None
    weighted_total: Decimal | None  # the total when every lot's is the same; otherwise see `lots`
    lots: list[LotDecisionOut]
    membership_ids: list[int] = msgspec.field(default_factory=list)
    questions: list[ModeratedQuestionOut] = msgspec.field(default_factory=list)
