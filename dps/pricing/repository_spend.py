"""Rows of agreed fees as spans of days, for spend (a part of pricing's repository kept apart)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.pricing import tables as t
from dps.pricing.domain.spend import FeeSpan


async def end_agreed_fees_of(source: str, source_id: int, last_day: date) -> None:
    """Every fee recorded for one placement stops counting after `last_day` (a fee agreed from a
    later day then counts for no day at all)."""
    await DB.run_querystring(
        QueryString(
            "UPDATE agreed_fees SET end_on = LEAST(COALESCE(end_on, {}), {}) WHERE source = {} AND source_id = {}",
            last_day,
            last_day,
            source,
            source_id,
        )
    )


@dataclass(frozen=True, slots=True)
class AgreedFeeSpan:
    """One agreed fee row as a span of days, with the placement (source) it belongs to."""

    id: int
    authority_id: int
    source: str
    source_id: int | None
    span: FeeSpan


async def agreed_fee_spans(arrangement_id: int, first: date, last: date) -> list[AgreedFeeSpan]:
    """Agreed fees under the arrangement's lots in force on any day of [first, last]."""
    f = t.AgreedFee
    rows = await f.select(f.id, f.authority, f.source, f.source_id, f.weekly_fee_pence, f.start_on, f.end_on).where(
        (f.lot.arrangement == arrangement_id)  # type: ignore[attr-defined,union-attr]
        & (f.start_on <= last)
        & (f.end_on.is_null() | (f.end_on >= first))
    )
    return [
        AgreedFeeSpan(
            r["id"],
            r["authority"],
            r["source"],
            r["source_id"],
            FeeSpan(r["weekly_fee_pence"], r["start_on"], r["end_on"]),
        )
        for r in sorted(rows, key=lambda r: r["id"])
    ]
