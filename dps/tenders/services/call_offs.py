"""Placement requests: raise, change while draft, publish to every eligible setting, close, cancel,
read, and clarifications."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from decimal import Decimal

from dps.compliance.public import eligibility_for_lot
from dps.core import audit, deadlines, geo
from dps.core.codes import CommonCode
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, RuleViolation
from dps.core.notifications import notify
from dps.core.pagination import Page
from dps.core.patches import changed_fields
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus
from dps.frameworks.public import get_profile
from dps.tenders import access, repository
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import (
    ENDED,
    CallOff,
    CallOffStatus,
    ChildProfile,
    Criteria,
    check_preferred_needs,
    profile_withheld,
)
from dps.tenders.domain.clarifications import Clarification, require_questions_open
from dps.tenders.domain.invitations import Invitation
from dps.tenders.domain.personal_data import check_free_text
from dps.tenders.domain.requests import CallOffChanges, CallOffDraft

ENTITY = "call_off"
# Arrangements whose members may be called off: open, or closed to new applications (members
# keep their places). Drafts, suspended and expired arrangements take no call-offs.
CALL_OFF_ARRANGEMENT_STATES = frozenset({ArrangementStatus.OPEN, ArrangementStatus.CLOSED})


async def _locate(district: str) -> geo.Location:
    """The centroid of the child's home district (a RuleViolation when the ONS directory lacks it)."""
    return await asyncio.to_thread(geo.default_directory().locate_district, district)


async def _check_lot(arrangement: Arrangement, lot_id: int, child: ChildProfile) -> None:
    lot = await frameworks.get_lot(arrangement.id, lot_id)
    if lot.withdrawn:
        # A withdrawn lot is kept for the record but no longer offered: nothing new is called off under it.
        raise RuleViolation(
            f"lot {lot.code} was withdrawn from the arrangement: {lot.withdrawn_reason}",
            code=TenderCode.LOT_WITHDRAWN,
            field="lot_id",
        )
    if child.need_level is not None and lot.need_levels and child.need_level not in lot.need_levels:
        raise RuleViolation(
            f"the lot's need levels are {', '.join(lot.need_levels)}",
            code=CommonCode.UNKNOWN_NEED_LEVEL,
            field="need_level",
        )


def call_off_texts(
    title: str | None, child: ChildProfile | None, criteria: Criteria | None, urgent_reason: str | None
) -> list[tuple[str, str | None]]:
    """Every free-text field of a call-off, by the name the API gives it."""
    fields: list[tuple[str, str | None]] = [("title", title), ("urgent_reason", urgent_reason)]
    if child is not None:
        fields += [
            ("child.education_needs", child.education_needs),
            ("child.risks", child.risks),
            ("child.need_level", child.need_level),
        ]
    if criteria is not None:
        fields += [(f"criteria.questions[{n}].text", q.text) for n, q in enumerate(criteria.questions)]
    return fields


def check_texts(ctx: Context, fields: list[tuple[str, str | None]]) -> None:
    """Refuse a child's identifying details in free text (`domain.personal_data`)."""
    check_free_text(fields, ctx.clock.now().date())


async def create_call_off(ctx: Context, data: CallOffDraft) -> CallOff:
    """A draft placement request by a commissioner of a member authority of the arrangement."""
    child = data.child
    criteria = data.criteria
    check_texts(ctx, call_off_texts(data.title, child, criteria, data.urgent_reason))
    check_preferred_needs(child, criteria)
    await _locate(child.home_district)
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(data.arrangement_id)
        authority_id = access.require_raise(ctx.user, arrangement.is_member(ctx.user.org_id or 0))
        _require_callable(arrangement)
        await _check_lot(arrangement, data.lot_id, child)
        draft = CallOff(
            id=0,
            arrangement_id=arrangement.id,
            lot_id=data.lot_id,
            authority_id=authority_id,
            created_by=ctx.user.user_id,
            title=data.title,
            child=child,
            criteria=criteria,
            deadline=data.deadline,
            urgent_reason=data.urgent_reason,
            status=CallOffStatus.DRAFT,
            status_reason=None,
            published_at=None,
            closed_at=None,
            awarded_offer_id=None,
            award_reason=None,
            awarded_at=None,
            standstill_ends_at=None,
            concluded_at=None,
            version=1,
        )
        call_off = await repository.insert_call_off(draft, ctx.clock.now())
        await audit.record(ctx, "call_off.created", ENTITY, call_off.id, after=call_off)
    return call_off


