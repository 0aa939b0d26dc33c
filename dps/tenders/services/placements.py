"""Placements: list and filter, end (planned or unplanned), move (an end plus a new placement,
within the framework through the offer's checks, or recorded explicitly outside it)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dps.accounts import public as accounts
from dps.accounts.domain import Setting
from dps.compliance.public import eligibility_for_lot
from dps.core import audit, deadlines, geo
from dps.core.auth import OrgKind, Role
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.dates import uk_date
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import NotFound, PermissionDenied, RuleViolation
from dps.core.pagination import Page
from dps.frameworks import public as frameworks
from dps.pricing.public import check_offer_fee, end_placement_fees, record_agreed_fee, vary_agreed_fee
from dps.tenders import access, repository
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import CallOff
from dps.tenders.domain.placements import (
    EndingKind,
    MoveOutsideFramework,
    Placement,
    UnplannedReason,
    fee_band,
    move_refusals,
    off_framework_reason,
    reference_of_call_off,
)

ENTITY = "placement"


async def home_of(home_district: str) -> geo.Location:
    """The centroid of the child's home district, where every placement's distance is measured from."""
    return await asyncio.to_thread(geo.default_directory().locate_district, home_district)


def setting_location(setting: Setting) -> geo.Location | None:
    """Where a setting is on the OS grid (None: its postcode has no grid reference)."""
    if setting.easting is None or setting.northing is None:
        return None
    return geo.Location(setting.postcode, setting.easting, setting.northing, setting.local_authority_code)


async def started(ctx: Context, placement: Placement, call_off: CallOff) -> Placement:
    """What follows a new placement, inside the caller's transaction: pricing records the weekly
    fee agreed, against the lot's band for the child (`fee_band`), so the analysis of the same
    provider's fees across councils counts real placements; the scheduler is asked to look at
    the placement (it reminds both sides before a planned end). The placement carries the child's
    reference, the lot and the band, to be found by them. A placement outside the framework (a
    spot purchase) is no fee agreed under the arrangement: pricing does not record it."""
    await deadlines.track(EntityType.PLACEMENT, placement.id, ctx.clock.now())
    lot = await frameworks.get_lot(call_off.arrangement_id, call_off.lot_id)
    band = fee_band(lot.age_bands, lot.need_levels, call_off.child.age, call_off.child.need_level)
    placement = replace(
        placement,
        child_reference=reference_of_call_off(call_off.id),
        lot_id=lot.id,
        age_band=band.age_band if band else None,
        need_level=band.need_level if band else None,
    )
    await repository.set_placement_navigation(
        placement.id, placement.child_reference, placement.lot_id, placement.age_band, placement.need_level
    )
    if band is None or placement.off_framework:
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
    """A placement ended: its fees stop counting after the child's last day there (the day before
    `ended_on`), and the scheduler looks again (an end still ahead gets its notice reminders)."""
    if placement.agreed_fee_id is not None and placement.ended_on is not None:
        await end_placement_fees(placement.id, placement.ended_on - timedelta(days=1))
    await deadlines.track(EntityType.PLACEMENT, placement.id, ctx.clock.now())


def today_of(ctx: Context) -> date:
    """The day in the UK now: the day whose fee a placement shows as in force."""
    return uk_date(ctx.clock.now())


def _may_read(ctx: Context, p: Placement) -> bool:
    u = ctx.user
    return u.is_admin or u.is_authority(p.authority_id) or u.is_provider(p.provider_id)


def _hidden(p: Placement) -> NotFound:
    """What an outsider learns about a placement: exactly what a missing id tells (issue 13 item 10)."""
    return NotFound(f"placement {p.id} does not exist", entity="placement")


def _require_manage(ctx: Context, p: Placement) -> None:
    """Ending and moving a placement is the placing council's commissioners' decision; those who
    may not even see it are told it does not exist."""
    u = ctx.user
    if not _may_read(ctx, p):
        raise _hidden(p)
    if not (u.is_admin or (u.role is Role.COMMISSIONER and u.is_authority(p.authority_id))):
        raise PermissionDenied("only the placing council's commissioners end or move a placement")


async def get_placement(ctx: Context, placement_id: int) -> Placement:
    """A placement, as the caller may read it."""
    placement = await repository.get_placement(placement_id)
    if not _may_read(ctx, placement):
        raise _hidden(placement)
    return placement


async def list_placements(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    provider_id: int | None,
    live: bool | None,
    call_off_id: int | None = None,
    child_reference: str | None = None,
) -> Page[Placement]:
    """Placements the caller may see, filtered: a council's staff their council's, a provider its
    own, an admin all; `live` true keeps those not ended today, false those ended; `call_off_id`
    and `child_reference` those of one child (the placement the call-off made and every move)."""
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
        child_reference=child_reference,
        call_off_id=call_off_id,
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
    """Record the end of a placement with its date and reason (If-Match with the version read); an
    end recorded for a later day may be brought forward."""
    async with DB.transaction():
        before = await repository.get_placement(placement_id, for_update=True)
        _require_manage(ctx, before)
        require_version(expected_version, before.version)
        after = before.end(ended_on, kind, reason, note, today_of(ctx))
        await repository.save_placement_ending(before, after)
        await _ended(ctx, after)
        await audit.record(ctx, "placement.ended", ENTITY, placement_id, before=before, after=after)
    return after


@dataclass(frozen=True, slots=True)
class Move:
    """Where the child goes: the setting, the day and weekly fee; `off_framework` with its reason
    records a spot purchase outside the arrangement on purpose."""

    setting_id: int
    start_date: date
    weekly_fee_pence: int
    off_framework: bool = False
    off_framework_reason: str | None = None


async def _require_within_framework(ctx: Context, before: Placement, setting: Setting, move: Move) -> CallOff:
    """The offer's checks for a move under the framework: the one eligibility function of
    compliance for the child in the placement's lot, and pricing's fee check against the band and
    the provider's approved rate card (`move_refusals` says which fail). Returns the call-off that
    placed the child (whose lot, child profile and criteria the checks use)."""
    origin = await repository.origin_call_off_id(before.id)
    if origin is None:
        raise MoveOutsideFramework(
            "this placement was not made by a call-off under an arrangement: a move can only be recorded "
            "outside the framework (off_framework, with a reason)",
            reasons=[{"code": "no_call_off", "detail": "the placement has no call-off to check a move against"}],
        )
    call_off = await repository.get_call_off(origin)
    child, criteria = call_off.child, call_off.criteria
    verdicts = await eligibility_for_lot(
        call_off.lot_id,
        ctx.clock.now(),
        child_age=child.age,
        needs=[n.value for n in child.needs],
        setting_types=[t.value for t in criteria.setting_types],
        min_grade=criteria.min_grade.value if criteria.min_grade else None,
    )
    fee = await check_offer_fee(
        lot_id=call_off.lot_id,
        provider_id=setting.provider_id,
        age=child.age,
        need_level=child.need_level,
        weekly_fee_pence=move.weekly_fee_pence,
        on=move.start_date,
    )
    refusals = move_refusals(next((v for v in verdicts if v.setting_id == setting.id), None), fee)
    if refusals:
        raise MoveOutsideFramework(
            "the move is not a call-off under the framework: "
            + "; ".join(r.detail for r in refusals)
            + ". Record it outside the framework only on purpose (off_framework, with a reason).",
            reasons=[{"code": r.code, "detail": r.detail} for r in refusals],
        )
    return call_off


async def move_placement(
    ctx: Context,
    placement_id: int,
    expected_version: int,
    ending: tuple[date, EndingKind, UnplannedReason | None, str | None],
    move: Move,
) -> tuple[Placement, Placement]:
    """A move: end this placement and start the next one at another setting, in one transaction.
    Within the framework the new setting and fee pass the offer's checks (422
    `move_outside_framework` with the reasons); a spot purchase outside it is recorded only with
    `off_framework` and a reason, is flagged, and gets no contract under the DPS. Returns (ended, new)."""
    ended_on, kind, reason, note = ending
    if move.start_date < ended_on:
        raise RuleViolation(
            "the new placement starts on or after the day the old one ends", code=TenderCode.OVERLAPPING_MOVE
        )
    spot_reason = off_framework_reason(move.off_framework, move.off_framework_reason)
    async with DB.transaction():
        before = await repository.get_placement(placement_id, for_update=True)
        _require_manage(ctx, before)
        require_version(expected_version, before.version)
        ended = before.end(ended_on, kind, reason, note, today_of(ctx))
        setting = await accounts.get_setting_row(move.setting_id)
        call_off = None if move.off_framework else await _require_within_framework(ctx, before, setting, move)
        await repository.save_placement_ending(before, ended)
        await _ended(ctx, ended)
        authority = await accounts.get_authority_row(before.authority_id)
        new = await repository.insert_placement(
            Placement.start(
                previous_placement_id=before.id,
                authority_id=before.authority_id,
                authority_code=authority.ons_code,
                provider_id=setting.provider_id,
                setting_id=setting.id,
                setting_location=setting_location(setting),
                home_district=before.home_district,
                home=await home_of(before.home_district),
                start_date=move.start_date,
                weekly_fee_pence=move.weekly_fee_pence,
                # A spot purchase keeps the child's reference, lot and band: it is still this
                # child's placement, found and reported with the others, flagged.
                child_reference=before.child_reference,
                lot_id=before.lot_id,
                age_band=before.age_band,
                need_level=before.need_level,
                off_framework=move.off_framework,
                off_framework_reason=spot_reason,
            ),
            ctx.clock.now(),
        )
        if call_off is not None:
            new = await started(ctx, new, call_off)
        else:
            await deadlines.track(EntityType.PLACEMENT, new.id, ctx.clock.now())
        await audit.record(ctx, "placement.ended", ENTITY, placement_id, before=before, after=ended)
        await audit.record(ctx, "placement.created", ENTITY, new.id, after=new)
    return ended, new


async def off_framework(placement_id: int) -> bool:
    """Whether a placement was recorded outside the framework (a spot purchase): it gets no
    contract under the DPS. 404 when it does not exist. No permission check: for other packages."""
    return (await repository.get_placement(placement_id)).off_framework


async def moved_on(placement_id: int) -> bool:
    """Whether the child has been moved on from this placement (a later placement continues it)."""
    return await repository.has_successor(placement_id)


async def placement_link(ctx: Context, call_off_id: int) -> int | None:
    """The placement a concluded call-off made, when the caller may see it (the placing council's
    staff, the placed provider); None otherwise. Read the call-off itself first (its own checks)."""
    placement = await repository.placement_of_call_off(call_off_id)
    return placement.id if placement is not None and _may_read(ctx, placement) else None
