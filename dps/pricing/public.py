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
from dps.pricing.report_csv import FORMULA_STARTS
from dps.pricing.repository import (
    get_uplift as get_uplift_row,
)
from dps.pricing.repository import (
    list_rate_cards as list_rate_card_rows,
)
from dps.pricing.schemas import (
    ApproveIn,
    BandIn,
    ExceptionDecisionIn,
    LineIn,
    RateCardIn,
    RejectIn,
    ServiceIn,
    ServicePriceIn,
    UpliftIn,
)
from dps.pricing.services import (
    check_offer_fee,
    record_agreed_fee,
    vary_agreed_fee,
)
from dps.pricing.services.analysis import pricing_report
from dps.pricing.services.fees import (
    end_placement_fees,
)
from dps.pricing.services.prices import (
    add_band,
    add_service,
    list_bands,
    list_services,
)
from dps.pricing.services.rate_cards import (
    approve_rate_card,
    decide_exception,
    get_rate_card,
    list_rate_cards,
    propose_rate_card,
    reject_rate_card,
)
from dps.pricing.services.setup import (
    delete_band,
    delete_service,
    publish_arrangement,
    readiness,
)
from dps.pricing.services.uplifts import apply_uplift, define_uplift, get_uplift, list_uplifts, preview_uplift

__all__ = [
    "FORMULA_STARTS",
    "ApproveIn",
    "BandIn",
    "ExceptionDecisionIn",
    "LineIn",
    "PriceBandController",
    "PricingReportController",
    "RateCardController",
    "RateCardIn",
    "RejectIn",
    "ServiceIn",
    "ServicePriceIn",
    "UpliftController",
    "UpliftIn",
    "add_band",
    "add_service",
    "apply_uplift",
    "approve_rate_card",
    "check_offer_fee",
    "decide_exception",
    "define_uplift",
    "delete_band",
    "delete_service",
    "end_placement_fees",
    "get_rate_card",
    "get_uplift",
    "get_uplift_row",
    "list_bands",
    "list_rate_card_rows",
    "list_rate_cards",
    "list_services",
    "list_uplifts",
    "preview_uplift",
    "pricing_report",
    "propose_rate_card",
    "publish_arrangement",
    "readiness",
    "record_agreed_fee",
    "reject_rate_card",
    "vary_agreed_fee",
]
