"""Rate cards: a member provider's weekly prices per band of a lot, checked against the bands.

A provider proposes (submits) a card; a procurement officer of the lead authority approves or
rejects it. A price above the band's ceiling needs an exception request with a justification and
the officer's decision on it; a price below the floor is flagged as abnormally low, and the officer
must record the review of the provider's explanation before approving (PCR 2015 reg 69: an
abnormally low tender may be rejected only after asking for and assessing an explanation).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from dps.core.codes import CommonCode
from dps.core.errors import Conflict, IllegalTransition, NotFound, RuleViolation
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import BandKey, Period, Position, PriceBand, band_in_force, position_in_band
from dps.pricing.domain.money import check_pence


class RateCardStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExceptionStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class ServiceUnit(StrEnum):
    """How an additional service is counted and priced."""

    HOUR = "hour"
    SESSION = "session"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class AdditionalService:
    id: int
    arrangement_id: int
    code: str
    name: str
    unit: ServiceUnit
    description: str


@dataclass(frozen=True, slots=True)
class RateLine:
    """One band's weekly price on a card, with where it sits against the band."""

    id: int
    key: BandKey
    weekly_price_pence: int
    position: Position
    exception_justification: str | None = None
    exception_status: ExceptionStatus | None = None
    exception_reason: str | None = None

    @property
    def needs_exception(self) -> bool:
        return self.position is Position.ABOVE_CEILING

    @property
    def abnormally_low(self) -> bool:
        return self.position is Position.BELOW_FLOOR


@dataclass(frozen=True, slots=True)
class ServicePrice:
    service_id: int
    unit: ServiceUnit
    unit_price_pence: int


@dataclass(frozen=True, slots=True)
class RateCard:
    id: int
    provider_id: int
    arrangement_id: int
    lot_id: int
    status: RateCardStatus
    period: Period
    lines: tuple[RateLine, ...]
    services: tuple[ServicePrice, ...]
    submitted_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    previous_id: int | None  # the card this one continues (an uplift's new prices)
    uplift_id: int | None
    version: int

    def line_for(self, key: BandKey) -> RateLine | None:
        # Plain loops with an identity check first: this sits on the fee calculation's hot path.
        for line in self.lines:
            if line.key is key or line.key == key:
                return line
        return None

    def service_price(self, service_id: int) -> ServicePrice | None:
        for price in self.services:
            if price.service_id == service_id:
                return price
        return None

    def in_force(self, day: date) -> bool:
        return self.status is RateCardStatus.APPROVED and self.period.covers(day)

    def _require_submitted(self, target: str) -> None:
        if self.status is not RateCardStatus.SUBMITTED:
            raise IllegalTransition("rate card", self.status.value, target)

    def decide_exception(self, line_id: int, approve: bool, reason: str) -> RateCard:
        """The officer's decision on one above-ceiling price's exception request."""
        self._require_submitted("exception decided")
        line = next((x for x in self.lines if x.id == line_id), None)
        if line is None:
            raise NotFound(f"line {line_id} is not on rate card {self.id}", entity="rate_card_line")
        if not line.needs_exception:
            raise Conflict(
                "only a price above the ceiling has an exception to decide", code=PricingCode.NO_EXCEPTION_REQUESTED
            )
        if not reason.strip():
            raise RuleViolation("give the reason for the decision", code=CommonCode.REASON_REQUIRED)
        decided = replace(
            line,
            exception_status=ExceptionStatus.APPROVED if approve else ExceptionStatus.REJECTED,
            exception_reason=reason.strip(),
        )
        lines = tuple(decided if x.id == line_id else x for x in self.lines)
        return replace(self, lines=lines, version=self.version + 1)

    def approve(self, at: datetime, note: str | None, abnormally_low_review: str | None) -> RateCard:
        """Approve: every above-ceiling price needs an approved exception, and a below-floor price
        needs the officer's review of the provider's explanation (PCR 2015 reg 69)."""
        self._require_submitted(RateCardStatus.APPROVED.value)
        undecided = [
            str(x.key) for x in self.lines if x.needs_exception and x.exception_status is not ExceptionStatus.APPROVED
        ]
        if undecided:
            raise RuleViolation(
                "prices above the ceiling need an approved exception first",
                code=PricingCode.EXCEPTION_NOT_APPROVED,
                bands=undecided,
            )
        low = [str(x.key) for x in self.lines if x.abnormally_low]
        review = (abnormally_low_review or "").strip()
        if low and not review:
            raise RuleViolation(
                "prices below the floor are abnormally low: record your review of the provider's explanation",
                code=PricingCode.ABNORMALLY_LOW_REVIEW_REQUIRED,
                bands=low,
            )
        parts = [p for p in ((note or "").strip(), f"abnormally low review: {review}" if review else "") if p]
        return replace(
            self,
            status=RateCardStatus.APPROVED,
            decided_at=at,
            decision_note="; ".join(parts) or None,
            version=self.version + 1,
        )

    def reject(self, at: datetime, reason: str) -> RateCard:
        self._require_submitted(RateCardStatus.REJECTED.value)
        if not reason.strip():
            raise RuleViolation("give the reason for the rejection", code=CommonCode.REASON_REQUIRED)
        return replace(
            self, status=RateCardStatus.REJECTED, decided_at=at, decision_note=reason.strip(), version=self.version + 1
        )