def _require_callable(arrangement: Arrangement) -> None:
    if arrangement.status not in CALL_OFF_ARRANGEMENT_STATES:
        raise Conflict(f"the arrangement is {arrangement.status.value}", code=CommonCode.ARRANGEMENT_NOT_OPEN)


async def update_call_off(ctx: Context, call_off_id: int, expected_version: int, patch: CallOffChanges) -> CallOff:
    """Change a draft (its child, criteria, deadline or title) if nobody changed it since it was read."""
    changes = changed_fields(patch)
    if "child" in changes:
        await _locate(changes["child"].home_district)
    check_texts(
        ctx,
        call_off_texts(
            changes.get("title"), changes.get("child"), changes.get("criteria"), changes.get("urgent_reason")
        ),
    )
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        await require_manage(ctx, before)
        require_version(expected_version, before.version)
        before.require_draft()
        after = replace(before, **changes, version=before.version + 1)
        check_preferred_needs(after.child, after.criteria)
        if "child" in changes:
            await _check_lot(await frameworks.get_arrangement_row(before.arrangement_id), before.lot_id, after.child)
        await repository.update_call_off(before, after)
        await audit.record(ctx, "call_off.updated", ENTITY, call_off_id, before=before, after=after)
    return after


async def publish_call_off(ctx: Context, call_off_id: int) -> CallOff:
    """Invite, at this moment, every setting the eligibility rules allow; freeze the list with the
    reasons each other member setting was left out; tell the invited providers.

    PCR 2015 reg 34: every participant admitted to the category is invited to each specific
    contract, and all at the same time, so each has the same period to offer.
    """
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        await require_manage(ctx, before)
        arrangement = await frameworks.get_arrangement_row(before.arrangement_id)
        _require_callable(arrangement)
        profile = get_profile(arrangement.profile_code)
        now = ctx.clock.now()
        after = before.publish(now, profile.code.value, profile.min_offer_period_days)
        home = await _locate(before.child.home_district)
        criteria = before.criteria
        verdicts = await eligibility_for_lot(
            before.lot_id,
            now,
            child_age=before.child.age,
            needs=[n.value for n in before.child.needs],
            setting_types=[t.value for t in criteria.setting_types],
            min_grade=criteria.min_grade.value if criteria.min_grade else None,
        )
        if not any(v.eligible for v in verdicts):
            raise RuleViolation(
                "no member setting of the lot is eligible for this child at the moment",
                code=TenderCode.NO_ELIGIBLE_SETTINGS,
                member_settings=len(verdicts),
            )
        await repository.insert_invitations(
            call_off_id,
            home.easting,
            home.northing,
            [
                (
                    v.setting_id,
                    v.provider_id,
                    v.membership_id,
                    v.eligible,
                    [{"code": r.code, "detail": r.detail} for r in v.reasons],
                )
                for v in verdicts
            ],
        )
        await repository.record_preferred_needs(call_off_id, sorted(n.value for n in before.child.preferred_needs))
        await repository.update_call_off(before, after)
        invited, left_out = await repository.count_invitations(call_off_id)
        await notify(
            await repository.invited_recipients(call_off_id),
            kind="call_off.invited",
            key=f"call_off:{call_off_id}:invited",
            # Notifications are also emailed: no title or other free text, only a link to read it
            # signed in (issue 13 item 9).
            subject="A new placement request",
            body=(
                f"You are invited to offer for a new placement request. Offers close at "
                f"{after.deadline.isoformat()}. Sign in to read it."
            ),
            link_path=f"/api/v1/call-offs/{call_off_id}",
            at=now,
        )
        await deadlines.track(EntityType.CALL_OFF, call_off_id, after.deadline)
        await audit.record(
            ctx,
            "call_off.published",
            ENTITY,
            call_off_id,
            before=before,
            after={"call_off": after, "invited_settings": invited, "left_out_settings": left_out},
        )
    return after


async def close_call_off(ctx: Context, call_off_id: int) -> CallOff:
    """Stop taking offers and open them, at or after the deadline. Called by the scheduler (as the
    system), by the raising council's commissioner, and by a write that needs it closed (marking,
    evaluating); never by a read. A call-off already closed is returned as it is."""
    return (await close_counting(ctx, call_off_id))[0]


