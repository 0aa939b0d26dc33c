"""Notification banners shown once after an action (the cookie carries only one of these keys,
so nothing a visitor typed is ever echoed back through it)."""

from __future__ import annotations

from dps.portal.setup_messages import SETUP_BANNERS
from dps.portal.visits_messages import VISITS_BANNERS

BANNERS: dict[str, str] = {
    "signed_out": "You have signed out",
    "registered": "Your organisation is registered and you are signed in",
    "organisation_saved": "Your organisation's details have been saved",
    "colleague_invited": "Invitation created",
    "invitation_accepted": "Your password is set. Sign in to continue",
    "setting_added": "Setting added",
    "setting_saved": "Setting saved",
    "clarification_asked": "Your question has been sent to the lead authority",
    "application_started": "Application started. Answer each question; your answers are saved as drafts",
    "lots_saved": "Your choice of lots has been saved",
    "answer_saved": "Answer saved",
    "certificate_uploaded": "Certificate uploaded. Now confirm its details",
    "evidence_confirmed": "Certificate saved with the details you confirmed",
    "application_submitted": "Application submitted",
    # council staff
    "placement_request_saved": "Placement request saved as a draft. Check who would be invited, then publish it",
    "placement_request_published": "Placement request published. Every invited provider has been told",
    "offers_scored": "Offers scored and ranked. Choose the offer to award",
    "panel_assigned": "Added to the evaluation panel. Each marks every offer once the deadline has passed",
    "offer_marked": "Your marks on the offer are submitted",
    "placement_request_awarded": "Offer awarded. Every provider that offered has been sent its assessment",
    "placement_ended": "The end of the placement has been recorded",
    "template_uploaded": "Template uploaded as a draft. Approve it to use it",
    "decision_extended": "The decision period has been extended. The provider sees the new date and why",
    "template_approved": (
        "Template approved. New documents of its kind are made from it; "
        "your council's previous version, if any, is retired"
    ),
    "template_retired": "Template version retired",
    "contract_issued": "Issued. The provider's users have been told",
    "agreement_generated": "Individual Placement Agreement generated as a draft. Check it, then issue it",
    "contract_activated": "Countersigned. The contract is in force",
    "evaluators_assigned": "Evaluators assigned. Each is asked to declare their interests first",
    "interests_declared": "Declaration recorded",
    "marks_saved": "Your marks are saved as a draft",
    "marks_submitted": "Your marks are submitted",
    "moderation_saved": "Moderated marks saved. Now decide each lot",
    "application_decided": "Decision recorded. The provider has been sent its decision notice",
    "placement_moved": "The move has been recorded: the old placement has ended and this one starts",
    # the provider's work after admission (compliance, rate cards, offers, contracts, concerns)
    "evidence_uploaded": "Evidence uploaded",
    "rate_card_submitted": "Rate card submitted. The lead authority will approve or refuse it",
    "placement_question_asked": "Your question has been sent to the council",
    "offer_submitted": "Offer submitted. It stays sealed until the deadline",
    "offer_changed": "Your offer has been changed",
    "offer_withdrawn": "Your offer has been withdrawn",
    "contract_signed": "You have signed it",
    "concern_responded": "Your response has been sent to the council",
    # oversight: compliance, concerns, pricing, administration
    "check_overridden": "Check overridden. The reason is kept in the audit trail",
    "membership_suspended": "Membership suspended. The provider is left out of new placement requests in this lot",
    "membership_reinstated": "Membership reinstated. The provider has been told",
    "concern_saved": "Concern saved as a draft. Only your council can see it until it is issued",
    "concern_issued": "Concern issued. Every member council and the provider have been told",
    "concern_rescinded": "Concern rescinded. Every member council and the provider have been told",
    "exception_decided": "Decision on the exception recorded",
    "rate_card_approved": "Rate card approved. The provider has been told",
    "rate_card_rejected": "Rate card refused. The provider has been told why",
    "uplift_defined": "Uplift saved as a draft. Check the preview, then apply it",
    "uplift_applied": "Uplift applied. The new prices start on its day; the old ones are kept",
    "authority_added": "Council added",
    "user_disabled": "Account disabled. The person is signed out and cannot sign in",
}

BANNERS.update(SETUP_BANNERS)
BANNERS.update(VISITS_BANNERS)