@dataclass(frozen=True, slots=True)
class ProposedLine:
    key: BandKey
    weekly_price_pence: int
    exception_justification: str | None = None


def assess_lines(proposed: list[ProposedLine], bands: list[PriceBand], on: date) -> tuple[RateLine, ...]:
    """Place each proposed price against its band in force on `on`; above the ceiling needs a
    justification (the exception request), which is then awaiting the officer's decision."""
    if not proposed:
        raise RuleViolation("price at least one band", code=PricingCode.NO_LINES)
    keys = [p.key for p in proposed]
    if len(set(keys)) != len(keys):
        raise RuleViolation("each band may be priced once on a card", code=PricingCode.DUPLICATE_BAND)
    lines = []
    for p in proposed:
        check_pence(p.weekly_price_pence, "weekly_price_pence")
        band = band_in_force(bands, p.key, on)
        if band is None:
            raise RuleViolation(f"band {p.key} has no agreed prices on {on}", code=PricingCode.NO_BAND, band=str(p.key))
        position = position_in_band(p.weekly_price_pence, band)
        justification = (p.exception_justification or "").strip() or None
        status = None
        if position is Position.ABOVE_CEILING:
            if justification is None:
                raise RuleViolation(
                    f"{p.key}: {p.weekly_price_pence}p is above the ceiling of {band.ceiling_pence}p; "
                    "request an exception with a justification",
                    code=PricingCode.EXCEPTION_JUSTIFICATION_REQUIRED,
                    band=str(p.key),
                )
            status = ExceptionStatus.REQUESTED
        else:
            justification = None
        lines.append(
            RateLine(
                id=0,
                key=p.key,
                weekly_price_pence=p.weekly_price_pence,
                position=position,
                exception_justification=justification,
                exception_status=status,
            )
        )
    return tuple(lines)


def price_services(
    proposed: list[tuple[int, int]], catalogue: dict[int, AdditionalService]
) -> tuple[ServicePrice, ...]:
    """(service id, unit price) pairs as a card's service prices: each from the arrangement's
    catalogue, once, priced per the catalogue's unit."""
    ids = [service_id for service_id, _ in proposed]
    if len(set(ids)) != len(ids):
        raise RuleViolation("each additional service may be priced once on a card", code=PricingCode.DUPLICATE_SERVICE)
    prices = []
    for service_id, pence in proposed:
        check_pence(pence, "unit_price_pence")
        service = catalogue.get(service_id)
        if service is None:
            raise RuleViolation(
                f"additional service {service_id} is not in this arrangement's catalogue",
                code=PricingCode.UNKNOWN_SERVICE,
                service_id=service_id,
            )
        prices.append(ServicePrice(service_id=service_id, unit=service.unit, unit_price_pence=pence))
    return tuple(prices)


def check_succession(new: RateCard, approved: list[RateCard]) -> list[RateCard]:
    """A newly approved card replaces the provider's approved cards for the lot from its start:
    those still open then end the day before. A card that starts on or after the new one's start
    cannot be replaced this way (409). Returns the cards to close, already closed."""
    from datetime import timedelta

    closed = []
    for card in approved:
        if card.id == new.id or not card.period.overlaps(new.period):
            continue
        if card.period.starts_on >= new.period.starts_on:
            raise Conflict(
                f"rate card {card.id} already applies from {card.period.starts_on}",
                code=PricingCode.RATE_CARD_PERIOD_CONFLICT,
                conflicting_rate_card_id=card.id,
            )
        end = new.period.starts_on - timedelta(days=1)
        closed.append(replace(card, period=Period(card.period.starts_on, end), version=card.version + 1))
    return closed
