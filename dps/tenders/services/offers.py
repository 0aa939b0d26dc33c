"""Sealed offers: submit, change, withdraw before the deadline; read under the sealing rule;
evaluators' marks and the moderator's after it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from dps.core import audit
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound, PermissionDenied
from dps.core.evaluation import Mark, check_moderation, check_submission
from dps.pricing.public import check_offer_fee
from dps.tenders import access, repository
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, sealed
from dps.tenders.domain.offers import Offer, OfferContent, OfferScore, OfferStatus, check_offer_content
from dps.tenders.domain.panel import require_on_panel
from dps.tenders.services.call_offs import opened, readable_call_off, require_manage, require_visible

ENTITY = "offer"
FEE_FLAGS = ("above_ceiling", "below_floor", "above_rate_card", "no_band", "no_rate_card")


def _provider(ctx: Context) -> int:
    provider_id = access.provider_of(ctx.user)
    if provider_id is None:
        raise PermissionDenied("only providers submit offers")
    return provider_id


def _sealed_event(offer: Offer) -> dict[str, object]:
    """What the audit trail records about an offer: ids, status and a digest of the content, never
    the content itself, so the trail (readable by officers) cannot unseal an offer before the
    deadline, yet proves afterwards what was offered and when."""
    return {
        "offer_id": offer.id,
        "call_off_id": offer.call_off_id,
        "provider_id": offer.provider_id,
        "status": offer.status.value,
        "version": offer.version,
        "content_sha256": offer.content_digest,
        "fee_revised": offer.revised_fee_pence is not None,
    }


async def _checked(
    call_off: CallOff, provider_id: int, content: OfferContent
) -> tuple[tuple[str, ...], dict[int, Decimal | None]]:
    invited = await repository.invited_settings(call_off.id, provider_id)
    if not invited:
        raise NotFound(f"call-off {call_off.id} does not exist", entity="call_off")
    check_offer_content(content, call_off.criteria, frozenset(invited))
    return await _fee_flags(call_off, provider_id, content), invited


async def _fee_flags(call_off: CallOff, provider_id: int, content: OfferContent) -> tuple[str, ...]:
    # The fee is compared with the lot's band (age x need level) in force on the start date and
    # with the provider's approved rate card. Above the ceiling is flagged for the commissioner,
    # not refused: the DPS ceiling is a benchmark and a needs-led placement may justify more; the
    # flag travels with the offer into evaluation and award.
    check = await check_offer_fee(
        lot_id=call_off.lot_id,
        provider_id=provider_id,
        age=call_off.child.age,
        need_level=call_off.child.need_level,
        weekly_fee_pence=content.weekly_fee_pence,
        on=content.start_date,
    )
    return tuple(flag for flag in FEE_FLAGS if getattr(check, flag))


async def _open_call_off(ctx: Context, call_off_id: int) -> CallOff:
    # A share lock: many offers go in at once, but closing (FOR UPDATE) waits for them, so no
    # offer lands in a call-off that has just been opened.
    call_off = await repository.get_call_off(call_off_id, lock="SHARE")
    # The invitation first: an outsider learns neither the state nor whether an offer id exists.
    await require_visible(ctx, call_off)
    call_off.require_taking_offers(ctx.clock.now())
    return call_off


async def submit_offer(ctx: Context, call_off_id: int, content: OfferContent) -> tuple[Offer, Decimal | None]:
    """Submit a sealed offer for one of the provider's invited settings, before the deadline
    (409 `deadline_passed` at or after it). A withdrawn offer for the same setting is revived.

    The busiest write of a deadline rush, so it reads everything it needs in one statement
    (`repository.offer_submission`) and writes in plain SQL (issue 18); the checks and their order
    are those of `_open_call_off` and `_checked`."""
    provider_id = _provider(ctx)
    async with DB.transaction():
        found = await repository.offer_submission(call_off_id, provider_id, content.setting_id)
        call_off, invited = found.call_off, found.invited
        # The invitation first: an outsider learns neither the state nor whether an offer exists
        # (`may_read` for a provider: invited, never to a draft).
        if not access.is_council_staff(ctx.user, call_off) and (call_off.status is CallOffStatus.DRAFT or not invited):
            raise NotFound(f"call-off {call_off.id} does not exist", entity="call_off")
        # One reading of the clock: the offer is stamped with the instant it was found on time.
        now = ctx.clock.now()
        call_off.require_taking_offers(now)
        if not invited:
            raise NotFound(f"call-off {call_off.id} does not exist", entity="call_off")
        check_offer_content(content, call_off.criteria, frozenset(invited))
        flags = await _fee_flags(call_off, provider_id, content)
        existing = found.existing
        if existing is not None and existing.status is OfferStatus.SUBMITTED:
            raise Conflict("this setting already has an offer; change that one", code=TenderCode.OFFER_EXISTS)
        if existing is not None:
            salt = existing.content_salt or secrets.token_hex(16)
            offer = Offer(existing.id, call_off_id, provider_id, content, flags, OfferStatus.SUBMITTED, now, now,
                          existing.version + 1, content_salt=salt)  # fmt: skip
            await repository.update_offer(await repository.get_offer(call_off_id, existing.id), offer)
        else:
            fresh = Offer(0, call_off_id, provider_id, content, flags, OfferStatus.SUBMITTED, now, now, 1,
                          content_salt=secrets.token_hex(16))  # fmt: skip
            offer = await repository.insert_offer_sql(fresh)
        await audit.record(
            ctx, "offer.submitted", ENTITY, offer.id, after=_sealed_event(offer), sealed_until=call_off.deadline
        )
    return offer, invited[content.setting_id]


async def revise_offer(
    ctx: Context, call_off_id: int, offer_id: int, expected_version: int, content: OfferContent
) -> tuple[Offer, Decimal | None]:
    """Change an offer before the deadline (If-Match with the version read)."""
    provider_id = _provider(ctx)
    async with DB.transaction():
        call_off = await _open_call_off(ctx, call_off_id)
        before = await _own_offer(call_off_id, offer_id, provider_id)
        require_version(expected_version, before.version)
        flags, invited = await _checked(call_off, provider_id, content)
        after = before.revise(content, flags, ctx.clock.now())
        await repository.update_offer(before, after)
        await audit.record(
            ctx,
            "offer.revised",
            ENTITY,
            offer_id,
            before=_sealed_event(before),
            after=_sealed_event(after),
            sealed_until=call_off.deadline,
        )
    return after, invited[content.setting_id]


async def withdraw_offer(ctx: Context, call_off_id: int, offer_id: int) -> Offer:
    """Withdraw an offer before the deadline."""
    provider_id = _provider(ctx)
    async with DB.transaction():
        call_off = await _open_call_off(ctx, call_off_id)
        before = await _own_offer(call_off_id, offer_id, provider_id)
        after = before.withdraw(ctx.clock.now())
        await repository.update_offer(before, after)
        await audit.record(
            ctx,
            "offer.withdrawn",
            ENTITY,
            offer_id,
            before=_sealed_event(before),
            after=_sealed_event(after),
            sealed_until=call_off.deadline,
        )
    return after


async def revise_fee(ctx: Context, call_off_id: int, offer_id: int, fee_pence: int) -> tuple[Offer, Decimal | None]:
    """In the price-only second round, the provider of one of the top offers lowers its weekly fee
    before that round's deadline (409 `deadline_passed` at or after it); sealed until then."""
    provider_id = _provider(ctx)
    async with DB.transaction():
        call_off = await repository.get_call_off(call_off_id, lock="SHARE")
        await require_visible(ctx, call_off)
        now = ctx.clock.now()
        call_off.require_second_round_open(now)
        before = await _own_offer(call_off_id, offer_id, provider_id)
        score = (await repository.scores_of(call_off_id)).get(offer_id)
        assert call_off.second_round_size is not None
        if score is None or score.rank is None or score.rank > call_off.second_round_size:
            raise PermissionDenied(
                f"only the top {call_off.second_round_size} offers take part in the second round",
                code=TenderCode.NOT_IN_SECOND_ROUND,
            )
        after = before.revise_fee(fee_pence, now)
        await repository.update_offer(before, after)
        await audit.record(
            ctx,
            "offer.fee_revised",
            ENTITY,
            offer_id,
            before=_sealed_event(before),
            after=_sealed_event(after),
            sealed_until=call_off.second_round_deadline,
        )
        distances = await repository.distances(call_off_id, [after.content.setting_id])
    return after, distances.get(after.content.setting_id)


