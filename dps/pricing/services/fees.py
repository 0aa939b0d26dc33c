"""Fees for other packages: how an offered fee compares with the bands and the provider's card,
and the record of fees agreed for placements (fed by tenders, read by the analysis)."""

from __future__ import annotations

from datetime import date

from dps.core.context import Context
from dps.pricing import repository, repository_spend
from dps.pricing.domain.bands import BandKey, PriceBand
from dps.pricing.domain.fees import FeeCheck, check_fee


def _band_for(bands: list[PriceBand], age: int, need_level: str | None) -> PriceBand | None:
    """The band for a child's age and need level; a band for the whole region before an area's."""
    fitting = [b for b in bands if b.covers_age(age) and (need_level is None or b.key.need_level == need_level)]
    fitting.sort(key=lambda b: (b.key.area is not None, b.key.need_level, b.key.age_band))
    return fitting[0] if fitting else None


async def check_offer_fee(
    *, lot_id: int, provider_id: int, age: int, need_level: str | None, weekly_fee_pence: int, on: date
) -> FeeCheck:
    """The band that fits (age x need level), its floor/ceiling in force on `on`, the provider's
    approved rate-card price for that band, and flags: above_ceiling, below_floor,
    above_rate_card, no_band, no_rate_card. No permission check: the caller's service has made it."""
    bands, card = await repository.bands_and_card_on(lot_id, provider_id, on)
    band = _band_for(bands, age, need_level)
    line = card.line_for(band.key) if card is not None and band is not None else None
    return check_fee(weekly_fee_pence, band, line, card.id if card else None)


async def record_agreed_fee(
    ctx: Context,
    *,
    authority_id: int,
    provider_id: int,
    lot_id: int,
    age_band: str,
    need_level: str,
    weekly_fee_pence: int,
    start_on: date,
    end_on: date | None = None,
    area: str | None = None,
    source: str = "placement",
    source_id: int | None = None,
    rate_card_id: int | None = None,
) -> int:
    """Record the weekly fee a council agreed for a placement, inside the caller's transaction
    (tenders calls this when a placement starts; end it by calling `end_agreed_fee`). Returns its id."""
    return await repository.insert_agreed_fee(
        authority_id=authority_id,
        provider_id=provider_id,
        lot_id=lot_id,
        key=BandKey(age_band, need_level, area),
        weekly_fee_pence=weekly_fee_pence,
        start_on=start_on,
        end_on=end_on,
        source=source,
        source_id=source_id,
        rate_card_id=rate_card_id,
        at=ctx.clock.now(),
    )


async def vary_agreed_fee(ctx: Context, agreed_fee_id: int, weekly_fee_pence: int, from_day: date) -> int:
    """A placement's agreed fee changes from `from_day` (a contract variation was agreed): the old
    record ends the day before, a new one starts that day, so the analysis counts each fee for
    the days it applied. Call inside your transaction; returns the new record's id."""
    return await repository.continue_agreed_fee(agreed_fee_id, weekly_fee_pence, from_day, ctx.clock.now())


async def end_agreed_fee(agreed_fee_id: int, end_on: date) -> None:
    """The placement ended (or its fee changed): the fee stops counting after `end_on`."""
    await repository.end_agreed_fee(agreed_fee_id, end_on)


async def end_placement_fees(placement_id: int, last_day: date) -> None:
    """A placement ended: every fee recorded for it (those of variations agreed for later days
    too) stops counting after `last_day`, the last day the child was there. Call inside your
    transaction."""
    await repository_spend.end_agreed_fees_of("placement", placement_id, last_day)
