"""Lots and arrangements as eligibility sees them (frameworks' `lots` and `arrangements`, read only)."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.errors import NotFound


@dataclass(frozen=True, slots=True)
class LotContext:
    lot_id: int
    arrangement_id: int
    service_type: str
    lead_authority_id: int
    member_authority_ids: frozenset[int]


async def lot_context(lot_id: int) -> LotContext:
    rows = await DB.run_querystring(
        QueryString(
            """SELECT l.id, l.arrangement, a.service_type, a.lead_authority, a.member_authority_ids
               FROM lots l JOIN arrangements a ON a.id = l.arrangement WHERE l.id = {}""",
            lot_id,
        )
    )
    if not rows:
        raise NotFound(f"lot {lot_id} does not exist", entity="lot")
    r = rows[0]
    return LotContext(
        r["id"], r["arrangement"], r["service_type"], r["lead_authority"], frozenset(r["member_authority_ids"])
    )
