"""The pricing analysis for officers: one provider's fees across councils, band use, and
approved prices above the ceiling."""

from __future__ import annotations

from datetime import date

from dps.core.context import Context
from dps.frameworks import repository as frameworks
from dps.pricing import access, repository
from dps.pricing.domain.analysis import (
    PricingReport,
    band_utilisation,
    prices_above_ceiling,
    provider_spreads,
)


async def pricing_report(ctx: Context, arrangement_id: int, on: date | None) -> PricingReport:
    """The analysis of an arrangement on a day (today by default): placements live that day."""
    arrangement = await frameworks.get_arrangement(arrangement_id)
    access.require_pricing_analyst(ctx.user, arrangement)
    day = on or ctx.clock.now().date()
    fees = await repository.agreed_fees_on(arrangement_id, day)
    bands = await repository.list_bands(arrangement_id=arrangement_id, on=day)
    cards = await repository.cards_in_force(arrangement_id, day, lock=False)
    spreads = provider_spreads(fees)
    above = prices_above_ceiling(cards, bands, day)
    names = await repository.provider_names(sorted({s.provider_id for s in spreads} | {a.provider_id for a in above}))
    return PricingReport(
        arrangement_id=arrangement_id,
        on=day,
        spreads=spreads,
        utilisation=band_utilisation(fees),
        above_ceiling=above,
        provider_names=names,
    )
