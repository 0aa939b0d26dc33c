"""Rate card rows (`rate_cards`, `rate_card_lines`, `rate_card_services`) <-> `RateCard`."""

from __future__ import annotations

from datetime import date
from typing import Any

from asyncpg.exceptions import ExclusionViolationError
from piccolo.querystring import QueryString

from dps.core import sql
from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row, update_versioned
from dps.pricing import tables as t
from dps.pricing.domain.bands import BandKey, Position, PriceBand
from dps.pricing.domain.rate_cards import ExceptionStatus, RateCard, RateCardStatus, RateLine
from dps.pricing.repository._rows import _area, _band, _cards, _conflict


def _line(row: dict[str, Any]) -> RateLine:
    return RateLine(
        id=row["id"],
        key=BandKey(row["age_band"], row["need_level"], _area(row["area"])),
        weekly_price_pence=row["weekly_price_pence"],
        position=Position(row["position"]),
        exception_justification=row["exception_justification"],
        exception_status=ExceptionStatus(row["exception_status"]) if row["exception_status"] else None,
        exception_reason=row["exception_reason"],
    )


async def insert_rate_card(card: RateCard) -> RateCard:
    rows = await t.RateCard.insert(
        t.RateCard(
            provider=card.provider_id,
            arrangement=card.arrangement_id,
            lot=card.lot_id,
            status=card.status.value,
            effective_from=card.period.starts_on,
            effective_to=card.period.ends_on,
            submitted_at=card.submitted_at,
            version=card.version,
        )
    ).returning(t.RateCard.id)
    card_id = rows[0]["id"]
    await t.RateLine.insert(
        *[
            t.RateLine(
                rate_card=card_id,
                age_band=line.key.age_band,
                need_level=line.key.need_level,
                area=line.key.area or "",
                weekly_price_pence=line.weekly_price_pence,
                position=line.position.value,
                exception_justification=line.exception_justification,
                exception_status=line.exception_status.value if line.exception_status else None,
            )
            for line in card.lines
        ]
    )
    if card.services:
        await t.ServicePrice.insert(
            *[
                t.ServicePrice(rate_card=card_id, service=s.service_id, unit_price_pence=s.unit_price_pence)
                for s in card.services
            ]
        )
    return await get_rate_card(card_id)


async def get_rate_card(card_id: int, *, for_update: bool = False) -> RateCard:
    row = await one_row(
        t.RateCard,
        t.RateCard.id == card_id,
        entity="rate_card",
        detail=f"rate card {card_id} does not exist",
        for_update=for_update,
    )
    return (await _cards([row]))[0]


async def list_rate_cards(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None = None,
    authority_id: int | None = None,
    arrangement_id: int | None = None,
    lot_id: int | None = None,
    status: RateCardStatus | None = None,
) -> Page[RateCard]:
    """Rate cards in id order; `authority_id` keeps those of arrangements it leads or joins."""
    r = t.RateCard
    query = r.select(*r.all_columns()).where(r.id > after_id)
    if provider_id is not None:
        query = query.where(r.provider == provider_id)
    if authority_id is not None:
        members = r.arrangement.member_authority_ids
        query = query.where((r.arrangement.lead_authority == authority_id) | members.any(authority_id))  # type: ignore[attr-defined,union-attr]
    if arrangement_id is not None:
        query = query.where(r.arrangement == arrangement_id)
    if lot_id is not None:
        query = query.where(r.lot == lot_id)
    if status is not None:
        query = query.where(r.status == status.value)
    rows = await query.order_by(r.id).limit(limit + 1)
    return page_of(await _cards(rows), limit)


async def lock_provider_cards(provider_id: int, lot_id: int) -> None:
    """Serialise approvals of one provider's cards for a lot: two officers approving two
    overlapping cards at once would each miss the other's (uncommitted) approval."""
    await DB.run_querystring(
        QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", f"rate_cards:{provider_id}:{lot_id}")
    )


async def approved_cards(provider_id: int, lot_id: int, *, for_update: bool = False) -> list[RateCard]:
    r = t.RateCard
    query = r.select().where(
        (r.provider == provider_id) & (r.lot == lot_id) & (r.status == RateCardStatus.APPROVED.value)
    )
    if for_update:
        query = query.lock_rows("UPDATE")
    return await _cards(await query.order_by(r.effective_from))


async def approved_card_on(provider_id: int, lot_id: int, on: date) -> RateCard | None:
    r = t.RateCard
    row = (
        await r.select()
        .where(
            (r.provider == provider_id)
            & (r.lot == lot_id)
            & (r.status == RateCardStatus.APPROVED.value)
            & (r.effective_from <= on)
            & (r.effective_to.is_null() | (r.effective_to >= on))
        )
        .first()
    )
    return (await _cards([row]))[0] if row else None


_BANDS_ON_SQL = (
    "SELECT * FROM price_bands WHERE lot = $1 AND effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)"
    " ORDER BY lot, age_band, need_level, area, effective_from"
)
_CARD_ON_SQL = (
    "SELECT * FROM rate_cards WHERE provider = $1 AND lot = $2 AND status = $3 AND effective_from <= $4"
    " AND (effective_to IS NULL OR effective_to >= $4) LIMIT 1"
)


async def bands_and_card_on(lot_id: int, provider_id: int, on: date) -> tuple[list[PriceBand], RateCard | None]:
    """`list_bands(lot_id=, on=)` and `approved_card_on` for the offer path, as plain SQL (issue 18)."""
    bands = [_band(dict(r)) for r in await sql.fetch(_BANDS_ON_SQL, lot_id, on)]
    card = await sql.fetchrow(_CARD_ON_SQL, provider_id, lot_id, RateCardStatus.APPROVED.value, on)
    return bands, (await _cards([dict(card)]))[0] if card is not None else None


async def save_rate_card(before: RateCard, after: RateCard, decided_by: int | None) -> None:
    """Write status, period, decision and exception decisions if still at `before.version`."""
    r = t.RateCard
    try:
        await update_versioned(
            r,
            before.id,
            before.version,
            {
                r.status: after.status.value,
                r.effective_to: after.period.ends_on,
                r.decided_at: after.decided_at,
                r.decided_by: decided_by if after.decided_at != before.decided_at else None,
                r.decision_note: after.decision_note,
                r.version: after.version,
            },
        )
    except ExclusionViolationError as error:
        raise _conflict(error) from error
    old_lines = {line.id: line for line in before.lines}
    for line in after.lines:
        if old_lines.get(line.id) != line:
            await t.RateLine.update(
                {
                    t.RateLine.exception_status: line.exception_status.value if line.exception_status else None,
                    t.RateLine.exception_reason: line.exception_reason,
                }
            ).where(t.RateLine.id == line.id)
