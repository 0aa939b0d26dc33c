"""What officers and providers send to pricing, as domain values: a band's floor and ceiling, a
change to one, a catalogue service, a provider's rate card, decisions on it and an uplift. The
JSON API and the portal build these; the services never see a request Struct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dps.core.patches import UNCHANGED, Unchanged
from dps.pricing.domain.rate_cards import ServiceUnit
from dps.pricing.domain.uplifts import IndexComponent, UpliftMethod


@dataclass(frozen=True, slots=True)
class BandDraft:
    """A floor and ceiling weekly fee for one band of a lot, from a date."""

    lot_id: int
    age_band: str
    need_level: str
    area: str | None
    floor_pence: int
    ceiling_pence: int
    effective_from: date
    effective_to: date | None = None


@dataclass(frozen=True, slots=True)
class BandChanges:
    """A correction to a band; `UNCHANGED` fields stay (None ends the band's open end date)."""

    floor_pence: int | Unchanged = UNCHANGED
    ceiling_pence: int | Unchanged = UNCHANGED
    effective_to: date | Unchanged | None = UNCHANGED


@dataclass(frozen=True, slots=True)
class ServiceDraft:
    """A service for the arrangement's catalogue (e.g. one-to-one support by the hour)."""

    code: str
    name: str
    unit: ServiceUnit
    description: str = ""


@dataclass(frozen=True, slots=True)
class LineProposal:
    """A provider's weekly price for one band; above the ceiling needs the justification."""

    age_band: str
    need_level: str
    area: str | None
    weekly_price_pence: int
    exception_justification: str | None = None


@dataclass(frozen=True, slots=True)
class RateCardProposal:
    """A provider's prices for the bands (and catalogue services) of one lot, from a date."""

    lot_id: int
    effective_from: date
    effective_to: date | None
    lines: tuple[LineProposal, ...]
    services: tuple[tuple[int, int], ...] = ()  # (service id, unit price in pence)


@dataclass(frozen=True, slots=True)
class ExceptionDecision:
    """An officer's decision on a price above the ceiling, with the reason."""

    approve: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Approval:
    """An officer's approval of a card; a price below the floor needs the abnormally-low review."""

    note: str | None = None
    abnormally_low_review: str | None = None


@dataclass(frozen=True, slots=True)
class UpliftDraft:
    """An annual change to an arrangement's prices: a flat percentage or a weighted index blend."""

    arrangement_id: int
    description: str
    effective_on: date
    method: UpliftMethod
    flat_percentage: Decimal | None = None
    components: tuple[IndexComponent, ...] = ()
