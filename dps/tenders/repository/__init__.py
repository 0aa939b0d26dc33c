"""Rows <-> domain objects for tenders; the only modules here that query.

One module per aggregate, named like `domain/` and `services/`: `call_offs` (call-offs),
`invitations` (who is invited, their settings and recipients), `offers` (sealed offers),
`marks` (evaluators' marks and offer scores), `panel` (the evaluation panel and its marking),
`clarifications` (questions and answers), `placements` (placements made from call-offs),
`reports` (placement facts for the reports); `_rows` holds shared row helpers.
This package re-exports every public name, so `repository.get_call_off(...)` keeps working;
new code may import the module directly (`from dps.tenders.repository import offers`).
"""

from dps.tenders.repository.call_offs import get_call_off, insert_call_off, list_call_offs, update_call_off
from dps.tenders.repository.clarifications import (
    answer_clarification,
    get_clarification,
    insert_clarification,
    list_clarifications,
)
from dps.tenders.repository.invitations import (
    count_invitations,
    distances,
    insert_invitations,
    invited_recipients,
    invited_settings,
    list_invitations,
    provider_recipients,
    record_preferred_needs,
)
from dps.tenders.repository.marks import (
    CallOffMarks,
    OfferToScore,
    awarded_providers,
    delete_moderated_marks,
    delete_scores,
    insert_marks,
    marks_of,
    offers_to_score,
    save_scores,
    scores_of,
)
from dps.tenders.repository.offers import (
    ExistingOffer,
    OfferSubmission,
    count_offers,
    get_offer,
    insert_offer,
    insert_offer_sql,
    list_offers,
    offer_submission,
    update_offer,
)
from dps.tenders.repository.panel import (
    OfferMarkRow,
    call_offs_on_panel,
    evaluator_marks,
    insert_panel_members,
    marked_offers,
    marks_of_offer,
    panel_of,
    save_panel_release,
    submitted_offer_ids,
)
from dps.tenders.repository.placements import (
    get_placement,
    has_successor,
    insert_placement,
    list_placements,
    origin_call_off_id,
    placement_of_call_off,
    save_placement_ending,
    save_placement_fee,
    set_agreed_fee,
    set_placement_navigation,
)
from dps.tenders.repository.reports import placement_facts

# Grouped by module (one comment each), not sorted.
__all__ = [  # noqa: RUF022
    # call_offs.py: call-offs
    "insert_call_off",
    "get_call_off",
    "update_call_off",
    "list_call_offs",
    # invitations.py: invitations
    "insert_invitations",
    "list_invitations",
    "record_preferred_needs",
    "invited_settings",
    "distances",
    "count_invitations",
    "invited_recipients",
    "provider_recipients",
    # offers.py: offers
    "insert_offer",
    "ExistingOffer",
    "OfferSubmission",
    "offer_submission",
    "insert_offer_sql",
    "get_offer",
    "update_offer",
    "list_offers",
    "count_offers",
    # marks.py: marks and scores
    "insert_marks",
    "delete_moderated_marks",
    "CallOffMarks",
    "marks_of",
    "OfferToScore",
    "offers_to_score",
    "save_scores",
    "delete_scores",
    "scores_of",
    "awarded_providers",
    # panel.py: the evaluation panel
    "panel_of",
    "call_offs_on_panel",
    "insert_panel_members",
    "save_panel_release",
    "marked_offers",
    "submitted_offer_ids",
    "evaluator_marks",
    "OfferMarkRow",
    "marks_of_offer",
    # clarifications.py: clarifications
    "insert_clarification",
    "get_clarification",
    "answer_clarification",
    "list_clarifications",
    # placements.py: placements
    "insert_placement",
    "get_placement",
    "set_agreed_fee",
    "origin_call_off_id",
    "placement_of_call_off",
    "save_placement_fee",
    "set_placement_navigation",
    "save_placement_ending",
    "list_placements",
    "has_successor",
    # reports.py: reports
    "placement_facts",
]
