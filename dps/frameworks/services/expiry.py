"""The end of an arrangement's term: frameworks expires its own rows when the scheduler says so."""

from __future__ import annotations

from dps.core import audit
from dps.core.context import Context
from dps.frameworks import repository
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.services.memberships import change_membership_status


async def expire_arrangement(ctx: Context, arrangement_id: int, last_day_text: str) -> list[int]:
    """The term has ended: the arrangement expires and so does every live (active or suspended)
    membership of it, each audited with the system as actor. Runs in the caller's transaction.
    Returns the providers whose memberships ended, in id order."""
    arrangement = await repository.get_arrangement(arrangement_id, for_update=True)
    after = arrangement.expire()
    await repository.update_arrangement(arrangement, after)
    await audit.record(ctx, "arrangement.expired", "arrangement", arrangement.id, before=arrangement, after=after)
    ended: set[int] = set()
    for membership in await repository.list_memberships(arrangement_id=arrangement.id):
        if membership.status in {MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED}:
            await change_membership_status(
                ctx, membership.id, MembershipStatus.EXPIRED, f"the arrangement's term ended on {last_day_text}"
            )
            ended.add(membership.provider_id)
    return sorted(ended)
