"""Memberships, read only (frameworks owns them): whether a provider may hold prices on a lot."""

from __future__ import annotations

from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.tables import Membership


async def has_active_membership(provider_id: int, lot_id: int) -> bool:
    m = Membership
    return bool(
        await m.exists().where(
            (m.provider == provider_id) & (m.lot == lot_id) & (m.status == MembershipStatus.ACTIVE.value)
        )
    )


async def holds_membership(provider_id: int, arrangement_id: int) -> bool:
    """Any place (in any status) on any lot of the arrangement: a member provider."""
    m = Membership
    return bool(await m.exists().where((m.provider == provider_id) & (m.arrangement == arrangement_id)))
