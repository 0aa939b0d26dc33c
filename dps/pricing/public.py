"""The face of pricing (price bands, rate cards, agreed fees, uplifts): the only module of dps.pricing,
besides its `domain/` values, that another package may import (import-linter enforces it, see
pyproject.toml).

Names ending in `_row`/`_rows` read the stored row without any access check (for the services of the
packages above, which check access themselves); the others are the services the portal and the JSON
controllers call, which check the principal. Writes to pricing' rows go through the functions here:
no other package writes them.
"""

from __future__ import annotations

from dps.pricing.controllers import (
    PriceBandController,
    PricingReportController,
    RateCardController,
    UpliftController,
)
from dps.pricing.repository import (
    get_uplift,
)
from dps.pricing.repository import (
    list_rate_cards as list_rate_card_rows,
)
from dps.pricing.schemas import (
    ApproveIn,
    BandIn,
    LineIn,
    RateCardIn,
    ServicePriceIn,
)
from dps.pricing.services import (
    check_offer_fee,
    record_agreed_fee,
    vary_agreed_fee,
)
from dps.pricing.services.fees import (
    end_placement_fees,
)
from dps.pricing.services.prices import (
    add_band,
    list_bands,
    list_services,
)
from dps.pricing.services.rate_cards import (
    approve_rate_card,
    get_rate_card,
    list_rate_cards,
    propose_rate_card,
)
from dps.pricing.services.setup import (
    publish_arrangement,
)

__all__ = [
    "ApproveIn",
    "BandIn",
    "LineIn",
    "PriceBandController",
    "PricingReportController",
    "RateCardController",
    "RateCardIn",
    "ServicePriceIn",
    "UpliftController",
    "add_band",
    "approve_rate_card",
    "check_offer_fee",
    "end_placement_fees",
    "get_rate_card",
    "get_uplift",
    "list_bands",
    "list_rate_card_rows",
    "list_rate_cards",
    "list_services",
    "propose_rate_card",
    "publish_arrangement",
    "record_agreed_fee",
    "vary_agreed_fee",
]
