"""Price band rows (`price_bands`) <-> `PriceBand`, and the per-lot price locks."""

from __future__ import annotations

from datetime import date, datetime

from asyncpg.exceptions import ExclusionViolationError, UniqueViolationError
from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.rows import one_row, update_versioned
from dps.pricing import tables as t
from dps.pricing.domain.bands import PriceBand
from dps.pricing.repository._rows import _band, _conflict


def _band_row(band: PriceBand, at: datetime) -> t.PriceBand:
    return t.PriceBand(
        arrangement=band.arrangement_id,
        lot=band.lot_id,
        age_band=band.key.age_band,
        need_level=band.key.need_level,
        area=band.key.area or "",
        min_age=band.min_age,
        max_age=band.max_age,
        floor_pence=band.floor_pence,
        ceiling_pence=band.ceiling_pence,
        effective_from=band.period.starts_on,
        effective_to=band.period.ends_on,
        uplift=band.uplift_id,
        version=band.version,
        created_at=at,
    )


async def insert_band(band: PriceBand, at: datetime) -> PriceBand:
    try:
        rows = await t.PriceBand.insert(_band_row(band, at)).returning(*t.PriceBand.all_columns())
    except (UniqueViolationError, ExclusionViolationError) as error:
        raise _conflict(error) from error
    return _band(rows[0])


async def get_band(band_id: int, *, for_update: bool = False) -> PriceBand:
    row = await one_row(
        t.PriceBand,
        t.PriceBand.id == band_id,
        entity="price_band",
        detail=f"price band {band_id} does not exist",
        for_update=for_update,
    )
    return _band(row)


async def update_band(before: PriceBand, after: PriceBand) -> None:
    """Write `after` only if the row is still at `before.version`."""
    try:
        await update_versioned(
            t.PriceBand,
            before.id,
            before.version,
            {
                t.PriceBand.floor_pence: after.floor_pence,
                t.PriceBand.ceiling_pence: after.ceiling_pence,
                t.PriceBand.effective_to: after.period.ends_on,
                t.PriceBand.version: after.version,
            },
        )
    except ExclusionViolationError as error:
        raise _conflict(error) from error


async def list_bands(
    *, arrangement_id: int | None = None, lot_id: int | None = None, on: date | None = None
) -> list[PriceBand]:
    """Bands in lot, band and date order; `on` keeps those in force that day."""
    b = t.PriceBand
    query = b.select()
    if arrangement_id is not None:
        query = query.where(b.arrangement == arrangement_id)
    if lot_id is not None:
        query = query.where(b.lot == lot_id)
    if on is not None:
        query = query.where((b.effective_from <= on) & (b.effective_to.is_null() | (b.effective_to >= on)))
    query = query.where(b.withdrawn_at.is_null())  # a withdrawn band is kept, no longer offered
    rows = await query.order_by(b.lot, b.age_band, b.need_level, b.area, b.effective_from)
    return [_band(r) for r in rows]


async def delete_band(band_id: int) -> None:
    await t.PriceBand.delete().where(t.PriceBand.id == band_id)


async def withdraw_band(band_id: int, at: datetime, reason: str) -> None:
    await t.PriceBand.update(
        {
            t.PriceBand.withdrawn_at: at,
            t.PriceBand.withdrawn_reason: reason,
            t.PriceBand.version: t.PriceBand.version + 1,
        }
    ).where(t.PriceBand.id == band_id)


async def lots_with_bands(arrangement_id: int) -> frozenset[int]:
    """The lots of an arrangement that have at least one price band not withdrawn."""
    b = t.PriceBand
    rows = await b.select(b.lot).where((b.arrangement == arrangement_id) & b.withdrawn_at.is_null()).distinct()
    return frozenset(r["lot"] for r in rows)


async def lock_lot_prices(lot_id: int) -> None:
    """Serialise changes to one lot's bands (two officers adding the same band at once)."""
    await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock({}, {})", 7_310_005, lot_id))
