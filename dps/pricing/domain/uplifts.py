"""Uplifts: the annual change to bands and rate cards, flat or by a weighted index.

A weighted index blends published indices by weight, e.g. 40% CPI at 3.4% and 60% National
Living Wage at 6.7% is 0.40 x 3.4 + 0.60 x 6.7 = 5.38%. The percentage is kept exact (Decimal);
each price is rounded once, half up to the penny (`money.uplifted`). An uplift effective on a day
gives new rows from that day; the rows in force the day before end then, so history is kept.
Rows that start on or after the effective day were priced for the new period already and are
left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from dps.core.codes import CommonCode
from dps.core.errors import Conflict, RuleViolation
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import BandKey, Period, PriceBand
from dps.pricing.domain.money import HUNDRED, uplifted
from dps.pricing.domain.rate_cards import RateCard, RateLine, ServicePrice

MAX_UPLIFT = Decimal(100)  # a sanity bound: no annual uplift doubles prices
MIN_UPLIFT = Decimal(-50)
FLAT_PLACES = Decimal("0.0001")  # uplifts.flat_percentage is numeric(9, 4)


class UpliftMethod(StrEnum):
    FLAT = "flat"
    WEIGHTED_INDEX = "weighted_index"


class UpliftStatus(StrEnum):
    DRAFT = "draft"
    APPLIED = "applied"


@dataclass(frozen=True, slots=True)
class IndexComponent:
    """One index of a weighted uplift: its name, weight (% of the blend) and rate (% change)."""

    index: str
    weight: Decimal
    rate: Decimal


def weighted_percentage(components: tuple[IndexComponent, ...]) -> Decimal:
    """The blended percentage; the weights must add up to exactly 100."""
    if not components:
        raise RuleViolation("a weighted uplift needs at least one index", code=PricingCode.NO_INDICES)
    # Checked before any arithmetic: NaN cannot be compared and a huge exponent overflows Decimal.
    if any(not (c.weight.is_finite() and c.rate.is_finite()) for c in components):
        raise RuleViolation("index weights and rates are numbers", code=PricingCode.INVALID_INDEX)
    if any(not -HUNDRED <= c.rate <= HUNDRED for c in components):
        raise RuleViolation("an index rate is between -100% and 100%", code=PricingCode.INVALID_INDEX_RATE)
    if any(not 0 < c.weight <= HUNDRED for c in components):
        raise RuleViolation("each index weight must be above zero", code=CommonCode.INVALID_WEIGHT)
    if sum(c.weight for c in components) != HUNDRED:
        raise RuleViolation("index weights must add up to 100", code=PricingCode.WEIGHTS_NOT_100)
    names = [c.index for c in components]
    if len(set(names)) != len(names):
        raise RuleViolation("each index may appear once", code=PricingCode.DUPLICATE_INDEX)
    return sum((c.weight * c.rate for c in components), Decimal(0)) / HUNDRED


@dataclass(frozen=True, slots=True)
class Uplift:
    id: int
    arrangement_id: int
    description: str
    effective_on: date
    method: UpliftMethod
    flat_percentage: Decimal | None
    components: tuple[IndexComponent, ...]
    status: UpliftStatus
    applied_at: datetime | None
    version: int

    @property
    def percentage(self) -> Decimal:
        """The exact percentage applied to every price."""
        if self.method is UpliftMethod.FLAT:
            assert self.flat_percentage is not None
            return self.flat_percentage
        return weighted_percentage(self.components)

    def apply(self, at: datetime) -> Uplift:
        """Applied once only: a second apply would uplift the uplifted prices again (409)."""
        if self.status is UpliftStatus.APPLIED:
            raise Conflict(
                f"uplift {self.id} was applied at {self.applied_at}", code=PricingCode.UPLIFT_ALREADY_APPLIED
            )
        return replace(self, status=UpliftStatus.APPLIED, applied_at=at, version=self.version + 1)


def check_uplift(method: UpliftMethod, flat: Decimal | None, components: tuple[IndexComponent, ...]) -> Decimal:
    """Validate an uplift's definition; returns its percentage."""
    if method is UpliftMethod.FLAT:
        if flat is None or components:
            raise RuleViolation("a flat uplift has a percentage and no indices", code=PricingCode.INVALID_UPLIFT)
        percentage = flat
    else:
        if flat is not None:
            raise RuleViolation(
                "a weighted uplift takes its percentage from its indices", code=PricingCode.INVALID_UPLIFT
            )
        percentage = weighted_percentage(components)
    if not percentage.is_finite() or not MIN_UPLIFT <= percentage <= MAX_UPLIFT:
        raise RuleViolation(
            f"an uplift is between {MIN_UPLIFT}% and {MAX_UPLIFT}%", code=PricingCode.UPLIFT_OUT_OF_RANGE
        )
    if flat is not None and flat != flat.quantize(FLAT_PLACES):
        # Stored as numeric(9, 4): a fifth decimal would be rounded away silently, so the uplift
        # applied would not be the one the officer defined.
        raise RuleViolation("a flat uplift has at most four decimals", code=PricingCode.TOO_MANY_DECIMALS)
    return percentage


