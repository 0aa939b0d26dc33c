"""What the release builders may know: plain values read from the other packages' rows.

These are the only inputs of `releases.py`, and they are built to be safe to publish: a call-off
carries its lot, its need level and its dates, never the child (no profile, district, reference,
needs or age), and an offer is present only as a count after the deadline and as the awarded
value. The repository fills them; leaving a field out here is how the privacy rules are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Organisation:
    """A council or a provider as a release names it (public registers only)."""

    key: str  # "authority-3" / "provider-7": our stable party id
    name: str
    company_number: str | None = None  # Companies House (GB-COH)
    ons_code: str | None = None  # a council's ONS/GSS code
    postcode: str | None = None  # a provider's registered office, from Companies House


@dataclass(frozen=True, slots=True)
class LotFacts:
    id: int
    code: str
    title: str
    description: str
    need_levels: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    floor_pence: int | None = None  # the lowest agreed weekly band floor in force
    ceiling_pence: int | None = None  # the highest agreed weekly band ceiling in force


@dataclass(frozen=True, slots=True)
class MembershipFacts:
    id: int
    lot_id: int
    supplier: Organisation
    status: str  # active / suspended / removed / expired
    started_on: date
    ended_at: datetime | None = None  # when it was removed or expired (its audit event)


@dataclass(frozen=True, slots=True)
class ArrangementFacts:
    id: int
    reference: str
    title: str
    service_type: str
    profile_code: str
    status: str  # draft / open / closed / suspended / expired
    term_start: date
    term_end: date
    quality_threshold: Decimal
    lead: Organisation
    members: tuple[Organisation, ...]
    lots: tuple[LotFacts, ...]
    memberships: tuple[MembershipFacts, ...]
    windows: tuple[tuple[datetime, datetime], ...] = ()
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FeeChange:
    """A contract variation of a placement's weekly fee (audit event placement.fee_varied)."""

    at: datetime
    from_day: date | None
    old_pence: int
    new_pence: int


@dataclass(frozen=True, slots=True)
class AwardFacts:
    supplier: Organisation
    weekly_fee_pence: int  # the awarded value, the only trace of the provider's prices
    awarded_at: datetime
    standstill_ends_at: datetime | None
    concluded_at: datetime | None


@dataclass(frozen=True, slots=True)
class PlacementFacts:
    id: int
    start_date: date
    weekly_fee_pence: int
    created_at: datetime
    ended_on: date | None = None
    ending_kind: str | None = None  # planned / unplanned
    fee_changes: tuple[FeeChange, ...] = ()
    signed_at: datetime | None = None  # the Individual Placement Agreement's signature
    successor_id: int | None = None  # the placement a move made to replace this one


@dataclass(frozen=True, slots=True)
class CallOffFacts:
    id: int
    arrangement_id: int
    arrangement_reference: str
    arrangement_title: str
    profile_code: str
    service_type: str
    lot: LotFacts
    buyer: Organisation
    status: str  # published / closed / evaluated / awarded / concluded / no_award / cancelled
    need_level: str
    published_at: datetime
    deadline: datetime
    quality_weight: Decimal
    price_weight: Decimal
    proximity_weight: Decimal
    closed_at: datetime | None = None
    offers_submitted: int | None = None  # None until the deadline has passed (sealed)
    award: AwardFacts | None = None
    placement: PlacementFacts | None = None
    ended_at: datetime | None = field(default=None)  # cancelled or no award: when


@dataclass(frozen=True, slots=True)
class MovedPlacementFacts:
    """A placement a move made (no call-off of its own): its own contracting process, a direct
    award either under the arrangement (the move passed the offer's checks in the lot the child
    was placed under) or outside it (a spot purchase). Like a call-off's facts it holds the lot
    and the need level, never the child, and never the commissioner's reason for a spot purchase
    (free text, which may name the child)."""

    placement: PlacementFacts
    arrangement_id: int
    arrangement_reference: str
    arrangement_title: str
    profile_code: str
    service_type: str
    lot: LotFacts
    buyer: Organisation
    supplier: Organisation
    need_level: str
    off_framework: bool
    previous_placement_id: int
    previous_call_off_id: int | None  # the call-off that made the placement it replaces, if one did
