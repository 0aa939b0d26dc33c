"""The evaluation panel of a call-off: assign and release evaluators, see where each stands and
whose marks one may see, reopen an evaluation before the award (`dps.tenders.domain.panel`)."""

from __future__ import annotations

from dataclasses import dataclass

from dps.accounts import public as accounts
from dps.accounts.domain import UserStatus
from dps.core import audit
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, RuleViolation
from dps.core.evaluation import Mark
from dps.core.notifications import Recipient, notify
from dps.frameworks import public as frameworks
from dps.tenders import access, repository
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import CallOff, CallOffStatus
from dps.tenders.domain.panel import PanelMember, PanelProgress, marks_visible, min_evaluators, progress
from dps.tenders.services.call_offs import readable_call_off, require_visible

ENTITY = "call_off"
# A panel is set up from the draft until the evaluation is complete.
PANEL_STATES = frozenset({CallOffStatus.DRAFT, CallOffStatus.PUBLISHED, CallOffStatus.CLOSED})


async def _require_oversee(ctx: Context, call_off: CallOff) -> None:
    if not access.may_oversee(ctx.user, call_off):
        await require_visible(ctx, call_off)
        raise PermissionDenied("only the raising council's commissioners and procurement officers run the evaluation")


def _require_panel_state(call_off: CallOff) -> None:
    if call_off.status not in PANEL_STATES:
        raise Conflict(
            f"the call-off is {call_off.status.value}; the panel changes only until the evaluation is complete",
            code=TenderCode.NOT_IN_EVALUATION,
        )


async def assign_evaluators(ctx: Context, call_off_id: int, evaluator_ids: list[int]) -> list[PanelMember]:
    """Put the raising council's evaluators or commissioners on the panel (those already on it
    stay as they are); each is told. Returns the whole panel."""
    async with DB.transaction():
        call_off = await repository.get_call_off(call_off_id, lock="UPDATE")
        await _require_oversee(ctx, call_off)
        _require_panel_state(call_off)
        panel = await repository.panel_of(call_off_id)
        on_panel = {m.evaluator_id: m for m in panel}
        now = ctx.clock.now()
        fresh: list[PanelMember] = []
        recipients: list[Recipient] = []
        for evaluator_id in dict.fromkeys(evaluator_ids):
            if evaluator_id in on_panel:
                if not on_panel[evaluator_id].active:
                    raise Conflict(
                        f"user {evaluator_id} was released from this evaluation", code=TenderCode.EVALUATOR_RELEASED
                    )
                continue
            try:
                user = await accounts.get_user(evaluator_id)
            except NotFound:
                user = None
            if (
                user is None
                or user.status is not UserStatus.ACTIVE
                or not access.may_sit_on_panel(user.role, user.authority_id, call_off)
            ):
                raise RuleViolation(
                    f"user {evaluator_id} is not an active evaluator or commissioner of the raising council",
                    code=CommonCode.NOT_AN_EVALUATOR,
                    field="evaluator_ids",
                )
            fresh.append(PanelMember(evaluator_id, ctx.user.user_id, now))
            recipients.append(Recipient(user_id=user.id, email=user.email))
        await repository.insert_panel_members(call_off_id, fresh)
        for recipient in recipients:
            await notify(
                [recipient],
                kind="call_off.evaluator_assigned",
                key=f"call_off:{call_off_id}:evaluator:{recipient.user_id}:assigned",
                subject="You are assigned to evaluate a placement request",
                body="You are on the evaluation panel of a placement request. Mark every offer once they open.",
                link_path=f"/api/v1/call-offs/{call_off_id}/evaluators",
                at=now,
            )
        if fresh:
            await audit.record(ctx, "call_off.evaluators_assigned", ENTITY, call_off_id,
                               after={"evaluator_user_ids": [m.evaluator_id for m in fresh]})  # fmt: skip
        members = await repository.panel_of(call_off_id)
    return members


async def release_evaluator(ctx: Context, call_off_id: int, evaluator_id: int, reason: str) -> PanelMember:
    """Take an evaluator off the panel with the reason (their marks stop counting); audited."""
    async with DB.transaction():
        call_off = await repository.get_call_off(call_off_id, lock="UPDATE")
        await _require_oversee(ctx, call_off)
        _require_panel_state(call_off)
        panel = {m.evaluator_id: m for m in await repository.panel_of(call_off_id)}
        before = panel.get(evaluator_id)
        if before is None:
            raise NotFound(f"user {evaluator_id} is not on this call-off's panel", entity="panel_member")
        after = before.release(reason, ctx.user.user_id, ctx.clock.now())
        await repository.save_panel_release(call_off_id, after)
        await audit.record(ctx, "call_off.evaluator_released", ENTITY, call_off_id, before=before, after=after)
    return after


