"""Memberships: a provider's place on a lot, and its suspension, reinstatement and removal."""

from __future__ import annotations

from dps.accounts import public as accounts
from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.notifications import notify
from dps.core.pagination import Page, page_of
from dps.frameworks import access, repository
from dps.frameworks.domain.applications import Membership, MembershipStatus

ACTIONS = {
    MembershipStatus.ACTIVE: "membership.reinstated",
    MembershipStatus.SUSPENDED: "membership.suspended",
    MembershipStatus.REMOVED: "membership.removed",
    MembershipStatus.EXPIRED: "membership.expired",
}


async def change_membership_status(
    ctx: Context, membership_id: int, target: MembershipStatus, reason: str
) -> Membership:
    """Suspend, reinstate, remove or expire a membership with a reason (audited).

    People: procurement officers of the lead authority (or admins). With no principal the system
    acts (the scheduler on expiry, compliance on a failed check). Runs inside a caller's
    transaction when there is one (Piccolo transactions nest)."""
    async with DB.transaction():
        before = await repository.get_membership(membership_id, for_update=True)
        if ctx.principal is not None:
            arrangement = await repository.get_arrangement(before.arrangement_id)
            if not access.may_know_of(ctx.principal, arrangement, before.provider_id):
                raise access.hidden("membership", membership_id)
            access.require_manage_arrangement(ctx.principal, arrangement)
        after = before.move_to(target, reason)
        await repository.update_membership(before, after)
        await audit.record(ctx, ACTIONS[target], "membership", membership_id, before=before, after=after)
        if before.status is MembershipStatus.SUSPENDED and target is MembershipStatus.ACTIVE:
            await _tell_provider_reinstated(ctx, after)
    return after


async def _tell_provider_reinstated(ctx: Context, membership: Membership) -> None:
    """Issue 12 "messages people miss": the provider hears that its place is back, whoever
    reinstated it (compliance, the re-accreditation rule or an officer); once per reinstatement."""
    arrangement = await repository.get_arrangement(membership.arrangement_id)
    await notify(
        await accounts.recipients_of_provider(membership.provider_id),
        kind="membership.reinstated",
        key=f"membership:{membership.id}:reinstated:{membership.version}",
        subject=f"Membership of {arrangement.title} reinstated",
        body=(
            f"Your membership {membership.id} of {arrangement.title} is active again: {membership.status_reason}. "
            "You can be invited to new call-offs in its lot."
        ),
        link_path=f"/api/v1/memberships/{membership.id}",
        at=ctx.clock.now(),
    )


async def get_membership(ctx: Context, membership_id: int) -> Membership:
    """One membership: the provider itself, staff of the arrangement's councils, admins."""
    membership = await repository.get_membership(membership_id)
    arrangement = await repository.get_arrangement(membership.arrangement_id)
    if not access.may_know_of(ctx.user, arrangement, membership.provider_id):
        raise access.hidden("membership", membership_id)
    access.require_read_membership(ctx.user, arrangement, membership.provider_id)
    return membership


async def list_memberships(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    arrangement_id: int | None,
    lot_id: int | None,
    provider_id: int | None,
    status: MembershipStatus | None,
) -> Page[Membership]:
    """Memberships the caller may see: a provider its own; council staff those of arrangements
    their council leads or joins; admins all."""
    scope_provider, scope_authority = access.membership_scope(ctx.user)
    if scope_provider is not None:
        provider_id = scope_provider
    rows = await repository.list_memberships(
        provider_id=provider_id,
        lot_id=lot_id,
        arrangement_id=arrangement_id,
        status=status,
        authority_id=scope_authority,
        limit=limit + 1,
        after_id=after_id,
    )
    return page_of(rows, limit)