def _unsealed(call_off: CallOff, offer: Offer, at: datetime) -> Offer:
    """What the council may see of an offer: a second-round fee stays sealed until that round closes."""
    if call_off.second_round_open(at):
        return replace(offer, revised_fee_pence=None, revised_at=None)
    return offer


async def _own_offer(call_off_id: int, offer_id: int, provider_id: int) -> Offer:
    offer = await repository.get_offer(call_off_id, offer_id, for_update=True)
    if offer.provider_id != provider_id:
        raise _no_such_offer(call_off_id, offer_id)
    return offer


def _no_such_offer(call_off_id: int, offer_id: int) -> NotFound:
    """Another provider's offer is 404, word for word as a missing one: a 403 would let a provider
    count the offers in a call-off by probing ids (issue 13 item 10)."""
    return NotFound(f"offer {offer_id} does not exist in call-off {call_off_id}", entity="offer")


@dataclass(frozen=True, slots=True)
class OfferView:
    offer: Offer
    distance_miles: Decimal | None
    score: OfferScore | None


async def _view(call_off_id: int, offers: list[Offer]) -> list[OfferView]:
    distances = await repository.distances(call_off_id, [o.content.setting_id for o in offers])
    scores = await repository.scores_of(call_off_id)
    return [OfferView(o, distances.get(o.content.setting_id), scores.get(o.id)) for o in offers]


