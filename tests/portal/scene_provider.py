"""The provider's work after admission, added to the browser tests' scene (tests/portal/scene.py):
Birch Homes's membership of lot 1, an additional service in the catalogue, a rate card the lead
authority approved and one it refused, and what later steps of the journey need."""

from __future__ import annotations

from datetime import date

from dps.core.context import Context
from dps.core.pagination import MAX_LIMIT
from dps.frameworks.services import memberships
from dps.pricing.domain.rate_cards import ServiceUnit
from dps.pricing.schemas import ApproveIn, LineIn, RateCardIn, RejectIn, ServiceIn
from dps.pricing.services import prices, rate_cards

POUNDS = 100


async def load(officer: Context, birch: Context) -> dict[str, int]:
    found = await memberships.list_memberships(
        birch, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
    )
    membership = found.items[0]
    await prices.add_service(
        officer,
        membership.arrangement_id,
        ServiceIn(code="ONE-TO-ONE", name="One-to-one support", unit=ServiceUnit.HOUR, description="A worker's hour"),
    )
    refused = await rate_cards.propose_rate_card(
        birch,
        RateCardIn(
            lot_id=membership.lot_id,
            effective_from=date(2026, 4, 1),
            lines=[LineIn(age_band="8-12", need_level="standard", weekly_price_pence=4_100 * POUNDS)],
        ),
    )
    await rate_cards.reject_rate_card(
        officer, refused.id, refused.version, RejectIn(reason="The fee is below the floor with no explanation")
    )
    approved = await rate_cards.propose_rate_card(
        birch,
        RateCardIn(
            lot_id=membership.lot_id,
            effective_from=date(2026, 4, 1),
            lines=[
                LineIn(age_band="8-12", need_level="standard", weekly_price_pence=4_800 * POUNDS),
                LineIn(age_band="13-17", need_level="standard", weekly_price_pence=5_000 * POUNDS),
                LineIn(age_band="13-17", need_level="complex", weekly_price_pence=6_500 * POUNDS),
            ],
        ),
    )
    await rate_cards.approve_rate_card(officer, approved.id, approved.version, ApproveIn(note="Within every band"))
    return {
        "birch_membership_id": membership.id,
        "birch_refused_card_id": refused.id,
        "birch_approved_card_id": approved.id,
    }
