"""Rows <-> domain objects for pricing; the only modules here that query (spend reads are in
`dps.pricing.repository_spend`).

One module per aggregate, named like `domain/` and `services/`: `bands` (price bands),
`additional_services` (an arrangement's additional services), `memberships` (read only; frameworks
owns them), `rate_cards` (providers' rate cards and their exceptions), `uplifts` (annual uplifts and
the bulk writes that apply them), `fees` (agreed fees, fed by tenders); `_rows` holds shared row
helpers and the constraint-to-error mapping.
This package re-exports every public name, so `repository.get_band(...)` keeps working;
new code may import the module directly (`from dps.pricing.repository import rate_cards`).
"""

from dps.pricing.repository._rows import CONSTRAINT_CODES
from dps.pricing.repository.additional_services import (
    delete_service,
    get_service,
    insert_service,
    list_services,
    withdraw_service,
)
from dps.pricing.repository.bands import (
    delete_band,
    get_band,
    insert_band,
    list_bands,
    lock_lot_prices,
    lots_with_bands,
    update_band,
    withdraw_band,
)
from dps.pricing.repository.fees import (
    agreed_fees_on,
    arrangement_of_lot,
    authority_names,
    continue_agreed_fee,
    end_agreed_fee,
    insert_agreed_fee,
    provider_names,
)
from dps.pricing.repository.memberships import has_active_membership, holds_membership
from dps.pricing.repository.rate_cards import (
    approved_card_on,
    approved_cards,
    bands_and_card_on,
    get_rate_card,
    insert_rate_card,
    list_rate_cards,
    lock_provider_cards,
    save_rate_card,
)
from dps.pricing.repository.uplifts import (
    cards_in_force,
    continue_cards,
    continue_lines,
    end_bands,
    get_uplift,
    insert_bands_bulk,
    insert_service_prices_bulk,
    insert_uplift,
    list_uplifts,
    mark_uplift_applied,
)

# Grouped by module (one comment each), not sorted.
__all__ = [  # noqa: RUF022
    # _rows.py: shared row helpers
    "CONSTRAINT_CODES",
    # bands.py: price bands
    "insert_band",
    "get_band",
    "update_band",
    "list_bands",
    "delete_band",
    "withdraw_band",
    "lots_with_bands",
    "lock_lot_prices",
    # additional_services.py: additional services
    "insert_service",
    "list_services",
    "get_service",
    "delete_service",
    "withdraw_service",
    # memberships.py: memberships (read only)
    "has_active_membership",
    "holds_membership",
    # rate_cards.py: rate cards
    "insert_rate_card",
    "get_rate_card",
    "list_rate_cards",
    "lock_provider_cards",
    "approved_cards",
    "approved_card_on",
    "bands_and_card_on",
    "save_rate_card",
    # uplifts.py: uplifts
    "insert_uplift",
    "get_uplift",
    "list_uplifts",
    "mark_uplift_applied",
    "cards_in_force",
    "end_bands",
    "insert_bands_bulk",
    "continue_cards",
    "continue_lines",
    "insert_service_prices_bulk",
    # fees.py: agreed fees (fed by tenders)
    "insert_agreed_fee",
    "agreed_fees_on",
    "provider_names",
    "authority_names",
    "arrangement_of_lot",
    "continue_agreed_fee",
    "end_agreed_fee",
]
