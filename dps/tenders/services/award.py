"""After the deadline: score and rank the opened offers, award, standstill, conclude with a placement."""

from __future__ import annotations

from datetime import datetime

from dps.accounts import public as accounts
from dps.accounts.domain import Region
from dps.core import audit, deadlines
from dps.core.calendar import Nation
from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import Conflict, RuleViolation
from dps.core.notifications import notify
from dps.frameworks import public as frameworks
from dps.frameworks.public import calendar_for, get_profile
from dps.tenders import repository
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, standstill_ends_at
from dps.tenders.domain.offers import Offer, OfferFacts, OfferScore, OfferStatus, moderated_marks, score_offers
from dps.tenders.domain.panel import require_complete
from dps.tenders.domain.placements import Placement
from dps.tenders.services.call_offs import check_texts, distance_of, opened, require_manage
from dps.tenders.services.panel import minimum_panel, panel_progress
from dps.tenders.services.placements import home_of, setting_location, started

ENTITY = "call_off"


async def _locked_open(ctx: Context, call_off_id: int) -> CallOff:
    """The call-off locked for change, closed first if its deadline has passed."""
    await opened(ctx, await repository.get_call_off(call_off_id))
    return await repository.get_call_off(call_off_id, lock="UPDATE")


async def evaluate_call_off(ctx: Context, call_off_id: int) -> CallOff:
    """Score and rank every submitted offer from the moderated marks (`score_offers` documents the
    formula and the tie-break); the call-off moves to evaluated. After a second round has closed,
    score again by the same formula with the revised fees."""
    async with DB.transaction():
        before = await _locked_open(ctx, call_off_id)
        await require_manage(ctx, before)
        if before.status is CallOffStatus.EVALUATED and before.second_round_deadline is not None:
            return await _score_second_round(ctx, before)
        if before.status is not CallOffStatus.CLOSED:
            raise Conflict(f"the call-off is {before.status.value}; offers are scored once it has closed",
                           code=TenderCode.NOT_IN_EVALUATION)  # fmt: skip
        offers = await repository.offers_to_score(call_off_id)
        if not offers:
            raise Conflict(
                "there are no offers to evaluate; end the call-off without an award", code=TenderCode.NO_OFFERS
            )
        _, state, _ = await panel_progress(call_off_id)
        require_complete(state, await minimum_panel(before))
        scores = await _score(before, offers)
        after = before.evaluated()
        await repository.update_call_off(before, after)
        await audit.record(ctx, "call_off.evaluated", ENTITY, call_off_id, before=before,
                           after={"call_off": after, "scores": scores})  # fmt: skip
    return after


async def _score(call_off: CallOff, offers: list[repository.OfferToScore]) -> list[OfferScore]:
    """Score and rank these offers from their moderated marks (two queries in all: the offers with
    their distances are read by the caller, the marks here), and save every score in one statement."""
    marks = await repository.marks_of(call_off.id)
    # Only the marks of evaluators still on the panel count (a released evaluator's do not).
    counted = {m.evaluator_id for m in await repository.panel_of(call_off.id) if m.active}
    marks = repository.CallOffMarks(
        {o: {e: ms for e, ms in by.items() if e in counted} for o, by in marks.evaluator_marks.items()},
        marks.moderated,
    )
    criterion_list = call_off.criteria.criteria()
    facts = [
        OfferFacts(
            offer_id=o.offer_id,
            weekly_fee_pence=o.weekly_fee_pence,
            additional_services_pence=o.additional_services_pence,
            preferred_needs_met=o.preferred_needs_met,
            distance_miles=distance_of(o.distance_miles),
            submitted_at=o.updated_at,
            marks=moderated_marks(
                call_off.criteria,
                marks.evaluator_marks.get(o.offer_id, {}),
                marks.moderated.get(o.offer_id, {}),
                criterion_list=criterion_list,
            ),
        )
        for o in offers
    ]
    scores = score_offers(call_off.criteria, facts, len(call_off.child.preferred_needs))
    await repository.save_scores(scores)
    return scores


