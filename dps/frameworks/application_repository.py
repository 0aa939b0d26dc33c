"""Rows <-> domain objects for questionnaires, applications, clarifications and evaluation."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.core import sql
from dps.core.codes import CommonCode
from dps.core.db import DB
from dps.core.errors import Conflict
from dps.core.evaluation import Mark
from dps.core.pagination import Page, page_of
from dps.core.rows import Lock, json_value, one_row, update_versioned
from dps.frameworks import tables as t
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.applications import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    LotDecision,
    LotDecisionKind,
    LotResult,
)
from dps.frameworks.domain.clarifications import Clarification
from dps.frameworks.domain.questionnaires import Answer, Descriptor, Question, QuestionKind, questionnaire_order

# --- questions -------------------------------------------------------------------------------


def _question(row: dict[str, Any]) -> Question:
    return Question(
        id=row["id"],
        arrangement_id=row["arrangement"],
        section=row["section"],
        position=row["position"],
        text=row["text"],
        kind=QuestionKind(row["kind"]),
        mandatory=row["mandatory"],
        max_score=row["max_score"],
        weight=row["weight"],
        descriptors=msgspec.convert(json_value(row["descriptors"]), tuple[Descriptor, ...]),
        choices=tuple(row["choices"]),
        evidence_type=row["evidence_type"],
        lot_ids=frozenset(row["lot_ids"]),
        from_version=row["from_version"],
        until_version=row["until_version"],
    )


def _question_values(q: Question) -> dict[Any, Any]:
    return {
        t.Question.section: q.section,
        t.Question.position: q.position,
        t.Question.text: q.text,
        t.Question.kind: q.kind.value,
        t.Question.mandatory: q.mandatory,
        t.Question.max_score: q.max_score,
        t.Question.weight: q.weight,
        t.Question.descriptors: msgspec.json.encode(msgspec.to_builtins(q.descriptors)).decode(),
        t.Question.choices: list(q.choices),
        t.Question.evidence_type: q.evidence_type,
        t.Question.lot_ids: sorted(q.lot_ids),
        t.Question.from_version: q.from_version,
        t.Question.until_version: q.until_version,
    }


async def insert_question(q: Question) -> Question:
    values = {column._meta.name: value for column, value in _question_values(q).items()}
    rows = await t.Question.insert(t.Question(**values, arrangement=q.arrangement_id)).returning(
        *t.Question.all_columns()
    )
    return _question(rows[0])


async def update_question(q: Question) -> None:
    await t.Question.update(_question_values(q)).where(t.Question.id == q.id)


async def get_question(arrangement_id: int, question_id: int) -> Question:
    row = await one_row(
        t.Question,
        (t.Question.id == question_id) & (t.Question.arrangement == arrangement_id),
        entity="question",
        detail=f"question {question_id} does not exist in arrangement {arrangement_id}",
    )
    return _question(row)


async def list_questions(arrangement_id: int, version: int | None = None) -> list[Question]:
    """The questions of an arrangement's questionnaire `version` (every version's when None), in
    questionnaire order: sections in the order the officer built them, each section's questions by
    position (`questionnaire_order`; questionnaires are short)."""
    rows = await t.Question.select().where(t.Question.arrangement == arrangement_id)
    questions = questionnaire_order([_question(r) for r in rows])
    return questions if version is None else [q for q in questions if q.in_version(version)]


async def delete_question(question_id: int) -> None:
    await t.Question.delete().where(t.Question.id == question_id)


async def question_answered(question_id: int) -> bool:
    return bool(await t.Answer.exists().where(t.Answer.question == question_id))


async def submitted_under(arrangement_id: int, questionnaire_version: int) -> bool:
    """Whether any application was submitted under this questionnaire version."""
    return bool(
        await t.Application.exists().where(
            (t.Application.arrangement == arrangement_id)
            & (t.Application.questionnaire_version == questionnaire_version)
            & t.Application.submitted_at.is_not_null()
        )
    )


async def live_applicant_providers(arrangement_id: int) -> list[int]:
    """Providers with a draft or undecided application to the arrangement."""
    rows = await t.Application.select(t.Application.provider).where(
        (t.Application.arrangement == arrangement_id)
        & t.Application.status.is_in(["draft", "submitted", "under_evaluation"])
    )
    return sorted({r["provider"] for r in rows})


# --- applications ----------------------------------------------------------------------------


def _application(row: dict[str, Any]) -> Application:
    return Application(
        id=row["id"],
        arrangement_id=row["arrangement"],
        provider_id=row["provider"],
        status=ApplicationStatus(row["status"]),
        lot_ids=frozenset(row["lot_ids"]),
        submitted_at=row["submitted_at"],
        decision_due_on=row["decision_due_on"],
        extension_reason=row["extension_reason"],
        decided_at=row["decided_at"],
        version=row["version"],
        questionnaire_version=row["questionnaire_version"],
        thresholds=tuple(sorted((int(k), Decimal(v)) for k, v in (json_value(row["thresholds"]) or {}).items())),
    )


def _application_values(a: Application) -> dict[Any, Any]:
    return {
        t.Application.status: a.status.value,
        t.Application.lot_ids: sorted(a.lot_ids),
        t.Application.submitted_at: a.submitted_at,
        t.Application.decision_due_on: a.decision_due_on,
        t.Application.extension_reason: a.extension_reason,
        t.Application.decided_at: a.decided_at,
        t.Application.version: a.version,
        t.Application.questionnaire_version: a.questionnaire_version,
        t.Application.thresholds: None
        if a.questionnaire_version is None
        else msgspec.json.encode({str(k): str(v) for k, v in a.thresholds}).decode(),
    }


async def insert_application(a: Application, at: datetime) -> Application:
    values = {column._meta.name: value for column, value in _application_values(a).items()}
    try:
        rows = await t.Application.insert(
            t.Application(**values, arrangement=a.arrangement_id, provider=a.provider_id, created_at=at)
        ).returning(*t.Application.all_columns())
    except UniqueViolationError as error:
        raise Conflict(
            "this provider already has a live application to this arrangement", code=FrameworkCode.APPLICATION_EXISTS
        ) from error
    return _application(rows[0])


async def get_application(application_id: int, *, for_update: bool = False, lock: Lock | None = None) -> Application:
    """`lock="SHARE"` holds off a concurrent withdrawal or decision until the caller commits."""
    row = await one_row(
        t.Application,
        t.Application.id == application_id,
        entity="application",
        detail=f"application {application_id} does not exist",
        for_update=for_update,
        lock=lock,
    )
    return _application(row)


async def update_application(before: Application, after: Application) -> None:
    await update_versioned(t.Application, before.id, before.version, _application_values(after))


async def list_applications(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None = None,
    lead_authority_id: int | None = None,
    evaluator_id: int | None = None,
    arrangement_id: int | None = None,
    status: ApplicationStatus | None = None,
) -> Page[Application]:
    """Applications in id order, narrowed to a provider's, a lead authority's arrangements', or an
    evaluator's assignments (one of them, or none for admins)."""
    a = t.Application
    query = a.select().where(a.id > after_id)
    if provider_id is not None:
        query = query.where(a.provider == provider_id)
    if lead_authority_id is not None:
        query = query.where(a.arrangement.lead_authority == lead_authority_id)
    if evaluator_id is not None:
        assigned = t.Assignment.select(t.Assignment.application).where(t.Assignment.evaluator == evaluator_id)
        query = query.where(a.id.is_in(assigned))
    if arrangement_id is not None:
        query = query.where(a.arrangement == arrangement_id)
    if status is not None:
        query = query.where(a.status == status.value)
    rows = await query.order_by(a.id).limit(limit + 1)
    return page_of([_application(r) for r in rows], limit)


