"""Authorities (councils): created by platform admins, readable by every signed-in user."""

from __future__ import annotations

from dps.accounts import repository
from dps.accounts.domain import Authority, Region
from dps.core import audit
from dps.core.auth import Role
from dps.core.context import Context
from dps.core.db import DB
from dps.core.pagination import Page


async def create_authority(ctx: Context, name: str, ons_code: str, region: Region) -> Authority:
    """Add a council; only platform admins manage the list of authorities."""
    ctx.user.require_role(Role.ADMIN)
    async with DB.transaction():
        authority = await repository.insert_authority(name.strip(), ons_code, region, ctx.clock.now())
        await audit.record(ctx, "authority.created", "authority", authority.id, after=authority)
    return authority


async def get_authority(ctx: Context, authority_id: int) -> Authority:
    """An authority, as the caller may read it."""
    ctx.require_signed_in()  # any signed-in user may read the list of councils
    return await repository.get_authority(authority_id)


async def list_authorities(ctx: Context, limit: int, after_id: int, region: Region | None) -> Page[Authority]:
    ctx.require_signed_in()
    return await repository.list_authorities(limit, after_id, region)