async def _score_second_round(ctx: Context, before: CallOff) -> CallOff:
    after = before.second_round_scored(ctx.clock.now())
    scores = await _score(after, await repository.offers_to_score(before.id))
    await repository.update_call_off(before, after)
    await audit.record(ctx, "call_off.second_round_scored", ENTITY, before.id, before=before,
                       after={"call_off": after, "scores": scores})  # fmt: skip
    return after


async def start_second_round(ctx: Context, call_off_id: int, size: int, deadline: datetime) -> CallOff:
    """Invite the providers of the top `size` ranked offers (ties at the cut included) to a
    price-only round closing at `deadline`: each may lower its weekly fee, sealed until then; the
    others' offers stand as they are. The invited providers are told."""
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        await require_manage(ctx, before)
        now = ctx.clock.now()
        after = before.start_second_round(size, deadline, now)
        scores = await repository.scores_of(call_off_id)
        in_round = sorted(s.offer_id for s in scores.values() if s.rank is not None and s.rank <= size)
        if len(in_round) < 2:
            raise Conflict(
                "fewer than two ranked offers: a price round has nobody to compete",
                code=TenderCode.SECOND_ROUND_TOO_SMALL,
            )
        await repository.update_call_off(before, after)
        offers = await repository.offers_to_score(call_off_id, in_round)
        recipients = await repository.provider_recipients(sorted({o.provider_id for o in offers}))
        await notify(
            [r for rs in recipients.values() for r in rs],
            kind="call_off.second_round",
            key=f"call_off:{call_off_id}:second_round",
            subject="Second round (price only) of a placement request",
            body=(
                f"Your offer is among the top {size}. You may lower your weekly fee (never raise it) until "
                f"{deadline.isoformat()}; quality and distance scores stand."
            ),
            link_path=f"/api/v1/call-offs/{call_off_id}/offers",
            at=now,
        )
        await audit.record(ctx, "call_off.second_round_started", ENTITY, call_off_id, before=before,
                           after={"call_off": after, "offer_ids": in_round})  # fmt: skip
    return after


def _nation(region: Region) -> Nation:
    return Nation.WALES if region is Region.WALES else Nation.ENGLAND


def _summary(score: OfferScore, offer: Offer) -> str:
    priced = (
        f"weekly total {offer.weekly_total_pence} pence (fee {offer.agreed_fee_pence} + additional services "
        f"{offer.content.additional_services_pence})"
    )
    if score.rank is None:
        return f"{priced}; failed gateway question(s) {', '.join(map(str, score.failed_gateways))}; not ranked"
    return (
        f"{priced}; quality {score.quality_score}, price {score.price_score}, proximity {score.proximity_score}, "
        f"total {score.total}, rank {score.rank}"
    )


async def award_call_off(ctx: Context, call_off_id: int, offer_id: int, reason: str | None) -> CallOff:
    """Award the top-ranked offer, or another ranked one with a recorded reason. Every offering
    provider receives its assessment summary (its scores and the winner's: PCR 2015 reg 86 /
    Procurement Act 2023 s.50). A standstill follows where the profile has one; without one the
    call-off concludes at once and the placement is recorded."""
    check_texts(ctx, [("reason", reason)])
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        await require_manage(ctx, before)
        scores = await repository.scores_of(call_off_id)
        chosen = scores.get(offer_id)
        if chosen is None or chosen.rank is None:
            raise RuleViolation("award an evaluated, ranked offer of this call-off", code=TenderCode.OFFER_NOT_RANKED)
        top_ids = [s.offer_id for s in scores.values() if s.rank == 1]
        top = offer_id if offer_id in top_ids else top_ids[0]
        arrangement = await frameworks.get_arrangement_row(before.arrangement_id)
        profile = get_profile(arrangement.profile_code)
        lead = await accounts.get_authority_row(arrangement.lead_authority_id)
        now = ctx.clock.now()
        standstill = standstill_ends_at(
            now, profile.standstill_working_days, calendar_for(profile, _nation(lead.region))
        )
        after = before.award(offer_id, top, reason, now, standstill)
        await repository.update_call_off(before, after)
        await audit.record(ctx, "call_off.awarded", ENTITY, call_off_id, before=before, after=after)
        offers = await repository.list_offers(call_off_id, status=OfferStatus.SUBMITTED)
        await _send_assessments(after, offers, scores)
        if standstill is None:
            after = await _conclude(ctx, after)
        else:
            await deadlines.track(EntityType.CALL_OFF, call_off_id, standstill)
    return after