# --- answers ---------------------------------------------------------------------------------


async def list_answers(application_id: int) -> dict[int, Answer]:
    rows = await t.Answer.select().where(t.Answer.application == application_id).output(load_json=True)
    return {r["question"]: Answer(question_id=r["question"], value=r["value"], document_id=r["document"]) for r in rows}


async def save_answers(application_id: int, answers: Sequence[Answer]) -> None:
    """Insert or replace the given answers (a partial save leaves the others as they are), in one
    statement (issue 18: one round trip, not one per answer); the last answer to a question wins."""
    latest = {answer.question_id: answer for answer in answers}
    if not latest:
        return
    await sql.execute(
        "INSERT INTO answers (application, question, value, document) "
        "SELECT $1, q, v::jsonb, d FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS x(q, v, d) "
        "ON CONFLICT (application, question) DO UPDATE SET value = EXCLUDED.value, document = EXCLUDED.document",
        application_id,
        list(latest),
        [msgspec.json.encode(a.value).decode() for a in latest.values()],
        [a.document_id for a in latest.values()],
    )


# --- clarifications --------------------------------------------------------------------------


def _clarification(row: dict[str, Any]) -> Clarification:
    return Clarification(
        id=row["id"],
        arrangement_id=row["arrangement"],
        provider_id=row["provider"],
        question_text=row["question_text"],
        asked_at=row["asked_at"],
        answer_text=row["answer_text"],
        answered_at=row["answered_at"],
        published=row["published"],
        published_question=row["published_question"],
    )


