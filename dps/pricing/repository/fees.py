"""Agreed fee rows (`agreed_fees`, fed by tenders) <-> `AgreedFee`, with the names the fee reports show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dps.core.errors import NotFound
from dps.core.rows import one_row
from dps.pricing import tables as t
from dps.pricing.domain.analysis import AgreedFee
from dps.pricing.domain.bands import BandKey
from dps.pricing.repository._rows import _area


async def insert_agreed_fee(
    *,
    authority_id: int,
    provider_id: int,
    lot_id: int,
    key: BandKey,
    weekly_fee_pence: int,
    start_on: date,
    end_on: date | None,
    source: str,
    source_id: int | None,
    rate_card_id: int | None,
    at: datetime,
) -> int:
    rows = await t.AgreedFee.insert(
        t.AgreedFee(
            authority=authority_id,
            provider=provider_id,
            lot=lot_id,
            age_band=key.age_band,
            need_level=key.need_level,
            area=key.area or "",
            weekly_fee_pence=weekly_fee_pence,
            start_on=start_on,
            end_on=end_on,
            source=source,
            source_id=source_id,
            rate_card=rate_card_id,
            created_at=at,
        )
    ).returning(t.AgreedFee.id)
    return int(rows[0]["id"])


async def agreed_fees_on(arrangement_id: int, on: date) -> list[AgreedFee]:
    """Fees of placements under the arrangement's lots that are live on `on`."""
    f = t.AgreedFee
    rows = await f.select(f.authority, f.provider, f.lot, f.age_band, f.need_level, f.area, f.weekly_fee_pence).where(
        (f.lot.arrangement == arrangement_id)  # type: ignore[attr-defined,union-attr]
        & (f.start_on <= on)
        & (f.end_on.is_null() | (f.end_on >= on))
    )
    return [
        AgreedFee(
            authority_id=r["authority"],
            provider_id=r["provider"],
            lot_id=r["lot"],
            key=BandKey(r["age_band"], r["need_level"], _area(r["area"])),
            weekly_fee_pence=r["weekly_fee_pence"],
        )
        for r in rows
    ]


async def provider_names(provider_ids: list[int]) -> dict[int, str]:
    from dps.accounts.tables import Provider

    if not provider_ids:
        return {}
    rows = await Provider.select(Provider.id, Provider.legal_name).where(Provider.id.is_in(provider_ids))
    return {r["id"]: r["legal_name"] for r in rows}


async def authority_names(authority_ids: list[int]) -> dict[int, str]:
    from dps.accounts.tables import Authority

    if not authority_ids:
        return {}
    rows = await Authority.select(Authority.id, Authority.name).where(Authority.id.is_in(authority_ids))
    return {r["id"]: r["name"] for r in rows}


async def arrangement_of_lot(lot_id: int) -> int:
    """The arrangement a lot belongs to (404 when the lot does not exist)."""
    from dps.frameworks.tables import Lot

    row = await Lot.select(Lot.arrangement).where(Lot.id == lot_id).first()
    if row is None:
        raise NotFound(f"lot {lot_id} does not exist", entity="lot")
    return int(row["arrangement"])


async def continue_agreed_fee(agreed_fee_id: int, weekly_fee_pence: int, from_day: date, at: datetime) -> int:
    """End an agreed fee the day before `from_day` and record the same placement's fee from that
    day at `weekly_fee_pence` (same council, provider, lot and band); returns the new record's id."""
    row = await one_row(
        t.AgreedFee,
        t.AgreedFee.id == agreed_fee_id,
        entity="agreed_fee",
        detail=f"agreed fee {agreed_fee_id} does not exist",
        for_update=True,
    )
    await t.AgreedFee.update({t.AgreedFee.end_on: from_day - timedelta(days=1)}).where(t.AgreedFee.id == agreed_fee_id)
    return await insert_agreed_fee(
        authority_id=row["authority"],
        provider_id=row["provider"],
        lot_id=row["lot"],
        key=BandKey(row["age_band"], row["need_level"], row["area"] or None),
        weekly_fee_pence=weekly_fee_pence,
        start_on=from_day,
        end_on=row["end_on"],
        source=row["source"],
        source_id=row["source_id"],
        rate_card_id=row["rate_card"],
        at=at,
    )


async def end_agreed_fee(agreed_fee_id: int, end_on: date) -> None:
    rows = (
        await t.AgreedFee.update({t.AgreedFee.end_on: end_on})
        .where(t.AgreedFee.id == agreed_fee_id)
        .returning(t.AgreedFee.id)
    )
    if not rows:
        raise NotFound(f"agreed fee {agreed_fee_id} does not exist", entity="agreed_fee")
