"""Fees: what a placement costs a week at a date, and how an offered fee compares with the bands.

`weekly_fee` is the one place a placement's fee is computed: the band's weekly price on the
provider's approved rate card, plus the chosen additional services (unit price x units a week),
pro rata by day for a part week (days / 7 of the weekly total). It rounds with `divide_half_up`
(half up to the penny): once on the services' exact total, once on a part week's share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dps.core.errors import RuleViolation
from dps.core.rounding import divide_half_up
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import BandKey, Position, PriceBand, position_in_band
from dps.pricing.domain.rate_cards import ExceptionStatus, RateCard, RateCardStatus, RateLine, ServiceUnit

DAYS_IN_WEEK = 7


@dataclass(frozen=True, slots=True)
class ChosenService:
    """An additional service a placement takes: `units` hours or sessions a week (1 for weekly)."""

    service_id: int
    units: Decimal
    ratio: tuple[int, int] = field(init=False, repr=False, compare=False)  # units as an exact fraction

    def __post_init__(self) -> None:
        if not self.units.is_finite() or self.units < 0:
            raise RuleViolation("units of a service cannot be negative", code=PricingCode.NEGATIVE_UNITS)
        object.__setattr__(self, "ratio", self.units.as_integer_ratio())


@dataclass(frozen=True, slots=True)
class Fee:
    rate_card_id: int
    band: BandKey
    base_weekly_pence: int
    services_weekly_pence: int
    weekly_pence: int
    days: int
    charged_pence: int  # what these `days` cost: the weekly fee, or its pro rata share


def weekly_fee(
    card: RateCard, band: BandKey, services: Sequence[ChosenService], on: date, days: int = DAYS_IN_WEEK
) -> Fee:
    """A placement's fee at `on`: the card's weekly price for `band` plus the chosen services; for
    a part week of `days` (1-6), days/7 of the weekly total, rounded half up to the penny."""
    if card.status is not RateCardStatus.APPROVED or not card.period.covers(on):
        raise RuleViolation(
            f"rate card {card.id} is not approved and in force on {on}", code=PricingCode.RATE_CARD_NOT_IN_FORCE
        )
    if not 1 <= days <= DAYS_IN_WEEK:
        raise RuleViolation("a week has 1 to 7 days to charge", code=PricingCode.INVALID_DAYS)
    line = card.line_for(band)
    if line is None:
        raise RuleViolation(f"rate card {card.id} has no price for band {band}", code=PricingCode.BAND_NOT_ON_RATE_CARD)
    # The services' exact total as one fraction (units may be 7.5 hours), rounded once.
    numerator, denominator = 0, 1
    for chosen in services:
        price = card.service_price(chosen.service_id)
        if price is None:
            raise RuleViolation(
                f"additional service {chosen.service_id} is not priced on rate card {card.id}",
                code=PricingCode.SERVICE_NOT_PRICED,
                service_id=chosen.service_id,
            )
        if price.unit is ServiceUnit.WEEK:
            numerator += price.unit_price_pence * denominator
        else:
            units, per = chosen.ratio
            numerator = numerator * per + price.unit_price_pence * units * denominator
            denominator *= per
    services_weekly = divide_half_up(numerator, denominator)
    weekly = line.weekly_price_pence + services_weekly
    charged = weekly if days == DAYS_IN_WEEK else divide_half_up(weekly * days, DAYS_IN_WEEK)
    return Fee(
        rate_card_id=card.id,
        band=band,
        base_weekly_pence=line.weekly_price_pence,
        services_weekly_pence=services_weekly,
        weekly_pence=weekly,
        days=days,
        charged_pence=charged,
    )


@dataclass(frozen=True, slots=True)
class FeeCheck:
    """How an offered weekly fee compares with the band and the provider's approved rate card."""

    weekly_fee_pence: int
    band_id: int | None
    band: BandKey | None
    floor_pence: int | None
    ceiling_pence: int | None
    rate_card_id: int | None
    rate_card_price_pence: int | None
    exception_approved: bool  # the card's price for this band is above the ceiling by agreement
    above_ceiling: bool
    below_floor: bool
    above_rate_card: bool
    no_band: bool
    no_rate_card: bool


def check_fee(
    weekly_fee_pence: int, band: PriceBand | None, line: RateLine | None, rate_card_id: int | None
) -> FeeCheck:
    """Flags for an offer: above the ceiling or below the floor of the band in force, above the
    provider's own approved price for the band, or no band / no approved card to compare with."""
    position = position_in_band(weekly_fee_pence, band) if band is not None else None
    return FeeCheck(
        weekly_fee_pence=weekly_fee_pence,
        band_id=band.id if band else None,
        band=band.key if band else None,
        floor_pence=band.floor_pence if band else None,
        ceiling_pence=band.ceiling_pence if band else None,
        rate_card_id=rate_card_id if line else None,
        rate_card_price_pence=line.weekly_price_pence if line else None,
        exception_approved=line is not None and line.exception_status is ExceptionStatus.APPROVED,
        above_ceiling=position is Position.ABOVE_CEILING,
        below_floor=position is Position.BELOW_FLOOR,
        above_rate_card=line is not None and weekly_fee_pence > line.weekly_price_pence,
        no_band=band is None,
        no_rate_card=line is None,
    )