async def _send_assessments(call_off: CallOff, offers: list[Offer], scores: dict[int, OfferScore]) -> None:
    assert call_off.awarded_offer_id is not None and call_off.awarded_at is not None
    winner = scores[call_off.awarded_offer_id]
    winning_offer = next(o for o in offers if o.id == call_off.awarded_offer_id)
    recipients = await repository.provider_recipients(sorted({o.provider_id for o in offers}))
    standstill = (
        f" A standstill runs until {call_off.standstill_ends_at.isoformat()}." if call_off.standstill_ends_at else ""
    )
    for offer in offers:
        won = offer.id == call_off.awarded_offer_id
        body = (
            f"Your offer {offer.id}: {_summary(scores[offer.id], offer)}.\n"
            f"{'Your offer was awarded.' if won else f'The awarded offer: {_summary(winner, winning_offer)}.'}"
            f"{standstill}"
        )
        await notify(
            recipients[offer.provider_id],
            kind="call_off.awarded",
            key=f"call_off:{call_off.id}:assessment:{offer.id}",
            subject=f"Outcome of placement request {call_off.id}",
            body=body,
            link_path=f"/api/v1/call-offs/{call_off.id}/offers/{offer.id}",
            at=call_off.awarded_at,
        )


async def conclude_call_off(ctx: Context, call_off_id: int) -> CallOff:
    """Conclude an awarded call-off once any standstill has ended and record the placement. Called
    by the scheduler (as the system) and by the raising council's commissioner; idempotent."""
    async with DB.transaction():
        before = await repository.get_call_off(call_off_id, lock="UPDATE")
        if ctx.principal is not None:
            await require_manage(ctx, before)
        after = before if before.status is CallOffStatus.CONCLUDED else await _conclude(ctx, before)
    return after


async def _conclude(ctx: Context, before: CallOff) -> CallOff:
    now = ctx.clock.now()
    after = before.conclude(now)
    assert after.awarded_offer_id is not None
    offer = await repository.get_offer(after.id, after.awarded_offer_id)
    setting = await accounts.get_setting_row(offer.content.setting_id)
    authority = await accounts.get_authority_row(after.authority_id)
    placement = await repository.insert_placement(
        Placement.start(
            call_off_id=after.id,
            authority_id=after.authority_id,
            authority_code=authority.ons_code,
            provider_id=offer.provider_id,
            setting_id=setting.id,
            setting_location=setting_location(setting),
            home_district=after.child.home_district,
            home=await home_of(after.child.home_district),
            start_date=offer.content.start_date,
            weekly_fee_pence=offer.agreed_fee_pence,
        ),
        now,
    )
    placement = await started(ctx, placement, after)
    await repository.update_call_off(before, after)
    await deadlines.track(EntityType.CALL_OFF, after.id, None)
    await audit.record(ctx, "call_off.concluded", ENTITY, after.id, before=before, after=after)
    await audit.record(ctx, "placement.created", "placement", placement.id, after=placement)
    return after


async def end_without_award(ctx: Context, call_off_id: int, reason: str) -> CallOff:
    """End an opened call-off without an award (no suitable offer), telling every offering provider."""
    check_texts(ctx, [("reason", reason)])
    async with DB.transaction():
        before = await _locked_open(ctx, call_off_id)
        await require_manage(ctx, before)
        after = before.end_without_award(reason)
        await repository.update_call_off(before, after)
        offers = await repository.list_offers(call_off_id, status=OfferStatus.SUBMITTED)
        recipients = await repository.provider_recipients(sorted({o.provider_id for o in offers}))
        await notify(
            [r for rs in recipients.values() for r in rs],
            kind="call_off.no_award",
            key=f"call_off:{call_off_id}:no_award",
            subject="A placement request ended without an award",
            body="A placement request you offered for ended without an award. Sign in to read the reason.",
            link_path=f"/api/v1/call-offs/{call_off_id}",
            at=ctx.clock.now(),
        )
        await deadlines.track(EntityType.CALL_OFF, call_off_id, None)
        await audit.record(ctx, "call_off.no_award", ENTITY, call_off_id, before=before, after=after)
    return after