async def insert_clarification(c: Clarification) -> Clarification:
    rows = await t.Clarification.insert(
        t.Clarification(
            arrangement=c.arrangement_id,
            provider=c.provider_id,
            question_text=c.question_text,
            asked_at=c.asked_at,
        )
    ).returning(*t.Clarification.all_columns())
    return _clarification(rows[0])


async def get_clarification(clarification_id: int, *, for_update: bool = False) -> Clarification:
    row = await one_row(
        t.Clarification,
        t.Clarification.id == clarification_id,
        entity="clarification",
        detail=f"clarification {clarification_id} does not exist",
        for_update=for_update,
    )
    return _clarification(row)


async def save_clarification(c: Clarification) -> None:
    await t.Clarification.update(
        {
            t.Clarification.answer_text: c.answer_text,
            t.Clarification.answered_at: c.answered_at,
            t.Clarification.published: c.published,
            t.Clarification.published_question: c.published_question,
        }
    ).where(t.Clarification.id == c.id)


async def list_clarifications(arrangement_id: int, *, provider_id: int | None) -> list[Clarification]:
    """All of an arrangement's clarifications, or (for a provider) its own plus the published ones."""
    c = t.Clarification
    query = c.select().where(c.arrangement == arrangement_id)
    if provider_id is not None:
        query = query.where((c.provider == provider_id) | (c.published == True))  # noqa: E712 - SQL
    return [_clarification(r) for r in await query.order_by(c.id)]


# --- evaluation ------------------------------------------------------------------------------


def _assignment(row: dict[str, Any]) -> Assignment:
    return Assignment(
        id=row["id"],
        application_id=row["application"],
        evaluator_id=row["evaluator"],
        status=AssignmentStatus(row["status"]),
        conflict_note=row["conflict_note"],
        declared_at=row["declared_at"],
        submitted_at=row["submitted_at"],
    )


async def insert_assignment(application_id: int, evaluator_id: int) -> Assignment:
    try:
        rows = await t.Assignment.insert(
            t.Assignment(application=application_id, evaluator=evaluator_id, status=AssignmentStatus.ASSIGNED.value)
        ).returning(*t.Assignment.all_columns())
    except UniqueViolationError as error:
        raise Conflict("this evaluator is already assigned", code=CommonCode.ALREADY_ASSIGNED) from error
    return _assignment(rows[0])


async def list_assignments(application_id: int) -> list[Assignment]:
    rows = await t.Assignment.select().where(t.Assignment.application == application_id).order_by(t.Assignment.id)
    return [_assignment(r) for r in rows]


async def get_assignment(application_id: int, evaluator_id: int, *, for_update: bool = False) -> Assignment:
    row = await one_row(
        t.Assignment,
        (t.Assignment.application == application_id) & (t.Assignment.evaluator == evaluator_id),
        entity="assignment",
        detail="you are not assigned to evaluate this application",
        for_update=for_update,
    )
    return _assignment(row)


async def save_assignment(a: Assignment) -> None:
    await t.Assignment.update(
        {
            t.Assignment.status: a.status.value,
            t.Assignment.conflict_note: a.conflict_note,
            t.Assignment.declared_at: a.declared_at,
            t.Assignment.submitted_at: a.submitted_at,
        }
    ).where(t.Assignment.id == a.id)


