"""The questionnaire of an arrangement: sections and questions a provider answers to join."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import msgspec

from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import RuleViolation
from dps.frameworks import application_repository as answers_repo
from dps.frameworks import repository
from dps.frameworks.domain.questionnaires import Descriptor, Question, check_question
from dps.frameworks.schemas_applications import QuestionIn, QuestionPatch
from dps.frameworks.services.arrangements import get_arrangement, lock_editable_arrangement


async def _check_lots(arrangement_id: int, lot_ids: frozenset[int]) -> None:
    known = {lot.id for lot in await repository.all_lots(arrangement_id)}
    unknown = sorted(lot_ids - known)
    if unknown:
        raise RuleViolation("these lots are not in the arrangement", code="unknown_lots", lot_ids=unknown)


def _checked(question: Question) -> Question:
    check_question(
        question.kind,
        question.max_score,
        question.weight,
        question.descriptors,
        question.choices,
        question.evidence_type,
    )
    return question


async def add_question(ctx: Context, arrangement_id: int, data: QuestionIn) -> Question:
    """Add a question (the lead authority's officers, while the conditions may change)."""
    question = _checked(
        Question(
            id=0,
            arrangement_id=arrangement_id,
            section=data.section.strip(),
            position=data.position,
            text=data.text.strip(),
            kind=data.kind,
            mandatory=data.mandatory,
            max_score=data.max_score,
            weight=data.weight,
            descriptors=tuple(Descriptor(d.score, d.meaning) for d in data.descriptors),
            choices=tuple(data.choices),
            evidence_type=data.evidence_type,
            lot_ids=frozenset(data.lot_ids),
        )
    )
    async with DB.transaction():
        await lock_editable_arrangement(ctx, arrangement_id)
        await _check_lots(arrangement_id, question.lot_ids)
        created = await answers_repo.insert_question(question)
        await audit.record(ctx, "question.created", "question", created.id, after=created)
    return created


async def update_question(ctx: Context, arrangement_id: int, question_id: int, patch: QuestionPatch) -> Question:
    """Change a question while the arrangement's conditions may still change."""
    changes: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    if "descriptors" in changes:
        changes["descriptors"] = tuple(Descriptor(d.score, d.meaning) for d in patch.descriptors)  # type: ignore[union-attr]
    if "choices" in changes:
        changes["choices"] = tuple(changes["choices"])
    if "lot_ids" in changes:
        changes["lot_ids"] = frozenset(changes["lot_ids"])
    async with DB.transaction():
        await lock_editable_arrangement(ctx, arrangement_id)
        before = await answers_repo.get_question(arrangement_id, question_id)
        after = _checked(replace(before, **changes))
        await _check_lots(arrangement_id, after.lot_ids)
        await answers_repo.update_question(after)
        await audit.record(ctx, "question.updated", "question", question_id, before=before, after=after)
    return after


async def list_questions(ctx: Context, arrangement_id: int) -> list[Question]:
    """The questionnaire of an arrangement the caller may see."""
    await get_arrangement(ctx, arrangement_id)
    return await answers_repo.list_questions(arrangement_id)