def uplift_applies_to(period: Period, effective_on: date) -> bool:
    """A row is uplifted when it is in force on the effective day and started before it."""
    return period.starts_on < effective_on and period.covers(effective_on)


def split_period(period: Period, effective_on: date) -> tuple[Period, Period]:
    """The old row's period, ending the day before, and the new row's, from the effective day."""
    return Period(period.starts_on, effective_on - timedelta(days=1)), Period(effective_on, period.ends_on)


@dataclass(frozen=True, slots=True)
class PriceChange:
    before_pence: int
    after_pence: int


def change(pence: int, percentage: Decimal) -> PriceChange:
    return PriceChange(pence, uplifted(pence, percentage))


@dataclass(frozen=True, slots=True)
class BandChange:
    before: PriceBand
    after: PriceBand  # the new row from the effective day (id 0 until saved)


@dataclass(frozen=True, slots=True)
class LineChange:
    line_id: int  # the line on the card in force; its copy on the new card takes `price.after_pence`
    key: BandKey
    price: PriceChange


@dataclass(frozen=True, slots=True)
class ServiceChange:
    service_id: int
    price: PriceChange


@dataclass(frozen=True, slots=True)
class CardChange:
    before: RateCard
    lines: tuple[LineChange, ...]
    services: tuple[ServiceChange, ...]

    def new_lines(self) -> tuple[RateLine, ...]:
        """The continued card's lines: new prices, the same band positions and exception decisions
        (floor, ceiling and price all move by the same percentage)."""
        prices = {c.key: c.price.after_pence for c in self.lines}
        return tuple(
            RateLine(
                id=line.id,  # the line it continues (the repository copies the rest of that row)
                key=line.key,
                weekly_price_pence=prices[line.key],
                position=line.position,
                exception_justification=line.exception_justification,
                exception_status=line.exception_status,
                exception_reason=line.exception_reason,
            )
            for line in self.before.lines
        )

    def new_services(self) -> tuple[ServicePrice, ...]:
        prices = {c.service_id: c.price.after_pence for c in self.services}
        return tuple(replace(s, unit_price_pence=prices[s.service_id]) for s in self.before.services)


@dataclass(frozen=True, slots=True)
class UpliftPlan:
    """Every band and rate card the uplift changes, before and after (the preview, and what apply writes)."""

    uplift: Uplift
    percentage: Decimal
    bands: tuple[BandChange, ...]
    cards: tuple[CardChange, ...]
    cards_left_alone: tuple[int, ...]  # approved cards starting on or after the effective day


def plan_uplift(uplift: Uplift, bands: list[PriceBand], cards: list[RateCard]) -> UpliftPlan:
    """What the uplift does to the arrangement's bands and approved rate cards in force on its day."""
    pct = uplift.percentage
    day = uplift.effective_on
    band_changes = []
    for band in bands:
        if band.arrangement_id != uplift.arrangement_id or not uplift_applies_to(band.period, day):
            continue
        _, new_period = split_period(band.period, day)
        after = replace(
            band,
            id=0,
            floor_pence=uplifted(band.floor_pence, pct),
            ceiling_pence=uplifted(band.ceiling_pence, pct),
            period=new_period,
            uplift_id=uplift.id,
            version=1,
        )
        band_changes.append(BandChange(before=band, after=after))
    card_changes = []
    left_alone = []
    for card in cards:
        if card.arrangement_id != uplift.arrangement_id or not card.in_force(day):
            continue
        if not uplift_applies_to(card.period, day):
            left_alone.append(card.id)
            continue
        card_changes.append(
            CardChange(
                before=card,
                lines=tuple(LineChange(x.id, x.key, change(x.weekly_price_pence, pct)) for x in card.lines),
                services=tuple(ServiceChange(s.service_id, change(s.unit_price_pence, pct)) for s in card.services),
            )
        )
    return UpliftPlan(uplift, pct, tuple(band_changes), tuple(card_changes), tuple(left_alone))
