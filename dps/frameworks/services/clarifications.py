"""Clarifications: providers ask about an arrangement; officers answer privately or to everyone."""

from __future__ import annotations

from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import RuleViolation
from dps.frameworks import access, repository
from dps.frameworks import application_repository as repo
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.clarifications import Clarification


async def ask(ctx: Context, arrangement_id: int, text: str) -> Clarification:
    """A provider asks a question about a published arrangement."""
    provider_id = access.acting_provider(ctx.user)
    if not text.strip():
        raise RuleViolation("write the question", code=FrameworkCode.QUESTION_REQUIRED)
    async with DB.transaction():
        arrangement = await repository.get_arrangement(arrangement_id)
        access.require_read_arrangement(ctx.user, arrangement)
        asked = await repo.insert_clarification(
            Clarification(
                id=0,
                arrangement_id=arrangement_id,
                provider_id=provider_id,
                question_text=text.strip(),
                asked_at=ctx.clock.now(),
                answer_text=None,
                answered_at=None,
                published=False,
                published_question=None,
            )
        )
        await audit.record(ctx, "clarification.asked", "clarification", asked.id, after=asked)
    return asked


async def answer(
    ctx: Context, clarification_id: int, text: str, *, publish: bool, published_question: str | None
) -> Clarification:
    """The lead authority's officer answers, privately or published anonymised to all applicants."""
    async with DB.transaction():
        before = await repo.get_clarification(clarification_id, for_update=True)
        arrangement = await repository.get_arrangement(before.arrangement_id)
        if not access.may_know_of(ctx.user, arrangement, before.provider_id):
            raise access.hidden("clarification", clarification_id)
        access.require_oversee_application(ctx.user, arrangement)
        after = before.answer(text, ctx.clock.now(), publish=publish, published_question=published_question)
        await repo.save_clarification(after)
        await audit.record(ctx, "clarification.answered", "clarification", clarification_id, before=before, after=after)
    return after


async def list_clarifications(ctx: Context, arrangement_id: int) -> list[Clarification]:
    """Officers of the lead see every clarification; a provider sees its own and the published
    answers, the latter without who asked."""
    arrangement = await repository.get_arrangement(arrangement_id)
    p = ctx.user
    if access.may_oversee_application(p, arrangement):
        return await repo.list_clarifications(arrangement_id, provider_id=None)
    provider_id = access.acting_provider(p)
    access.require_read_arrangement(p, arrangement)
    found = await repo.list_clarifications(arrangement_id, provider_id=provider_id)
    return [c if c.provider_id == provider_id else c.as_seen_by_other_applicants() for c in found]
