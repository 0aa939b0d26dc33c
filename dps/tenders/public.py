"""The face of tenders (call-offs, offers, award and placements): the only module of dps.tenders,
besides its `domain/` values, that another package may import (import-linter enforces it, see
pyproject.toml).

Names ending in `_row`/`_rows` read the stored row without any access check (for the services of the
packages above, which check access themselves); the others are the services the portal and the JSON
controllers call, which check the principal. Writes to tenders' rows go through the functions here:
no other package writes them.
"""

from __future__ import annotations

from dps.tenders.controllers import (
    CallOffController,
    PlacementController,
    PlacementReportController,
)
from dps.tenders.repository import (
    get_call_off as get_call_off_row,
)
from dps.tenders.repository import (
    get_offer as get_offer_row,
)
from dps.tenders.repository import (
    get_placement as get_placement_row,
)
from dps.tenders.schemas import (
    CallOffIn,
)
from dps.tenders.services.award import (
    award_call_off,
    evaluate_call_off,
)
from dps.tenders.services.call_offs import (
    CALL_OFF_ARRANGEMENT_STATES,
    ask_clarification,
    create_call_off,
    get_call_off,
    list_call_off_views,
    list_call_offs,
    list_clarifications,
    list_invitations,
    publish_call_off,
    view_call_off,
)
from dps.tenders.services.deadlines import Outcome, on_deadline
from dps.tenders.services.offers import (
    OfferView,
    get_offer,
    list_offers,
    revise_offer,
    submit_marks,
    submit_offer,
    withdraw_offer,
)
from dps.tenders.services.panel import assign_evaluators, get_panel, my_panels, offer_marks
from dps.tenders.services.placements import (
    Move,
    end_placement,
    get_placement,
    list_placements,
    move_placement,
    moved_on,
    off_framework,
    vary_weekly_fee,
)
from dps.tenders.services.reports import (
    PlacementReport,
    placement_report,
)

__all__ = [
    "CALL_OFF_ARRANGEMENT_STATES",
    "CallOffController",
    "CallOffIn",
    "Move",
    "OfferView",
    "Outcome",
    "PlacementController",
    "PlacementReport",
    "PlacementReportController",
    "ask_clarification",
    "assign_evaluators",
    "award_call_off",
    "create_call_off",
    "end_placement",
    "evaluate_call_off",
    "get_call_off",
    "get_call_off_row",
    "get_offer",
    "get_offer_row",
    "get_panel",
    "get_placement",
    "get_placement_row",
    "list_call_off_views",
    "list_call_offs",
    "list_clarifications",
    "list_invitations",
    "list_offers",
    "list_placements",
    "move_placement",
    "moved_on",
    "my_panels",
    "off_framework",
    "offer_marks",
    "on_deadline",
    "placement_report",
    "publish_call_off",
    "revise_offer",
    "submit_marks",
    "submit_offer",
    "vary_weekly_fee",
    "view_call_off",
    "withdraw_offer",
]
