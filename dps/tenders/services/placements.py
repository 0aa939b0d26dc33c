"""Placements: list and filter, end (planned or unplanned), move (an end plus a new placement)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from decimal import Decimal

from dps.accounts import repository as accounts
from dps.core import audit, deadlines, geo
from dps.core.auth import OrgKind, Role
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import PermissionDenied, RuleViolation
from dps.core.pagination import Page
from dps.frameworks import repository as frameworks
from dps.pricing.services import end_agreed_fee, record_agreed_fee, vary_agreed_fee
from dps.tenders import access, repository
from dps.tenders.domain.call_offs import CallOff
from dps.tenders.domain.placements import EndingKind, Placement, UnplannedReason, fee_band, placement_flags

ENTITY = "placement"


async def started(ctx: Context, placement: Placement, call_off: CallOff) -> Placement:
    """What follows a new placement, inside the caller's transaction: pricing records the weekly
    fee agreed, against the lot's band for the child (`fee_band`), so the analysis of the same
    provider's fees across councils counts real placements; the scheduler is asked to look at
    the placement (it reminds both sides before a planned end)."""
    await deadlines.track(ENTITY, placement.id, ctx.clock.now())
    lot = await frameworks.get_lot(call_off.arrangement_id, call_off.lot_id)
    band = fee_band(lot.age_bands, lot.need_levels, call_off.child.age, call_off.child.need_level)
    if band is None:
        return placement
    agreed_fee_id = await record_agreed_fee(
        ctx,
        authority_id=placement.authority_id,
        provider_id=placement.provider_id,
        lot_id=lot.id,
        age_band=band.age_band,
        need_level=band.need_level,
        weekly_fee_pence=placement.weekly_fee_pence,
        start_on=placement.start_date,
        source=ENTITY,
        source_id=placement.id,
    )
    await repository.set_agreed_fee(placement.id, agreed_fee_id)
    return replace(placement, agreed_fee_id=agreed_fee_id)


async def _ended(ctx: Context, placement: Placement) -> None:
    """A placement ended: its fee stops counting from the day after, and the scheduler looks again
    (an end still ahead gets its notice reminders)."""
    if placement.agreed_fee_id is not None and placement.ended_on is not None:
        await end_agreed_fee(placement.agreed_fee_id, placement.ended_on)
    await deadlines.track(ENTITY, placement.id, ctx.clock.now())


def _may_read(ctx: Context, p: Placement) -> bool:
    u = ctx.user
    return u.is_admin or u.is_authority(p.authority_id) or u.is_provider(p.provider_id)


def _require_manage(ctx: Context, p: Placement) -> None:
    """Ending and moving a placement is the placing council's commissioners' decision."""
    u = ctx.user
    if not (u.is_admin or (u.role is Role.COMMISSIONER and u.is_authority(p.authority_id))):
        raise PermissionDenied("only the placing council's commissioners end or move a placement")


async def get_placement(ctx: Context, placement_id: int) -> Placement:
    placement = await repository.get_placement(placement_id)
    if not _may_read(ctx, placement):
        raise PermissionDenied("you may not see this placement")
    return placement


async def list_placements(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    provider_id: int | None,
    live: bool | None,
) -> Page[Placement]:
    """Placements the caller may see, filtered: a council's staff their council's, a provider its
    own, an admin all; `live` true keeps those not ended today, false those ended."""
    u = ctx.user
    own_provider = access.provider_of(u)
    if own_provider is not None:
        if provider_id not in (None, own_provider):
            raise PermissionDenied("a provider sees only its own placements")
        provider_id = own_provider
    elif u.org_kind is OrgKind.AUTHORITY:
        if authority_id not in (None, u.org_id):
            raise PermissionDenied("council staff see their own council's placements")
        authority_id = u.org_id
    elif not u.is_admin:
        raise PermissionDenied("you may not list placements")
    today = ctx.clock.now().date()
    return await repository.list_placements(
        limit,
        after_id,
        authority_id=authority_id,
        provider_id=provider_id,
        live_on=today if live is True else None,
        ended_by=today if live is False else None,
    )


async def vary_weekly_fee(ctx: Context, placement_id: int, weekly_fee_pence: int, from_day: date) -> Placement:
    """A contract variation the placing council agreed changes the placement's weekly fee from
    `from_day`: the placement carries the new fee (so the next uplift starts from it) and pricing
    counts each fee for the days it applied. The placing council's staff, admins, or the system."""
    async with DB.transaction():
        before = await repository.get_placement(placement_id, for_update=True)
        p = ctx.principal
        if p is not None and not (p.is_admin or p.is_authority(before.authority_id)):
            raise PermissionDenied("only the placing council varies a placement's fee")
        after = before.vary_fee(weekly_fee_pence, from_day)
        if before.agreed_fee_id is not None:
            after = replace(
                after, agreed_fee_id=await vary_agreed_fee(ctx, before.agreed_fee_id, weekly_fee_pence, from_day)
            )
        await repository.save_placement_fee(before, after)
        await audit.record(ctx, "placement.fee_varied", ENTITY, placement_id, before=before, after=after)
    return after


