"""HTTP routes for memberships: list, read, suspend, reinstate, remove."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, Limit, after_id, signed_in
from dps.frameworks import schemas as s
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.services import memberships


class MembershipController(Controller):
    path = "/api/v1/memberships"
    guards = [signed_in]
    tags = ["Memberships"]

    @get("/", operation_id="ListMemberships")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        arrangement_id: FromQuery[int | None] = None,
        lot_id: FromQuery[int | None] = None,
        provider_id: FromQuery[int | None] = None,
        status: FromQuery[MembershipStatus | None] = None,
    ) -> s.MembershipPage:
        """Places on lots: a provider sees its own; council staff those of arrangements their council
        leads or joins; admins all. Filter by arrangement, lot, provider and status."""
        page = await memberships.list_memberships(
            ctx,
            limit,
            after_id(cursor),
            arrangement_id=arrangement_id,
            lot_id=lot_id,
            provider_id=provider_id,
            status=status,
        )
        return s.MembershipPage(items=[s.MembershipOut.of(m) for m in page.items], next_cursor=page.next_cursor)

    @get("/{membership_id:int}", operation_id="GetMembership")
    async def get_one(self, membership_id: FromPath[int], ctx: NamedDependency[Context]) -> s.MembershipOut:
        """One membership."""
        return s.MembershipOut.of(await memberships.get_membership(ctx, membership_id))

    @post("/{membership_id:int}/suspend", operation_id="SuspendMembership", status_code=200)
    async def suspend(
        self, membership_id: FromPath[int], data: JSONBody[s.ReasonIn], ctx: NamedDependency[Context]
    ) -> s.MembershipOut:
        """Suspend a member from new call-offs, with the reason (the lead authority's officers)."""
        membership = await memberships.change_membership_status(
            ctx, membership_id, MembershipStatus.SUSPENDED, data.reason
        )
        return s.MembershipOut.of(membership)

    @post("/{membership_id:int}/reinstate", operation_id="ReinstateMembership", status_code=200)
    async def reinstate(
        self, membership_id: FromPath[int], data: JSONBody[s.ReasonIn], ctx: NamedDependency[Context]
    ) -> s.MembershipOut:
        """Reinstate a suspended member, with the reason."""
        membership = await memberships.change_membership_status(
            ctx, membership_id, MembershipStatus.ACTIVE, data.reason
        )
        return s.MembershipOut.of(membership)

    @post("/{membership_id:int}/remove", operation_id="RemoveMembership", status_code=200)
    async def remove(
        self, membership_id: FromPath[int], data: JSONBody[s.ReasonIn], ctx: NamedDependency[Context]
    ) -> s.MembershipOut:
        """Remove a member from the lot for good (e.g. an excluded supplier), with the reason."""
        membership = await memberships.change_membership_status(
            ctx, membership_id, MembershipStatus.REMOVED, data.reason
        )
        return s.MembershipOut.of(membership)
