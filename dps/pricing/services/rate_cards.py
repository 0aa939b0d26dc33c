"""Rate cards: a member provider proposes its weekly prices per band; an officer decides."""

from __future__ import annotations

from dps.accounts import public as accounts
from dps.core import audit
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import PermissionDenied, RuleViolation
from dps.core.notifications import notify
from dps.core.pagination import Page
from dps.frameworks import public as frameworks
from dps.pricing import access, repository
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import BandKey, Period
from dps.pricing.domain.rate_cards import (
    ProposedLine,
    RateCard,
    RateCardStatus,
    assess_lines,
    check_succession,
    price_services,
)
from dps.pricing.domain.submissions import Approval, ExceptionDecision, RateCardProposal


async def propose_rate_card(ctx: Context, data: RateCardProposal) -> RateCard:
    """A provider's weekly prices for the bands of a lot it holds an active place on, checked
    against the bands in force on the card's first day; above the ceiling needs a justification."""
    user = ctx.user
    if user.org_id is None:
        raise PermissionDenied("only a provider's own users propose its rate card")
    provider_id = user.org_id
    access.require_provider_staff(user, provider_id)
    period = Period(data.effective_from, data.effective_to)
    async with DB.transaction():
        arrangement_id = await repository.arrangement_of_lot(data.lot_id)
        if not await repository.has_active_membership(provider_id, data.lot_id):
            raise RuleViolation(
                "only a provider with an active place on the lot prices it", code=PricingCode.NOT_A_MEMBER
            )
        bands = await repository.list_bands(lot_id=data.lot_id, on=period.starts_on)
        lines = assess_lines(
            [
                ProposedLine(
                    key=BandKey(x.age_band.strip(), x.need_level.strip(), x.area),
                    weekly_price_pence=x.weekly_price_pence,
                    exception_justification=x.exception_justification,
                )
                for x in data.lines
            ],
            bands,
            period.starts_on,
        )
        catalogue = {s.id: s for s in await repository.list_services(arrangement_id)}
        prices = price_services(list(data.services), catalogue)
        card = await repository.insert_rate_card(
            RateCard(
                id=0,
                provider_id=provider_id,
                arrangement_id=arrangement_id,
                lot_id=data.lot_id,
                status=RateCardStatus.SUBMITTED,
                period=period,
                lines=lines,
                services=prices,
                submitted_at=ctx.clock.now(),
                decided_at=None,
                decision_note=None,
                previous_id=None,
                uplift_id=None,
                version=1,
            )
        )
        await audit.record(ctx, "rate_card.submitted", "rate_card", card.id, after=card)
    return card


async def get_rate_card(ctx: Context, card_id: int) -> RateCard:
    """A rate card, as the caller may read it."""
    card = await repository.get_rate_card(card_id)
    arrangement = await frameworks.get_arrangement_row(card.arrangement_id)
    access.require_read_rate_card(ctx.user, arrangement, card.provider_id, card.id)
    return card


async def list_rate_cards(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    arrangement_id: int | None,
    lot_id: int | None,
    provider_id: int | None,
    status: RateCardStatus | None,
) -> Page[RateCard]:
    """Cards the caller may see: a provider its own; council staff those of arrangements their
    council leads or joins; admins all."""
    own_provider, authority_id = access.card_listing_scope(ctx.user)
    if own_provider is not None:
        if provider_id is not None and provider_id != own_provider:
            raise PermissionDenied("a provider sees only its own rate cards")
        provider_id = own_provider
    return await repository.list_rate_cards(
        limit,
        after_id,
        provider_id=provider_id,
        authority_id=authority_id,
        arrangement_id=arrangement_id,
        lot_id=lot_id,
        status=status,
    )


async def _decidable(ctx: Context, card_id: int, expected_version: int) -> RateCard:
    card = await repository.get_rate_card(card_id, for_update=True)
    arrangement = await frameworks.get_arrangement_row(card.arrangement_id)
    access.require_read_rate_card(ctx.user, arrangement, card.provider_id, card.id)
    access.require_manage_arrangement(ctx.user, arrangement)
    require_version(expected_version, card.version)
    return card


async def decide_exception(
    ctx: Context, card_id: int, line_id: int, expected_version: int, data: ExceptionDecision
) -> RateCard:
    """An officer's decision on one exception request (a price above the band's ceiling)."""
    async with DB.transaction():
        before = await _decidable(ctx, card_id, expected_version)
        after = before.decide_exception(line_id, data.approve, data.reason)
        await repository.save_rate_card(before, after, ctx.user.user_id)
        action = "rate_card.exception_approved" if data.approve else "rate_card.exception_rejected"
        await audit.record(ctx, action, "rate_card", card_id, before=before, after=after)
    return after


async def approve_rate_card(ctx: Context, card_id: int, expected_version: int, data: Approval) -> RateCard:
    """Approve a submitted card: it becomes the provider's prices for the lot from its first day,
    and the provider's earlier approved card ends the day before."""
    async with DB.transaction():
        before = await _decidable(ctx, card_id, expected_version)
        after = before.approve(ctx.clock.now(), data.note, data.abnormally_low_review)
        await repository.lock_provider_cards(before.provider_id, before.lot_id)
        earlier = await repository.approved_cards(before.provider_id, before.lot_id, for_update=True)
        for old, closed in ((c, x) for c in earlier for x in check_succession(after, [c])):
            await repository.save_rate_card(old, closed, None)
            await audit.record(ctx, "rate_card.superseded", "rate_card", old.id, before=old, after=closed)
        await repository.save_rate_card(before, after, ctx.user.user_id)
        await audit.record(ctx, "rate_card.approved", "rate_card", card_id, before=before, after=after)
        await _tell_provider(
            ctx,
            after,
            "rate_card.approved",
            "approved",
            f"It sets your prices for the lot from {after.period.starts_on.isoformat()}."
            + (f" Note: {data.note}" if data.note else ""),
        )
    return after


async def reject_rate_card(ctx: Context, card_id: int, expected_version: int, reason: str) -> RateCard:
    """Reject a submitted card, with the reason; the provider may propose another."""
    async with DB.transaction():
        before = await _decidable(ctx, card_id, expected_version)
        after = before.reject(ctx.clock.now(), reason)
        await repository.save_rate_card(before, after, ctx.user.user_id)
        await audit.record(ctx, "rate_card.rejected", "rate_card", card_id, before=before, after=after)
        await _tell_provider(
            ctx, after, "rate_card.rejected", "refused", f"Reason: {reason}. You may propose another card."
        )
    return after


async def _tell_provider(ctx: Context, card: RateCard, kind: str, outcome: str, detail: str) -> None:
    """The provider learns the decision on its card (and why, when refused) without asking."""
    arrangement = await frameworks.get_arrangement_row(card.arrangement_id)
    await notify(
        await accounts.recipients_of_provider(card.provider_id),
        kind=kind,
        key=f"rate_card:{card.id}:{outcome}",
        subject=f"Rate card {card.id} for {arrangement.reference} {outcome}",
        body=f"Your rate card {card.id} for {arrangement.title} ({arrangement.reference}) was {outcome}. {detail}",
        link_path=f"/api/v1/rate-cards/{card.id}",
        at=ctx.clock.now(),
    )
