"""The provider's work after admission, added to the browser tests' scene (tests/portal/scene.py):
Birch Homes's membership, and what later steps of the journey need."""

from __future__ import annotations

from dps.core.context import Context
from dps.core.pagination import MAX_LIMIT
from dps.frameworks.services import memberships


async def load(officer: Context, birch: Context) -> dict[str, int]:
    found = await memberships.list_memberships(
        birch, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
    )
    return {"birch_membership_id": found.items[0].id}
