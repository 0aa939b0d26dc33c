"""Which live placements an applied uplift varies, and their new weekly fee (pure).

DESIGN.md story 7: an annual uplift is applied to bands and rate cards, and live placements get
contract variations. Placements do not record the rate card they were priced on, so a placement
is matched to the uplift by what it does record: its provider, its lot and the band its fee was
agreed against (pricing's agreed fee: the lot's age band for the child's age x the child's need
level). A placement is varied when

- an approved rate card of its provider in its lot was continued by the uplift,
- it started before the uplift's effective day (pricing's rule for rows: one starting on or after
  the day was priced for the new period already and is left alone), and
- it is live on that day (not ended by then: `Placement.is_live` in tenders).

The new fee (standard terms, clause 4 of our wording: fees change only by a written variation):
a placement priced at its band's price on the provider's card moves to the band's price on the
uplifted card (`dps.pricing.domain.weekly_fee` on both cards); a fee agreed at another figure
(below the card, or for a band the card does not list) moves by the uplift's percentage, rounded
once half up to the penny (`dps.pricing.domain.money.uplifted`). Both give the same answer for a
fee at the card price: 123,457p +3.8% = 128,148p (128,148.366).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dps.pricing.domain.bands import BandKey
from dps.pricing.domain.fees import weekly_fee
from dps.pricing.domain.money import uplifted
from dps.pricing.domain.rate_cards import RateCard

# The anonymised reference an agreement gives the child: the placement request's number. Never a
# name, a date of birth or a full postcode (UK GDPR art. 5(1)(c), data minimisation).
CHILD_REFERENCE_PREFIX = "CH-CO"


def child_reference(call_off_id: int) -> str:
    """The child's reference in contracts, from the call-off that placed them, e.g. CH-CO-000042."""
    return f"{CHILD_REFERENCE_PREFIX}-{call_off_id:06d}"


@dataclass(frozen=True, slots=True)
class PricedPlacement:
    """A placement of the uplift's provider and lot, as far as its fee is concerned."""

    placement_id: int
    authority_id: int
    provider_id: int
    lot_id: int
    call_off_id: int | None  # the call-off that placed the child (following moves back)
    band: BandKey | None  # the band its fee was agreed against; None when none was recorded
    weekly_fee_pence: int
    start_date: date
    ended_on: date | None
    old_card_id: int
    new_card_id: int


def varied_by_uplift(p: PricedPlacement, effective_on: date) -> bool:
    """Started before the effective day and not ended by it."""
    return p.start_date < effective_on and (p.ended_on is None or p.ended_on > effective_on)


def new_weekly_fee(
    current_pence: int,
    band: BandKey | None,
    old_card: RateCard,
    new_card: RateCard,
    effective_on: date,
    percentage: Decimal,
) -> int:
    """The placement's weekly fee from `effective_on` (see the module docstring)."""
    if band is not None and old_card.line_for(band) is not None and new_card.line_for(band) is not None:
        before = weekly_fee(old_card, band, (), effective_on - timedelta(days=1)).weekly_pence
        if before == current_pence:
            return weekly_fee(new_card, band, (), effective_on).weekly_pence
    return uplifted(current_pence, percentage)