async def close_counting(ctx: Context, call_off_id: int) -> tuple[CallOff, int | None]:
    """`close_call_off`, with the number of submitted offers it opened (counted once, for the audit
    and for the news the scheduler sends); None when the call-off is not closed (cancelled, ...)."""
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        if ctx.principal is not None:
            await require_manage(ctx, before)
        if before.status is not CallOffStatus.PUBLISHED:
            if before.status is CallOffStatus.DRAFT:
                raise IllegalTransition(ENTITY, before.status.value, CallOffStatus.CLOSED.value)
            if before.status is CallOffStatus.CLOSED:
                return before, (await repository.count_offers(call_off_id))[0]
            return before, None
        after = before.close(ctx.clock.now())
        await repository.update_call_off(before, after)
        submitted, withdrawn = await repository.count_offers(call_off_id)
        await deadlines.track(EntityType.CALL_OFF, call_off_id, None)
        await audit.record(
            ctx,
            "call_off.closed",
            ENTITY,
            call_off_id,
            before=before,
            after={"call_off": after, "offers_submitted": submitted, "offers_withdrawn": withdrawn},
        )
    return after, submitted


async def opened(ctx: Context, call_off: CallOff) -> CallOff:
    """The call-off, closed first if its deadline has passed while it was still published. For
    writes only (marking, evaluating): a read computes `CallOff.past_deadline` instead."""
    if call_off.due_to_close(ctx.clock.now()):
        return await close_call_off(ctx.as_system(), call_off.id)
    return call_off


async def cancel_call_off(ctx: Context, call_off_id: int, reason: str) -> CallOff:
    """Cancel with a reason (the child's plan changed, ...); invited providers are told."""
    check_texts(ctx, [("reason", reason)])
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        await require_manage(ctx, before)
        after = before.cancel(reason)
        await repository.update_call_off(before, after)
        if before.status is not CallOffStatus.DRAFT:
            await notify(
                await repository.invited_recipients(call_off_id),
                kind="call_off.cancelled",
                key=f"call_off:{call_off_id}:cancelled",
                subject="A placement request was cancelled",
                body="A placement request you were invited to was cancelled. Sign in to read the reason.",
                link_path=f"/api/v1/call-offs/{call_off_id}",
                at=ctx.clock.now(),
            )
        await deadlines.track(EntityType.CALL_OFF, call_off_id, None)
        await audit.record(ctx, "call_off.cancelled", ENTITY, call_off_id, before=before, after=after)
    return after


async def may_read(ctx: Context, call_off: CallOff) -> bool:
    """The raising council's staff, an admin, or a provider invited to it (never to a draft)."""
    p = ctx.user
    if access.is_council_staff(p, call_off):
        return True
    provider_id = access.provider_of(p)
    if provider_id is None or call_off.status is CallOffStatus.DRAFT:
        return False
    return bool(await repository.invited_settings(call_off.id, provider_id))


async def require_visible(ctx: Context, call_off: CallOff) -> None:
    """404 to whoever may not read the call-off, exactly as for one that does not exist: a 403
    would tell an outsider that a placement request with this id exists (issue 13 item 10)."""
    if not await may_read(ctx, call_off):
        raise NotFound(f"call-off {call_off.id} does not exist", entity="call_off")


async def require_manage(ctx: Context, call_off: CallOff) -> None:
    """The raising council's commissioners (or an admin); outsiders learn nothing (404), readers
    without the right are told so (403)."""
    if not access.may_manage(ctx.user, call_off):
        await require_visible(ctx, call_off)
        access.require_manage(ctx.user, call_off)


async def readable_call_off(ctx: Context, call_off_id: int) -> CallOff:
    """The call-off if the caller may read it (`may_read`), else 404 as if it did not exist."""
    call_off = await repository.get_call_off(call_off_id)
    await require_visible(ctx, call_off)
    return call_off


async def get_call_off(ctx: Context, call_off_id: int) -> CallOff:
    return await readable_call_off(ctx, call_off_id)


async def list_call_offs(ctx: Context, limit: int, after_id: int, status: CallOffStatus | None) -> Page[CallOff]:
    """Call-offs the caller may see: council staff their council's, providers those they were
    invited to, admins all."""
    p = ctx.user
    provider_id = access.provider_of(p)
    if p.is_admin:
        authority_id = None
    elif provider_id is not None:
        authority_id = None
    elif p.org_id is not None:
        authority_id = p.org_id
    else:
        raise PermissionDenied("you may not list placement requests")
    return await repository.list_call_offs(
        limit, after_id, authority_id=authority_id, invited_provider_id=provider_id, status=status
    )


@dataclass(frozen=True, slots=True)
class CallOffView:
    call_off: CallOff
    profile_withheld: bool  # an invited provider that did not win, once the call-off has ended
    past_deadline: bool  # `CallOff.past_deadline` at the time of reading (still published until the sweep)

    @property
    def id(self) -> int:
        return self.call_off.id


