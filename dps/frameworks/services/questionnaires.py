"""The questionnaire of an arrangement: sections and questions a provider answers to join."""

from __future__ import annotations

from dataclasses import replace

from dps.accounts import public as accounts
from dps.core import audit
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, RuleViolation
from dps.core.notifications import notify
from dps.core.patches import changed_fields
from dps.frameworks import application_repository as answers_repo
from dps.frameworks import repository
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.arrangements import Arrangement, check_questionnaire_editable
from dps.frameworks.domain.questionnaires import Question, check_question
from dps.frameworks.domain.submissions import QuestionChanges, QuestionDraft
from dps.frameworks.services.arrangements import get_arrangement, lock_editable_arrangement


async def _check_lots(arrangement_id: int, lot_ids: frozenset[int]) -> None:
    known = {lot.id for lot in await repository.all_lots(arrangement_id)}
    unknown = sorted(lot_ids - known)
    if unknown:
        raise RuleViolation("these lots are not in the arrangement", code=FrameworkCode.UNKNOWN_LOTS, lot_ids=unknown)


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


async def lock_questionnaire(ctx: Context, arrangement_id: int) -> Arrangement:
    """The arrangement, locked, if the caller may change its questionnaire and pass marks now: not
    once an application was submitted under the current version (409 `conditions_locked`)."""
    arrangement = await lock_editable_arrangement(ctx, arrangement_id)
    submitted = await answers_repo.submitted_under(arrangement_id, arrangement.questionnaire_version)
    check_questionnaire_editable(arrangement, submitted)
    return arrangement


async def add_question(ctx: Context, arrangement_id: int, data: QuestionDraft) -> Question:
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
            descriptors=data.descriptors,
            choices=data.choices,
            evidence_type=data.evidence_type,
            lot_ids=data.lot_ids,
        )
    )
    async with DB.transaction():
        arrangement = await lock_questionnaire(ctx, arrangement_id)
        await _check_lots(arrangement_id, question.lot_ids)
        created = await answers_repo.insert_question(replace(question, from_version=arrangement.questionnaire_version))
        await audit.record(ctx, "question.created", "question", created.id, after=created)
    return created


async def _current_question(arrangement: Arrangement, question_id: int) -> Question:
    question = await answers_repo.get_question(arrangement.id, question_id)
    if not question.in_version(arrangement.questionnaire_version):
        raise Conflict(
            f"question {question_id} is not in the current questionnaire (version "
            f"{arrangement.questionnaire_version}); it is kept for the applications made under it",
            code=FrameworkCode.QUESTION_NOT_CURRENT,
        )
    return question


async def update_question(ctx: Context, arrangement_id: int, question_id: int, patch: QuestionChanges) -> Question:
    """Change a question while the current questionnaire version takes no submissions yet. A question
    carried over from an earlier version is replaced in the current one (a new id); the earlier
    version keeps the question its applications answered."""
    changes = changed_fields(patch)
    async with DB.transaction():
        arrangement = await lock_questionnaire(ctx, arrangement_id)
        before = await _current_question(arrangement, question_id)
        after = _checked(replace(before, **changes))
        await _check_lots(arrangement_id, after.lot_ids)
        version = arrangement.questionnaire_version
        if before.from_version < version:
            await answers_repo.update_question(replace(before, until_version=version - 1))
            after = await answers_repo.insert_question(replace(after, from_version=version, until_version=None))
            await audit.record(
                ctx,
                "question.replaced",
                "question",
                question_id,
                before=before,
                after={"replaced_by": after, "questionnaire_version": version},
            )
        else:
            await answers_repo.update_question(after)
            await audit.record(ctx, "question.updated", "question", question_id, before=before, after=after)
    return after


async def remove_question(ctx: Context, arrangement_id: int, question_id: int) -> str:
    """Delete a question nobody answered that belongs to the current version only; otherwise
    withdraw it from the current version (kept for the applications made under earlier ones).
    Returns "deleted" or "withdrawn"."""
    async with DB.transaction():
        arrangement = await lock_questionnaire(ctx, arrangement_id)
        before = await _current_question(arrangement, question_id)
        version = arrangement.questionnaire_version
        if before.from_version == version and not await answers_repo.question_answered(question_id):
            await answers_repo.delete_question(question_id)
            await audit.record(ctx, "question.deleted", "question", question_id, before=before)
            outcome = "deleted"
        else:
            after = replace(before, until_version=version - 1)
            await answers_repo.update_question(after)
            await audit.record(ctx, "question.withdrawn", "question", question_id, before=before, after=after)
            outcome = "withdrawn"
    return outcome


async def new_questionnaire_version(ctx: Context, arrangement_id: int, reason: str) -> Arrangement:
    """Start a new questionnaire version once applications were submitted under the current one:
    its questions, weights and pass marks may then change, and apply to applications submitted
    from now on; every application already submitted keeps the version it was made under. The
    change is recorded with its reason and announced to the providers holding a place or applying
    (PCR 2015 reg 18(1) transparency: a change of criteria is published to all alike)."""
    if not reason.strip():
        raise RuleViolation("say why the questionnaire changes", code=CommonCode.REASON_REQUIRED)
    async with DB.transaction():
        before = await lock_editable_arrangement(ctx, arrangement_id)
        if not await answers_repo.submitted_under(arrangement_id, before.questionnaire_version):
            raise Conflict(
                "no application was submitted under the current questionnaire: change it directly",
                code=FrameworkCode.QUESTIONNAIRE_NOT_LOCKED,
            )
        after = before.new_questionnaire_version()
        await repository.update_arrangement(before, after)
        await audit.record(
            ctx,
            "questionnaire.versioned",
            "arrangement",
            arrangement_id,
            before={"questionnaire_version": before.questionnaire_version},
            after={"questionnaire_version": after.questionnaire_version, "reason": reason.strip()},
        )
        providers = set(await answers_repo.live_applicant_providers(arrangement_id))
        providers |= {m.provider_id for m in await repository.list_memberships(arrangement_id=arrangement_id)}
        for provider_id in sorted(providers):
            await notify(
                await accounts.recipients_of_provider(provider_id),
                kind="questionnaire.versioned",
                key=f"arrangement:{arrangement_id}:questionnaire:{after.questionnaire_version}",
                subject=f"{before.reference}: the questionnaire changes (version {after.questionnaire_version})",
                body=(
                    f"The lead authority of {before.title} ({before.reference}) starts questionnaire version "
                    f"{after.questionnaire_version}: {reason.strip()}. It applies to applications submitted from now "
                    "on; applications already submitted are decided under the version they were made under."
                ),
                link_path=f"/api/v1/arrangements/{arrangement_id}/questions",
                at=ctx.clock.now(),
            )
    return after


async def list_questions(ctx: Context, arrangement_id: int, version: int | None = None) -> list[Question]:
    """The questionnaire of an arrangement the caller may see: the current version unless asked."""
    arrangement = await get_arrangement(ctx, arrangement_id)
    return await answers_repo.list_questions(arrangement_id, version or arrangement.questionnaire_version)
