"""Authority rows (`authorities`) <-> `Authority`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from asyncpg.exceptions import UniqueViolationError

from dps.accounts import tables as t
from dps.accounts.domain import Authority, Region
from dps.accounts.repository._rows import conflict_from_unique
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row


def _authority(row: dict[str, Any]) -> Authority:
    return Authority(id=row["id"], name=row["name"], ons_code=row["ons_code"], region=Region(row["region"]))


async def insert_authority(name: str, ons_code: str, region: Region, at: datetime) -> Authority:
    try:
        rows = await t.Authority.insert(
            t.Authority(name=name, ons_code=ons_code, region=region.value, created_at=at)
        ).returning(*t.Authority.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _authority(rows[0])


async def get_authority(authority_id: int) -> Authority:
    """The authority's row (no access check); NotFound when there is none."""
    row = await one_row(
        t.Authority,
        t.Authority.id == authority_id,
        entity="authority",
        detail=f"authority {authority_id} does not exist",
    )
    return _authority(row)


async def list_authorities(limit: int, after_id: int, region: Region | None) -> Page[Authority]:
    query = t.Authority.select().where(t.Authority.id > after_id)
    if region is not None:
        query = query.where(t.Authority.region == region.value)
    rows = await query.order_by(t.Authority.id).limit(limit + 1)
    return page_of([_authority(r) for r in rows], limit)
