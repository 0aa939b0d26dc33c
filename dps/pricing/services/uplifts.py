"""Uplifts: define, preview (dry run) and apply once, with history kept and an audit event.

Applying writes new effective-dated rows in bulk (a handful of statements whatever the number of
cards: 5,000 cards x 8 bands apply in well under the 5 s target, see bench/pricing.py). The result
lists every changed card with its successor's id: `dps.contracts` maps those to the live
placements priced on them and issues the fee variations (a lower package never reaches up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import PermissionDenied
from dps.core.pagination import Page
from dps.frameworks import public as frameworks
from dps.pricing import access, repository
from dps.pricing.domain.submissions import UpliftDraft
from dps.pricing.domain.uplifts import (
    Uplift,
    UpliftPlan,
    UpliftStatus,
    check_uplift,
    plan_uplift,
)


@dataclass(frozen=True, slots=True)
class AppliedUplift:
    uplift: Uplift
    plan: UpliftPlan
    new_rate_card_ids: dict[int, int]  # old card id -> the card holding the uplifted prices


async def define_uplift(ctx: Context, data: UpliftDraft) -> Uplift:
    """A draft uplift for an arrangement (the lead authority's officers): flat or weighted index."""
    components = data.components
    check_uplift(data.method, data.flat_percentage, components)
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(data.arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, arrangement)
        uplift = await repository.insert_uplift(
            Uplift(
                id=0,
                arrangement_id=arrangement.id,
                description=data.description.strip(),
                effective_on=data.effective_on,
                method=data.method,
                flat_percentage=data.flat_percentage,
                components=components,
                status=UpliftStatus.DRAFT,
                applied_at=None,
                version=1,
            ),
            ctx.clock.now(),
        )
        await audit.record(ctx, "uplift.defined", "uplift", uplift.id, after=uplift)
    return uplift


async def _readable(ctx: Context, uplift_id: int, *, manage: bool, for_update: bool = False) -> Uplift:
    uplift = await repository.get_uplift(uplift_id, for_update=for_update)
    arrangement = await frameworks.get_arrangement_row(uplift.arrangement_id)
    if manage:
        access.require_manage_arrangement(ctx.user, arrangement)
    else:
        access.require_read_prices(ctx.user, arrangement, member_provider=False)
    return uplift


async def get_uplift(ctx: Context, uplift_id: int) -> Uplift:
    return await _readable(ctx, uplift_id, manage=False)


async def list_uplifts(ctx: Context, limit: int, after_id: int, arrangement_id: int | None) -> Page[Uplift]:
    """Uplifts of arrangements the caller's council leads or joins (admins: all)."""
    user = ctx.user
    if not (user.is_admin or user.is_authority_staff):
        raise PermissionDenied("uplifts are for the arrangement's councils")
    authority_id = None if user.is_admin else user.org_id
    return await repository.list_uplifts(limit, after_id, authority_id=authority_id, arrangement_id=arrangement_id)


async def _plan(uplift: Uplift) -> UpliftPlan:
    bands = await repository.list_bands(arrangement_id=uplift.arrangement_id, on=uplift.effective_on)
    cards = await repository.cards_in_force(uplift.arrangement_id, uplift.effective_on)
    return plan_uplift(uplift, bands, cards)


async def preview_uplift(ctx: Context, uplift_id: int) -> UpliftPlan:
    """Dry run: every band and approved rate card in force on the day, before and after."""
    async with DB.transaction():
        uplift = await _readable(ctx, uplift_id, manage=True)
        plan = await _plan(uplift)
    return plan


async def apply_uplift(ctx: Context, uplift_id: int) -> AppliedUplift:
    """Apply once: bands and cards in force the day before end then; new rows start on the day."""
    async with DB.transaction():
        before = await _readable(ctx, uplift_id, manage=True, for_update=True)
        after = before.apply(ctx.clock.now())  # 409 uplift_already_applied the second time
        plan = await _plan(before)
        at = ctx.clock.now()
        day = before.effective_on
        if plan.bands:
            await repository.end_bands([c.before.id for c in plan.bands], day - timedelta(days=1))
        await repository.insert_bands_bulk([c.after for c in plan.bands], at)
        new_ids = await repository.continue_cards([c.before for c in plan.cards], day, before.id, at, ctx.user.user_id)
        await repository.continue_lines(
            [(x.line_id, new_ids[c.before.id], x.price.after_pence) for c in plan.cards for x in c.lines]
        )
        await repository.insert_service_prices_bulk(
            [(new_ids[c.before.id], price) for c in plan.cards for price in c.new_services()]
        )
        await repository.mark_uplift_applied(before, after, ctx.user.user_id)
        await audit.record(
            ctx,
            "uplift.applied",
            "uplift",
            uplift_id,
            before=before,
            after={
                "uplift": after,
                "percentage": str(plan.percentage),
                "bands_uplifted": [c.before.id for c in plan.bands],
                "rate_cards_uplifted": {str(k): v for k, v in sorted(new_ids.items())},
                "rate_cards_left_alone": list(plan.cards_left_alone),
            },
        )
    return AppliedUplift(uplift=after, plan=plan, new_rate_card_ids=new_ids)