async def get_offer(ctx: Context, call_off_id: int, offer_id: int) -> OfferView:
    """The offering provider reads its own offer at any time. Anyone else (the raising council's
    staff) only once the deadline has passed: before it, 403 `offer_sealed`."""
    call_off = await readable_call_off(ctx, call_off_id)
    provider_id = access.provider_of(ctx.user)
    # Sealed before the offer is even looked up: the same 403 for any id, so the council cannot
    # tell which ids are offers before the deadline.
    if provider_id is None and sealed(call_off.deadline, ctx.clock.now()):
        raise PermissionDenied(
            "offers stay sealed until the deadline", code=TenderCode.OFFER_SEALED, deadline=call_off.deadline
        )
    offer = await repository.get_offer(call_off_id, offer_id)
    if provider_id is not None:
        if offer.provider_id != provider_id:
            raise _no_such_offer(call_off_id, offer_id)
    else:
        offer = _unsealed(call_off, offer, ctx.clock.now())
    return (await _view(call_off_id, [offer]))[0]


@dataclass(frozen=True, slots=True)
class OfferListing:
    sealed: bool
    submitted: int
    withdrawn: int
    items: list[OfferView]


async def list_offers(ctx: Context, call_off_id: int) -> OfferListing:
    """A provider: its own offers. The raising council: counts only before the deadline, then
    every offer with its scores."""
    call_off = await readable_call_off(ctx, call_off_id)
    provider_id = access.provider_of(ctx.user)
    if provider_id is not None:
        own = await repository.list_offers(call_off_id, provider_id=provider_id)
        submitted = sum(o.status is OfferStatus.SUBMITTED for o in own)
        return OfferListing(False, submitted, len(own) - submitted, await _view(call_off_id, own))
    submitted, withdrawn = await repository.count_offers(call_off_id)
    if sealed(call_off.deadline, ctx.clock.now()):
        return OfferListing(True, submitted, withdrawn, [])
    now = ctx.clock.now()
    offers = [_unsealed(call_off, o, now) for o in await repository.list_offers(call_off_id)]
    return OfferListing(False, submitted, withdrawn, await _view(call_off_id, offers))


# --- marks -----------------------------------------------------------------------------------------


async def _markable(
    ctx: Context, call_off_id: int, offer_id: int, read: CallOff | None = None
) -> tuple[CallOff, Offer]:
    """`read`: the call-off as the caller has just read it (saves reading it again, issue 18)."""
    await opened(ctx, read or await repository.get_call_off(call_off_id))  # closes it first if the deadline passed
    call_off = await repository.get_call_off(call_off_id, lock="SHARE")
    call_off.require_markable()
    offer = await repository.get_offer(call_off_id, offer_id)
    if offer.status is not OfferStatus.SUBMITTED:
        raise Conflict("a withdrawn offer is not evaluated", code=TenderCode.OFFER_WITHDRAWN)
    return call_off, offer


async def submit_marks(ctx: Context, call_off_id: int, offer_id: int, marks: list[Mark]) -> None:
    """An evaluator marks every question of one opened offer, each with its rationale, once
    (independent marking: `dps.core.evaluation.check_submission`)."""
    # Who may mark is checked first: another council or a provider learns nothing of the
    # call-off's state or its offers from the refusal (404 to outsiders, 403 to other readers).
    call_off = await repository.get_call_off(call_off_id)
    await require_visible(ctx, call_off)
    access.require_evaluator(ctx.user, call_off)
    async with DB.transaction():
        call_off, _ = await _markable(ctx, call_off_id, offer_id, call_off)
        require_on_panel(await repository.panel_of(call_off_id), ctx.user.user_id)
        check_submission(call_off.criteria.criteria(), marks)
        await repository.insert_marks(offer_id, ctx.user.user_id, marks, moderated=False, at=ctx.clock.now())
        # The trail says who marked which offer; the marks themselves go in once the evaluator has
        # marked every offer (their submission), so no reader sees marks before they are submitted.
        await audit.record(ctx, "offer.marked", ENTITY, offer_id, after={"evaluator_user_id": ctx.user.user_id,
                           "question_ids": [m.criterion_id for m in marks]})  # fmt: skip
        own = await repository.evaluator_marks(call_off_id, ctx.user.user_id)
        if set(await repository.submitted_offer_ids(call_off_id)) <= set(own):
            await audit.record(ctx, "call_off.evaluator_submitted", "call_off", call_off_id,
                               after={"evaluator_user_id": ctx.user.user_id,
                                      "marks": {str(k): v for k, v in sorted(own.items())}})  # fmt: skip


async def moderate_marks(ctx: Context, call_off_id: int, offer_id: int, marks: list[Mark]) -> None:
    """The commissioner records the moderated mark, with its reason, for questions the evaluators
    disagree on (or any other); a moderated mark replaces an earlier one."""
    call_off = await repository.get_call_off(call_off_id)
    await require_manage(ctx, call_off)
    async with DB.transaction():
        call_off, _ = await _markable(ctx, call_off_id, offer_id, call_off)
        check_moderation(call_off.criteria.criteria(), marks)
        await repository.delete_moderated_marks(offer_id, [m.criterion_id for m in marks])
        await repository.insert_marks(offer_id, ctx.user.user_id, marks, moderated=True, at=ctx.clock.now())
        await audit.record(ctx, "offer.moderated", ENTITY, offer_id, after={"marks": marks})
