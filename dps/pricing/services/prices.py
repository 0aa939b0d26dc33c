"""Price bands and the additional services catalogue of an arrangement."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dps.core import audit
from dps.core.auth import OrgKind
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import NotFound
from dps.core.pagination import Page, page_of
from dps.core.patches import changed_fields
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement
from dps.pricing import access, repository
from dps.pricing.domain.bands import BandKey, LotBands, Period, PriceBand, check_no_overlap
from dps.pricing.domain.rate_cards import AdditionalService
from dps.pricing.domain.submissions import BandChanges, BandDraft, ServiceDraft


async def readable_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """The arrangement, if the caller may read its prices."""
    arrangement = await frameworks.get_arrangement_row(arrangement_id)
    user = ctx.user
    member = user.org_kind is OrgKind.PROVIDER and user.org_id is not None
    if member:
        member = await repository.holds_membership(user.org_id, arrangement_id)  # type: ignore[arg-type]
    access.require_read_prices(user, arrangement, member)
    return arrangement


async def add_band(ctx: Context, arrangement_id: int, data: BandDraft) -> PriceBand:
    """Agree a floor and ceiling for one band of a lot from a date (the lead authority's officers);
    a period overlapping the same band's existing prices is refused (409)."""
    key = BandKey(data.age_band.strip(), data.need_level.strip(), data.area)
    period = Period(data.effective_from, data.effective_to)
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, arrangement)
        lot = await frameworks.get_lot(arrangement_id, data.lot_id)
        lot_bands = LotBands(
            age_bands={b.label: (b.min_age, b.max_age) for b in lot.age_bands},
            need_levels=lot.need_levels,
            areas=lot.areas,
        )
        min_age, max_age = lot_bands.ages_of(key)
        band = PriceBand(
            id=0,
            arrangement_id=arrangement_id,
            lot_id=lot.id,
            key=key,
            min_age=min_age,
            max_age=max_age,
            floor_pence=data.floor_pence,
            ceiling_pence=data.ceiling_pence,
            period=period,
            uplift_id=None,
            version=1,
        )
        await repository.lock_lot_prices(lot.id)
        check_no_overlap(band, await repository.list_bands(lot_id=lot.id))
        band = await repository.insert_band(band, ctx.clock.now())
        await audit.record(ctx, "price_band.created", "price_band", band.id, after=band)
    return band


async def update_band(
    ctx: Context, arrangement_id: int, band_id: int, expected_version: int, data: BandChanges
) -> PriceBand:
    """Correct a band's floor, ceiling or end date if nobody changed it since `expected_version`."""
    raw = changed_fields(data)
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id)
        access.require_manage_arrangement(ctx.user, arrangement)
        before = await repository.get_band(band_id, for_update=True)
        if before.arrangement_id != arrangement_id:
            raise NotFound(f"price band {band_id} is not in arrangement {arrangement_id}", entity="price_band")
        require_version(expected_version, before.version)
        after = replace(
            before,
            floor_pence=raw.get("floor_pence", before.floor_pence),
            ceiling_pence=raw.get("ceiling_pence", before.ceiling_pence),
            period=Period(before.period.starts_on, raw.get("effective_to", before.period.ends_on)),
            version=before.version + 1,
        )
        await repository.lock_lot_prices(before.lot_id)
        check_no_overlap(after, await repository.list_bands(lot_id=before.lot_id))
        await repository.update_band(before, after)
        await audit.record(ctx, "price_band.updated", "price_band", band_id, before=before, after=after)
    return after


async def list_bands(
    ctx: Context, arrangement_id: int, limit: int, after_id: int, lot_id: int | None, on: date | None
) -> Page[PriceBand]:
    """The arrangement's bands (optionally one lot's, or those in force on a day), in id order."""
    await readable_arrangement(ctx, arrangement_id)
    bands = await repository.list_bands(arrangement_id=arrangement_id, lot_id=lot_id, on=on)
    ordered = sorted((b for b in bands if b.id > after_id), key=lambda b: b.id)
    return page_of(ordered[: limit + 1], limit)


async def add_service(ctx: Context, arrangement_id: int, data: ServiceDraft) -> AdditionalService:
    """Add a service to the arrangement's catalogue (the lead authority's officers)."""
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, arrangement)
        service = await repository.insert_service(
            AdditionalService(
                id=0,
                arrangement_id=arrangement_id,
                code=data.code,
                name=data.name.strip(),
                unit=data.unit,
                description=data.description,
            ),
            ctx.clock.now(),
        )
        await audit.record(ctx, "additional_service.created", "additional_service", service.id, after=service)
    return service


async def list_services(ctx: Context, arrangement_id: int) -> list[AdditionalService]:
    """The arrangement's catalogue of additional services."""
    await readable_arrangement(ctx, arrangement_id)
    return await repository.list_services(arrangement_id)
