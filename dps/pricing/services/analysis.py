"""The pricing analysis for officers: one provider's fees across councils, band use, and
approved prices above the ceiling."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.errors import RuleViolation
from dps.frameworks import public as frameworks
from dps.frameworks.public import may_manage_arrangement
from dps.pricing import access, repository, repository_spend
from dps.pricing.domain.analysis import (
    PricingReport,
    band_utilisation,
    prices_above_ceiling,
    provider_spreads,
)
from dps.pricing.domain.spend import FeeSpan, PlacementSpans, council_spend, total_spend

LONGEST_SPEND_PERIOD_DAYS = 366 * 5


async def pricing_report(
    ctx: Context,
    arrangement_id: int,
    on: date | None,
    spend_from: date | None = None,
    spend_to: date | None = None,
) -> PricingReport:
    """The analysis of an arrangement on a day (today by default): placements live that day; and
    the spend per council over [spend_from, spend_to] (default: the month of that day up to it),
    at the fee in force each day. The lead authority's officers (and admins) see every member
    council's spend and the consortium's total; a member council's officers their own council's."""
    arrangement = await frameworks.get_arrangement_row(arrangement_id)
    access.require_pricing_analyst(ctx.user, arrangement)
    day = on or ctx.clock.now().date()
    first, last = spend_from or (spend_to or day).replace(day=1), spend_to or day
    if last < first or (last - first).days > LONGEST_SPEND_PERIOD_DAYS:
        raise RuleViolation(
            "the spend period runs forwards and covers at most five years", code=CommonCode.INVALID_PERIOD
        )
    grouped: dict[tuple[str, int], tuple[int, list[FeeSpan]]] = defaultdict(lambda: (0, []))
    for row in await repository_spend.agreed_fee_spans(arrangement_id, first, last):
        key = (row.source, row.source_id) if row.source_id is not None else ("agreed_fee", row.id)
        grouped[key] = (row.authority_id, [*grouped[key][1], row.span])
    spend = council_spend([PlacementSpans(a, tuple(spans)) for a, spans in grouped.values()], first, last)
    whole_consortium = may_manage_arrangement(ctx.user, arrangement)
    if not whole_consortium:
        spend = [c for c in spend if c.authority_id == ctx.user.org_id]
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
        spend_from=first,
        spend_to=last,
        spend=spend,
        spend_total=total_spend(spend) if whole_consortium else None,
        authority_names=await repository.authority_names(sorted(c.authority_id for c in spend)),
    )