async def panel_progress(call_off_id: int) -> tuple[list[PanelMember], PanelProgress, dict[int, set[int]]]:
    panel = await repository.panel_of(call_off_id)
    marked = await repository.marked_offers(call_off_id)
    return panel, progress(panel, marked, await repository.submitted_offer_ids(call_off_id)), marked


async def minimum_panel(call_off: CallOff) -> int:
    arrangement = await frameworks.get_arrangement_row(call_off.arrangement_id)
    return min_evaluators(arrangement.profile_code, call_off.criteria.min_evaluators)


async def my_panels(ctx: Context) -> list[CallOff]:
    """The placement requests on whose evaluation panel the caller sits (not released), for their
    list of evaluations; a panel is the raising council's, so nobody else's are listed."""
    p = ctx.user
    return [c for c in await repository.call_offs_on_panel(p.user_id) if access.may_sit_on_panel(p.role, p.org_id, c)]


@dataclass(frozen=True, slots=True)
class PanelView:
    members: list[PanelMember]
    state: PanelProgress
    offers_marked: dict[int, int]
    minimum: int


async def get_panel(ctx: Context, call_off_id: int) -> PanelView:
    """The panel and where each evaluator stands: the raising council's staff only."""
    call_off = await readable_call_off(ctx, call_off_id)
    if not access.is_council_staff(ctx.user, call_off):
        raise PermissionDenied("the evaluation panel is the raising council's")
    members, state, marked = await panel_progress(call_off_id)
    counts = {m.evaluator_id: len(marked.get(m.evaluator_id, ())) for m in members}
    return PanelView(members, state, counts, await minimum_panel(call_off))


@dataclass(frozen=True, slots=True)
class VisibleMarks:
    evaluator_id: int
    marks: list[Mark]
    moderated: bool


async def offer_marks(ctx: Context, call_off_id: int, offer_id: int) -> list[VisibleMarks]:
    """The marks on one offer the caller may see (`domain.panel.marks_visible`): an evaluator their
    own, and the others' once both have submitted; the moderator each evaluator's once submitted,
    and the moderated marks."""
    call_off = await readable_call_off(ctx, call_off_id)
    if not access.is_council_staff(ctx.user, call_off):
        raise PermissionDenied("marks are the raising council's")
    await repository.get_offer(call_off_id, offer_id)
    _, state, _ = await panel_progress(call_off_id)
    # A commissioner who also marks is no moderator until their own marks are in (no anchoring).
    moderator = access.may_oversee(ctx.user, call_off) and ctx.user.user_id not in state.marking
    by_evaluator: dict[int, list[Mark]] = {}
    moderated: list[Mark] = []
    for row in await repository.marks_of_offer(offer_id):
        if row.moderated:
            moderated.append(row.mark)
        elif marks_visible(row.evaluator_id, ctx.user.user_id, submitted=state.submitted, moderator=moderator):
            by_evaluator.setdefault(row.evaluator_id, []).append(row.mark)
    result = [VisibleMarks(evaluator_id, marks, False) for evaluator_id, marks in by_evaluator.items()]
    if moderated and (moderator or ctx.user.user_id in state.submitted):
        result.append(VisibleMarks(0, moderated, True))
    return result


async def reopen_evaluation(ctx: Context, call_off_id: int, reason: str) -> CallOff:
    """Reopen an evaluated call-off for marking before the award, with the reason; audited."""
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        await _require_oversee(ctx, before)
        try:
            after = before.reopen_evaluation(reason)
        except IllegalTransition as error:
            raise Conflict(
                f"the call-off is {before.status.value}; only an evaluated call-off, before the award, reopens",
                code=TenderCode.NOT_EVALUATED,
            ) from error
        await repository.update_call_off(before, after)
        await repository.delete_scores(call_off_id)  # no stale ranking while it is marked again
        await audit.record(ctx, "call_off.evaluation_reopened", ENTITY, call_off_id, before=before,
                           after={"call_off": after, "reason": reason.strip()})  # fmt: skip
    return after