async def _views(ctx: Context, items: list[CallOff]) -> list[CallOffView]:
    provider_id = access.provider_of(ctx.user)
    ended = [c.id for c in items if c.status in ENDED]
    winners = await repository.awarded_providers(ended) if provider_id is not None else {}
    now = ctx.clock.now()
    return [
        CallOffView(
            c,
            profile_withheld(
                c.status,
                council_staff=access.is_council_staff(ctx.user, c),
                winner=provider_id is not None and winners.get(c.id) == provider_id,
            ),
            c.past_deadline(now),
        )
        for c in items
    ]


async def view_call_off(ctx: Context, call_off_id: int) -> CallOffView:
    """One call-off as the caller may see it (`get_call_off`), with the child's profile withheld
    from the invited providers that did not win once it has ended (issue 13 item 9)."""
    return (await _views(ctx, [await get_call_off(ctx, call_off_id)]))[0]


async def list_call_off_views(
    ctx: Context, limit: int, after_id: int, status: CallOffStatus | None
) -> Page[CallOffView]:
    """`list_call_offs`, each with its profile withheld where `view_call_off` withholds it."""
    page = await list_call_offs(ctx, limit, after_id, status)
    return Page(items=await _views(ctx, page.items), next_after_id=page.next_after_id)


async def list_invitations(
    ctx: Context, call_off_id: int, limit: int, after_id: int, invited: bool | None
) -> Page[Invitation]:
    """The frozen invitation list with each left-out setting's reasons: the raising council's
    staff see all of it; a provider sees only its own settings' rows."""
    call_off = await readable_call_off(ctx, call_off_id)
    provider_id = None if access.is_council_staff(ctx.user, call_off) else access.provider_of(ctx.user)
    return await repository.list_invitations(call_off_id, limit, after_id, invited=invited, provider_id=provider_id)


# --- clarifications ------------------------------------------------------------------------------


async def ask_clarification(ctx: Context, call_off_id: int, question: str) -> Clarification:
    """An invited provider asks a question before the deadline; the council is told."""
    check_texts(ctx, [("question", question)])
    async with DB.transaction():
        call_off = await repository.get_call_off(call_off_id, lock="SHARE")
        await require_visible(ctx, call_off)
        provider_id = access.provider_of(ctx.user)
        if provider_id is None:
            raise PermissionDenied("only invited providers ask clarification questions")
        now = ctx.clock.now()
        require_questions_open(call_off, now)
        row = await repository.insert_clarification(call_off_id, provider_id, question.strip(), now)
        await audit.record(ctx, "call_off.clarification_asked", ENTITY, call_off_id, after={"clarification_id": row.id})
    return row


async def answer_clarification(ctx: Context, call_off_id: int, clarification_id: int, answer: str) -> Clarification:
    """The commissioner answers; the answer goes to every invited provider, without saying who
    asked (equal treatment, PCR 2015 reg 18)."""
    check_texts(ctx, [("answer", answer)])
    async with DB.transaction():
        call_off = await repository.get_call_off(call_off_id, lock="SHARE")
        await require_manage(ctx, call_off)
        before = await repository.get_clarification(call_off_id, clarification_id, for_update=True)
        now = ctx.clock.now()
        after = before.answered(answer, now)
        await repository.answer_clarification(clarification_id, after.answer or "", now)
        await notify(
            await repository.invited_recipients(call_off_id),
            kind="call_off.clarification",
            key=f"call_off:{call_off_id}:clarification:{clarification_id}",
            subject="A clarification was published",
            body="A clarification was published on a placement request you were invited to. Sign in to read it.",
            link_path=f"/api/v1/call-offs/{call_off_id}/clarifications",
            at=now,
        )
        await audit.record(ctx, "call_off.clarification_answered", ENTITY, call_off_id, before=before, after=after)
    return after


async def list_clarifications(ctx: Context, call_off_id: int) -> tuple[list[Clarification], int | None]:
    """(clarifications, the caller's provider id or None). Withheld, like the profile, from an
    invited provider that did not win once the call-off has ended (answers may describe the child)."""
    call_off = await readable_call_off(ctx, call_off_id)
    provider_id = None if access.is_council_staff(ctx.user, call_off) else access.provider_of(ctx.user)
    if (await _views(ctx, [call_off]))[0].profile_withheld:
        return [], provider_id
    return await repository.list_clarifications(call_off_id, provider_id=provider_id), provider_id


def distance_of(value: Decimal | None) -> Decimal:
    if value is None:
        raise NotFound("the setting has no grid reference to measure from", entity="setting")
    return value