async def end_placement(
    ctx: Context,
    placement_id: int,
    expected_version: int,
    ended_on: date,
    kind: EndingKind,
    reason: UnplannedReason | None,
    note: str | None,
) -> Placement:
    """Record the end of a placement with its date and reason (If-Match with the version read)."""
    async with DB.transaction():
        before = await repository.get_placement(placement_id, for_update=True)
        _require_manage(ctx, before)
        require_version(expected_version, before.version)
        after = before.end(ended_on, kind, reason, note)
        await repository.save_placement_ending(before, after)
        await _ended(ctx, after)
        await audit.record(ctx, "placement.ended", ENTITY, placement_id, before=before, after=after)
    return after


async def move_placement(
    ctx: Context,
    placement_id: int,
    expected_version: int,
    ending: tuple[date, EndingKind, UnplannedReason | None, str | None],
    setting_id: int,
    start_date: date,
    weekly_fee_pence: int,
) -> tuple[Placement, Placement]:
    """A move: end this placement and start the next one at another setting, in one transaction.
    Returns (ended, new)."""
    ended_on, kind, reason, note = ending
    if start_date < ended_on:
        raise RuleViolation("the new placement starts on or after the day the old one ends", code="overlapping_move")
    async with DB.transaction():
        before = await repository.get_placement(placement_id, for_update=True)
        _require_manage(ctx, before)
        require_version(expected_version, before.version)
        ended = before.end(ended_on, kind, reason, note)
        await repository.save_placement_ending(before, ended)
        await _ended(ctx, ended)
        setting = await accounts.get_setting(setting_id)
        authority = await accounts.get_authority(before.authority_id)
        home = await asyncio.to_thread(geo.default_directory().locate_district, before.home_district)
        if setting.easting is None or setting.northing is None:
            raise RuleViolation("the setting has no grid reference to measure from", code="unknown_postcode")
        here = geo.Location(setting.postcode, setting.easting, setting.northing, setting.local_authority_code)
        miles, out_of_area, far = placement_flags(
            Decimal(repr(geo.distance_miles(home, here))), setting.local_authority_code, authority.ons_code
        )
        new = await repository.insert_placement(
            Placement(
                id=0,
                call_off_id=None,
                previous_placement_id=before.id,
                authority_id=before.authority_id,
                provider_id=setting.provider_id,
                setting_id=setting.id,
                home_district=before.home_district,
                start_date=start_date,
                weekly_fee_pence=weekly_fee_pence,
                distance_miles=miles,
                out_of_area=out_of_area,
                over_20_miles=far,
                ended_on=None,
                ending_kind=None,
                ending_reason=None,
                ending_note=None,
                version=1,
            ),
            ctx.clock.now(),
        )
        origin = await repository.origin_call_off_id(before.id)
        if origin is not None:
            new = await started(ctx, new, await repository.get_call_off(origin))
        await audit.record(ctx, "placement.ended", ENTITY, placement_id, before=before, after=ended)
        await audit.record(ctx, "placement.created", ENTITY, new.id, after=new)
    return ended, new
