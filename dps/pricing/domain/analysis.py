"""Analysis of agreed fees: the same provider's rates across councils, and how bands are used.

The seeds' problem is that councils pay the same provider different rates for comparable
placements. For each provider and comparable band (lot x age band x need level x area) this shows
the weekly fees agreed across authorities and placements: min, median, max and spread (max - min,
and as a % of the min), and how many authorities and placements they come from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dps.pricing.domain.bands import BandKey, PriceBand, band_in_force
from dps.pricing.domain.money import HUNDRED, round_pence
from dps.pricing.domain.rate_cards import ExceptionStatus, RateCard
from dps.pricing.domain.spend import CouncilSpend


@dataclass(frozen=True, slots=True)
class AgreedFee:
    """One fee agreed for a placement: which council, provider, lot and band, and the weekly fee."""

    authority_id: int
    provider_id: int
    lot_id: int
    key: BandKey
    weekly_fee_pence: int


@dataclass(frozen=True, slots=True)
class ProviderSpread:
    provider_id: int
    lot_id: int
    key: BandKey
    placements: int
    authorities: int
    min_pence: int
    median_pence: int
    max_pence: int
    spread_pence: int
    spread_percent: Decimal  # (max - min) / min x 100, to two places; 0 when min is 0


@dataclass(frozen=True, slots=True)
class BandUse:
    lot_id: int
    key: BandKey
    placements: int
    share_percent: Decimal  # of the lot's placements in the analysis, to two places


def median_pence(fees: list[int]) -> int:
    """The middle fee; with an even count, the mean of the middle two rounded half up."""
    ordered = sorted(fees)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round_pence(Decimal(ordered[middle - 1] + ordered[middle]) / 2)


def _percent(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal("0.00")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"))


def provider_spreads(fees: Iterable[AgreedFee]) -> list[ProviderSpread]:
    """Per provider and comparable band, the spread of the weekly fees agreed across authorities."""
    groups: dict[tuple[int, int, BandKey], list[AgreedFee]] = defaultdict(list)
    for fee in fees:
        groups[(fee.provider_id, fee.lot_id, fee.key)].append(fee)
    result = []
    for (provider_id, lot_id, key), rows in sorted(groups.items()):
        amounts = [r.weekly_fee_pence for r in rows]
        low, high = min(amounts), max(amounts)
        result.append(
            ProviderSpread(
                provider_id=provider_id,
                lot_id=lot_id,
                key=key,
                placements=len(rows),
                authorities=len({r.authority_id for r in rows}),
                min_pence=low,
                median_pence=median_pence(amounts),
                max_pence=high,
                spread_pence=high - low,
                spread_percent=_percent(high - low, low),
            )
        )
    return result


def band_utilisation(fees: Iterable[AgreedFee]) -> list[BandUse]:
    """How many placements each band of each lot holds, and its share of the lot's placements."""
    per_band: dict[tuple[int, BandKey], int] = defaultdict(int)
    per_lot: dict[int, int] = defaultdict(int)
    for fee in fees:
        per_band[(fee.lot_id, fee.key)] += 1
        per_lot[fee.lot_id] += 1
    return [
        BandUse(lot_id=lot_id, key=key, placements=n, share_percent=_percent(n, per_lot[lot_id]))
        for (lot_id, key), n in sorted(per_band.items())
    ]


@dataclass(frozen=True, slots=True)
class AboveCeiling:
    rate_card_id: int
    provider_id: int
    lot_id: int
    key: BandKey
    weekly_price_pence: int
    ceiling_pence: int
    exception_status: ExceptionStatus | None

    @property
    def over_pence(self) -> int:
        return self.weekly_price_pence - self.ceiling_pence


def prices_above_ceiling(cards: Iterable[RateCard], bands: list[PriceBand], on: date) -> list[AboveCeiling]:
    """Approved prices in force on `on` above their band's ceiling that day (agreed by exception or not)."""
    result = []
    for card in cards:
        if not card.in_force(on):
            continue
        for line in card.lines:
            band = band_in_force([b for b in bands if b.lot_id == card.lot_id], line.key, on)
            if band is not None and line.weekly_price_pence > band.ceiling_pence:
                result.append(
                    AboveCeiling(
                        rate_card_id=card.id,
                        provider_id=card.provider_id,
                        lot_id=card.lot_id,
                        key=line.key,
                        weekly_price_pence=line.weekly_price_pence,
                        ceiling_pence=band.ceiling_pence,
                        exception_status=line.exception_status,
                    )
                )
    return result


@dataclass(frozen=True, slots=True)
class PricingReport:
    arrangement_id: int
    on: date
    spreads: list[ProviderSpread]
    utilisation: list[BandUse]
    above_ceiling: list[AboveCeiling]
    provider_names: dict[int, str]
    # Spend over [spend_from, spend_to] per council the caller may see, and the consortium's total
    # for the lead authority's officers (None for a member council's, who see their own only).
    spend_from: date | None = None
    spend_to: date | None = None
    spend: list[CouncilSpend] = field(default_factory=list)
    spend_total: CouncilSpend | None = None
    authority_names: dict[int, str] = field(default_factory=dict)
