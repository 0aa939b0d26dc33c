"""Arrangements and their lots: set up, publish, run, and change within the profile's rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from dps.accounts import public as accounts
from dps.accounts.domain import User, UserStatus
from dps.core import audit, deadlines
from dps.core.codes import CommonCode
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import Conflict, NotFound, RuleViolation
from dps.core.evaluation import CriterionKind
from dps.core.pagination import Page
from dps.core.patches import changed_fields
from dps.frameworks import access, repository
from dps.frameworks import application_repository as answers_repo
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.arrangements import (
    Arrangement,
    ArrangementStatus,
    ArrangementStep,
    Lot,
    PublishingCheck,
    check_conditions_editable,
    check_lot_bands,
    check_questionnaire_editable,
    check_term,
    check_windows_do_not_overlap,
    unreachable_lots,
)
from dps.frameworks.domain.questionnaires import criteria_for_lot, threshold_applies
from dps.frameworks.domain.submissions import ArrangementChanges, ArrangementDraft, LotChanges, LotDraft
from dps.frameworks.profiles import Profile, get_profile, term_end_allowed


def check_quality_threshold(threshold: Decimal) -> None:
    """A pass mark is a percentage of the weighted total, with at most two decimals."""
    if (
        not threshold.is_finite()
        or not (Decimal(0) <= threshold <= Decimal(100))
        or threshold != threshold.quantize(Decimal("0.01"))
    ):
        raise RuleViolation("the quality threshold is a percentage from 0 to 100.00", code=CommonCode.INVALID_THRESHOLD)


def _check_decision_period(profile: Profile, days: int | None) -> None:
    if days is not None and not profile.decision_period_configurable:
        raise RuleViolation(
            f"the decision period of a {profile.title} is set by law and cannot be configured",
            code=FrameworkCode.DECISION_PERIOD_NOT_CONFIGURABLE,
        )


async def _members(lead_authority_id: int, ids: Iterable[int]) -> frozenset[int]:
    """Member councils other than the lead (which is a member anyway); each must exist."""
    members = frozenset(ids) - {lead_authority_id}
    for authority_id in sorted(members):
        try:
            await accounts.get_authority_row(authority_id)
        except NotFound as error:
            raise RuleViolation(
                f"authority {authority_id} does not exist",
                code=FrameworkCode.UNKNOWN_AUTHORITY,
                authority_id=authority_id,
            ) from error
    return members


def _require_not_expired(arrangement: Arrangement) -> None:
    if arrangement.status is ArrangementStatus.EXPIRED:
        raise Conflict("the arrangement's term has ended; it can no longer change", code=CommonCode.ARRANGEMENT_EXPIRED)


# --- arrangements ----------------------------------------------------------------------------


async def create_arrangement(ctx: Context, data: ArrangementDraft) -> Arrangement:
    """A new draft arrangement led by the officer's own council, its term within the profile's limits."""
    lead_authority_id = access.lead_authority_for_new_arrangement(ctx.user, data.lead_authority_id)
    profile = get_profile(data.profile_code)
    check_term(data.term_start, data.term_end)
    term_end_allowed(profile, data.term_start, data.term_end)
    _check_decision_period(profile, data.decision_period_days)
    check_quality_threshold(data.quality_threshold)
    windows = data.windows
    check_windows_do_not_overlap(windows)
    async with DB.transaction():
        try:
            await accounts.get_authority_row(lead_authority_id)
        except NotFound as error:
            raise RuleViolation(
                f"authority {lead_authority_id} does not exist", code=FrameworkCode.UNKNOWN_AUTHORITY
            ) from error
        draft = Arrangement(
            id=0,
            reference=data.reference.strip(),
            title=data.title.strip(),
            service_type=data.service_type,
            profile_code=profile.code.value,
            lead_authority_id=lead_authority_id,
            member_authority_ids=await _members(lead_authority_id, data.member_authority_ids),
            term_start=data.term_start,
            term_end=data.term_end,
            status=ArrangementStatus.DRAFT,
            quality_threshold=data.quality_threshold,
            min_evaluators=data.min_evaluators,
            decision_period_days=data.decision_period_days,
            windows=windows,
            extensions=(),
            version=1,
            window_reminder_days=data.window_reminder_days,
        )
        arrangement = await repository.insert_arrangement(draft, ctx.clock.now())
        await audit.record(ctx, "arrangement.created", "arrangement", arrangement.id, after=arrangement)
    return arrangement


async def get_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """An arrangement, as the caller may read it (a draft only by its lead's officers)."""
    arrangement = await repository.get_arrangement(arrangement_id)
    access.require_read_arrangement(ctx.user, arrangement)
    return arrangement


async def list_arrangements(
    ctx: Context, limit: int, after_id: int, status: ArrangementStatus | None
) -> Page[Arrangement]:
    """Arrangements the caller may see: providers every published one, council staff those their
    council leads or joins (officers also the lead's drafts), admins all."""
    authority_id, include_drafts = access.listing_scope(ctx.user)
    return await repository.list_arrangements(
        limit, after_id, authority_id=authority_id, include_drafts=include_drafts, status=status
    )


async def update_arrangement(
    ctx: Context, arrangement_id: int, expected_version: int, patch: ArrangementChanges
) -> Arrangement:
    """Change an arrangement if nobody changed it since `expected_version` was read."""
    changes = changed_fields(patch)
    new_end = changes.pop("term_end", None)
    reason = changes.pop("extension_reason", None)
    if "windows" in changes:
        check_windows_do_not_overlap(changes["windows"])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    if "quality_threshold" in changes:
        check_quality_threshold(changes["quality_threshold"])
    async with DB.transaction():
        before = await repository.get_arrangement(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, before)
        require_version(expected_version, before.version)
        _require_not_expired(before)
        profile = get_profile(before.profile_code)
        if "quality_threshold" in changes and changes["quality_threshold"] != before.quality_threshold:
            # The pass mark is a condition of membership: frozen once a dynamic market is open, and
            # once an application was submitted under the current questionnaire version.
            check_conditions_editable(before, profile.conditions_locked_when_open)
            check_questionnaire_editable(
                before, await answers_repo.submitted_under(arrangement_id, before.questionnaire_version)
            )
        if "member_authority_ids" in changes:
            changes["member_authority_ids"] = await _members(before.lead_authority_id, changes["member_authority_ids"])
        after = replace(before, **changes)
        if new_end is not None and new_end != before.term_end:
            term_end_allowed(profile, before.term_start, new_end)
            if before.status is ArrangementStatus.DRAFT and reason is None:
                # Nothing is published yet: the draft's term is simply corrected.
                check_term(before.term_start, new_end)
                after = replace(after, term_end=new_end)
            else:
                # Once published, only a recorded extension moves the end (with its reason).
                after = after.extend_term(new_end, reason or "", ctx.clock.now())
        after = replace(after, version=before.version + 1)
        await repository.update_arrangement(before, after)
        if after.status is not ArrangementStatus.DRAFT:
            # Term and windows drive reminders: the scheduler re-reads them at its next sweep.
            await deadlines.track(EntityType.ARRANGEMENT, arrangement_id, ctx.clock.now())
        await audit.record(ctx, "arrangement.updated", "arrangement", arrangement_id, before=before, after=after)
    return after


async def _move(ctx: Context, arrangement_id: int, step: ArrangementStep, action: str) -> Arrangement:
    """Take one step of the arrangement's life (`Arrangement.publish` ... `resume` hold the rule)."""
    async with DB.transaction():
        before = await repository.get_arrangement(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, before)
        verb = {
            ArrangementStep.PUBLISH: before.publish,
            ArrangementStep.CLOSE: before.close,
            ArrangementStep.SUSPEND: before.suspend,
            ArrangementStep.RESUME: before.resume,
        }[step]
        after = verb()  # refuses an illegal step (409) before anything else is checked
        if step is ArrangementStep.PUBLISH:
            await check_publishable(before)
        await repository.update_arrangement(before, after)
        await deadlines.track(EntityType.ARRANGEMENT, arrangement_id, ctx.clock.now())
        await audit.record(ctx, action, "arrangement", arrangement_id, before=before, after=after)
    return after


async def check_publishable(arrangement: Arrangement) -> None:
    """What frameworks itself requires of a draft before it opens: a lot, and a pass mark every
    lot can reach (422 `threshold_unreachable` naming the lots)."""
    lots = await repository.all_lots(arrangement.id)
    if not lots:
        raise RuleViolation("add at least one lot before publishing", code=FrameworkCode.NO_LOTS)
    questions = await answers_repo.list_questions(arrangement.id, arrangement.questionnaire_version)
    scored = frozenset(
        lot.id for lot in lots if any(c.kind is CriterionKind.SCORED for c in criteria_for_lot(questions, lot.id))
    )
    unreachable = unreachable_lots(lots, arrangement.quality_threshold, scored, threshold_applies(questions))
    if unreachable:
        codes = ", ".join(lot.code for lot in unreachable)
        raise RuleViolation(
            f"no scored question applies to lot(s) {codes}, so their total is always 0.00 and the pass mark can "
            "never be met: add a scored question for them, or set their quality_threshold to 0 to admit on the "
            "pass/fail questions alone",
            code=FrameworkCode.THRESHOLD_UNREACHABLE,
            lot_ids=[lot.id for lot in unreachable],
        )


async def publish_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """Open a draft to applications; it needs at least one lot."""
    return await _move(ctx, arrangement_id, ArrangementStep.PUBLISH, "arrangement.published")


async def close_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """Stop taking new applications (members keep their places)."""
    return await _move(ctx, arrangement_id, ArrangementStep.CLOSE, "arrangement.closed")


async def suspend_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """Pause an open arrangement (e.g. while a challenge is resolved)."""
    return await _move(ctx, arrangement_id, ArrangementStep.SUSPEND, "arrangement.suspended")


async def resume_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """Open a suspended or closed arrangement again."""
    return await _move(ctx, arrangement_id, ArrangementStep.RESUME, "arrangement.resumed")


# --- lots ------------------------------------------------------------------------------------


async def lock_editable_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """The arrangement, locked, if the caller may change its lots now (Procurement Act 2023 s.36
    freezes a dynamic market's lots once it is open)."""
    arrangement = await repository.get_arrangement(arrangement_id, for_update=True)
    access.require_manage_arrangement(ctx.user, arrangement)
    _require_not_expired(arrangement)
    check_conditions_editable(arrangement, get_profile(arrangement.profile_code).conditions_locked_when_open)
    return arrangement


async def add_lot(ctx: Context, arrangement_id: int, data: LotDraft) -> Lot:
    """Add a lot to an arrangement (the lead authority's officers)."""
    age_bands = data.age_bands
    need_levels = tuple(n.strip() for n in data.need_levels)
    check_lot_bands(age_bands, need_levels)
    if data.quality_threshold is not None:
        check_quality_threshold(data.quality_threshold)
    async with DB.transaction():
        await lock_editable_arrangement(ctx, arrangement_id)
        lot = await repository.insert_lot(
            Lot(
                id=0,
                arrangement_id=arrangement_id,
                code=data.code,
                title=data.title.strip(),
                description=data.description,
                age_bands=age_bands,
                need_levels=need_levels,
                areas=tuple(data.areas),
                quality_threshold=data.quality_threshold,
            )
        )
        await audit.record(ctx, "lot.created", "lot", lot.id, after=lot)
    return lot


async def list_lots(ctx: Context, arrangement_id: int, limit: int, after_id: int) -> Page[Lot]:
    """The lots of an arrangement the caller may read, a page at a time."""
    await get_arrangement(ctx, arrangement_id)
    return await repository.list_lots(arrangement_id, limit, after_id)


async def update_lot(ctx: Context, arrangement_id: int, lot_id: int, patch: LotChanges) -> Lot:
    """Change a lot while the arrangement's conditions may still change."""
    changes = changed_fields(patch)
    if "need_levels" in changes:
        changes["need_levels"] = tuple(n.strip() for n in changes["need_levels"])
    if "areas" in changes:
        changes["areas"] = tuple(changes["areas"])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    if changes.get("quality_threshold") is not None:
        check_quality_threshold(changes["quality_threshold"])
    async with DB.transaction():
        arrangement = await lock_editable_arrangement(ctx, arrangement_id)
        before = await repository.get_lot(arrangement_id, lot_id, for_update=True)
        if "quality_threshold" in changes and changes["quality_threshold"] != before.quality_threshold:
            submitted = await answers_repo.submitted_under(arrangement_id, arrangement.questionnaire_version)
            check_questionnaire_editable(arrangement, submitted)
        after = replace(before, **changes)
        check_lot_bands(after.age_bands, after.need_levels)
        await repository.update_lot(after)
        await audit.record(ctx, "lot.updated", "lot", lot_id, before=before, after=after)
    return after


async def remove_lot(ctx: Context, arrangement_id: int, lot_id: int) -> None:
    """Delete a draft arrangement's lot, a setup mistake (409 `lot_in_use` while questions or price
    bands name it; 409 `arrangement_published` once published: withdraw it instead)."""
    async with DB.transaction():
        arrangement = await lock_editable_arrangement(ctx, arrangement_id)
        if arrangement.status is not ArrangementStatus.DRAFT:
            raise Conflict(
                "a published arrangement's lot is kept for the record: withdraw it instead",
                code=CommonCode.ARRANGEMENT_PUBLISHED,
            )
        before = await repository.get_lot(arrangement_id, lot_id, for_update=True)
        naming = [q.id for q in await answers_repo.list_questions(arrangement_id) if lot_id in q.lot_ids]
        if naming:
            raise Conflict(
                "questions apply to this lot: change or delete them first",
                code=FrameworkCode.LOT_IN_USE,
                question_ids=naming,
            )
        await repository.delete_lot(lot_id)
        await audit.record(ctx, "lot.deleted", "lot", lot_id, before=before)


async def withdraw_lot(ctx: Context, arrangement_id: int, lot_id: int, reason: str) -> Lot:
    """Withdraw a published arrangement's lot: kept with its memberships and history, audited, no
    longer offered to applicants (a draft's lot is deleted instead)."""
    async with DB.transaction():
        arrangement = await repository.get_arrangement(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, arrangement)
        _require_not_expired(arrangement)
        if arrangement.status is ArrangementStatus.DRAFT:
            raise Conflict("a draft's lot is deleted, not withdrawn", code=CommonCode.ARRANGEMENT_DRAFT)
        before = await repository.get_lot(arrangement_id, lot_id, for_update=True)
        after = before.withdraw(reason, ctx.clock.now())
        await repository.update_lot(after)
        await audit.record(ctx, "lot.withdrawn", "lot", lot_id, before=before, after=after)
    return after


async def waive_publishing_check(ctx: Context, arrangement_id: int, check: PublishingCheck, reason: str) -> Arrangement:
    """Record that a publishing check is waived for this draft, with the reason (audited)."""
    async with DB.transaction():
        before = await repository.get_arrangement(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, before)
        after = before.waive(check, reason, ctx.clock.now(), ctx.user.user_id)
        await repository.update_arrangement(before, after)
        await audit.record(
            ctx,
            "arrangement.check_waived",
            "arrangement",
            arrangement_id,
            before={"waivers": before.waivers},
            after={"waivers": after.waivers},
        )
    return after


async def list_evaluators(ctx: Context, arrangement_id: int) -> list[User]:
    """The people who may be assigned to evaluate this arrangement's applications: active
    evaluators and procurement officers of the lead and every member council. The procurement
    officers of those councils may list them (assigning across councils needs their ids)."""
    arrangement = await repository.get_arrangement(arrangement_id)
    access.require_list_evaluators(ctx.user, arrangement)
    found: list[User] = []
    for authority_id in sorted({arrangement.lead_authority_id, *arrangement.member_authority_ids}):
        after = 0
        while True:
            page = await accounts.list_user_rows(100, after, authority_id=authority_id)
            found.extend(
                u
                for u in page.items
                if u.status is UserStatus.ACTIVE
                and access.evaluator_may_be_assigned(u.role, u.authority_id, arrangement)
            )
            if page.next_after_id is None:
                break
            after = page.next_after_id
    return found