def _mark(row: dict[str, Any], rationale_key: str) -> Mark:
    return Mark(criterion_id=row["question"], score=row["score"], passed=row["passed"], rationale=row[rationale_key])


async def list_marks(assignment_ids: Collection[int]) -> dict[int, list[Mark]]:
    """Marks by assignment id."""
    if not assignment_ids:
        return {}
    rows = await t.Mark.select().where(t.Mark.assignment.is_in(list(assignment_ids))).order_by(t.Mark.id)
    found: dict[int, list[Mark]] = {i: [] for i in assignment_ids}
    for row in rows:
        found[row["assignment"]].append(_mark(row, "rationale"))
    return found


async def save_marks(assignment_id: int, marks: Sequence[Mark]) -> None:
    for mark in marks:
        await DB.run_querystring(
            QueryString(
                "INSERT INTO marks (assignment, question, score, passed, rationale) VALUES ({}, {}, {}, {}, {}) "
                "ON CONFLICT (assignment, question) DO UPDATE SET score = EXCLUDED.score, "
                "passed = EXCLUDED.passed, rationale = EXCLUDED.rationale",
                assignment_id,
                mark.criterion_id,
                mark.score,
                mark.passed,
                mark.rationale,
            )
        )


async def list_moderated_marks(application_id: int) -> dict[int, Mark]:
    rows = await t.ModeratedMark.select().where(t.ModeratedMark.application == application_id)
    return {r["question"]: _mark(r, "reason") for r in rows}


async def save_moderated_marks(application_id: int, marks: Sequence[Mark]) -> None:
    for mark in marks:
        await DB.run_querystring(
            QueryString(
                "INSERT INTO moderated_marks (application, question, score, passed, reason) "
                "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (application, question) DO UPDATE SET "
                "score = EXCLUDED.score, passed = EXCLUDED.passed, reason = EXCLUDED.reason",
                application_id,
                mark.criterion_id,
                mark.score,
                mark.passed,
                mark.rationale,
            )
        )


async def insert_lot_decisions(
    application_id: int, decisions: Sequence[LotDecision], results: Mapping[int, LotResult], at: datetime
) -> None:
    """Each lot's decision with what decided it: its own total, pass mark and failed gateways."""
    await t.LotDecision.insert(
        *[
            t.LotDecision(
                application=application_id,
                lot=d.lot_id,
                decision=d.decision.value,
                reasons=d.reasons,
                weighted_total=results[d.lot_id].result.weighted_total,
                threshold=results[d.lot_id].threshold,
                threshold_applies=results[d.lot_id].threshold_applies,
                failed_gateways=list(results[d.lot_id].result.failed_gateways),
                decided_at=at,
            )
            for d in decisions
        ]
    )


async def list_lot_decisions(application_id: int) -> list[LotDecision]:
    rows = await t.LotDecision.select().where(t.LotDecision.application == application_id).order_by(t.LotDecision.lot)
    return [LotDecision(r["lot"], LotDecisionKind(r["decision"]), r["reasons"]) for r in rows]


@dataclass(frozen=True, slots=True)
class DecidedLot:
    """A lot's decision as stored: what decided it never changes afterwards."""

    decision: LotDecision
    weighted_total: Decimal
    threshold: Decimal | None  # None: decided before pass marks were stored per lot
    threshold_applies: bool | None
    failed_gateways: tuple[int, ...]


async def decided_lots(application_id: int) -> list[DecidedLot]:
    rows = await t.LotDecision.select().where(t.LotDecision.application == application_id).order_by(t.LotDecision.lot)
    return [
        DecidedLot(
            LotDecision(r["lot"], LotDecisionKind(r["decision"]), r["reasons"]),
            r["weighted_total"],
            r["threshold"],
            r["threshold_applies"],
            tuple(r["failed_gateways"] or ()),
        )
        for r in rows
    ]


async def decided_total(application_id: int) -> Decimal | None:
    row = (
        await t.LotDecision.select(t.LotDecision.weighted_total)
        .where(t.LotDecision.application == application_id)
        .first()
    )
    return None if row is None else row["weighted_total"]
