"""Council staff's problems in plain words (merged into `messages.MESSAGES`): compliance, concerns,
rate cards, uplifts and fee variations, the template library and administration."""

from __future__ import annotations

OVERSIGHT_MESSAGES: dict[str, tuple[str | None, str]] = {
    # compliance and concerns
    "reason_required": (None, "Give the reason"),
    "setting_required": ("requirement_id", "An Ofsted check is made per setting: choose the check of one setting"),
    "setting_not_expected": ("requirement_id", "This check is made for the provider, not one setting"),
    "setting_not_of_provider": ("requirement_id", "Choose a check of one of this provider's settings"),
    "not_issuing_authority": (None, "Only the council that raised the concern can change, issue or rescind it"),
    "arrangements_required": ("arrangement_ids", "Select at least one arrangement the concern affects"),
    "unknown_arrangement": ("arrangement_ids", "Select arrangements your council takes part in"),
    # rate cards
    "exception_not_approved": (
        None,
        "A price above the band's ceiling needs its exception approved before the card can be approved",
    ),
    "abnormally_low_review_required": (
        "abnormally_low_review",
        "A price below the band's floor is abnormally low: record your review of the provider's explanation",
    ),
    "no_exception_requested": (None, "Only a price above the ceiling has an exception to decide"),
    # uplifts and fee variations
    "uplift_already_applied": (None, "This uplift has already been applied. An uplift is applied once only"),
    "uplift_not_applied": (None, "Apply the uplift before making its fee variations"),
    "no_indices": ("index-1", "Enter at least one index with its weight and rate"),
    "invalid_index": ("index-1", "Enter each index's weight and rate as numbers"),
    "invalid_index_rate": ("rate-1", "Each index's rate must be between -100% and 100%"),
    "invalid_weight": ("weight-1", "Each index's weight must be above 0"),
    "weights_not_100": ("weight-1", "The index weights must add up to 100"),
    "duplicate_index": ("index-2", "Enter each index once"),
    "no_approved_template": (None, "There is no approved fee variation template. Ask a legal officer to approve one"),
    # administration
    "ons_code_taken": ("ons_code", "A council with this ONS code is already listed"),
    "provider_required": ("authority_id", "Provider users are invited by their own organisation's administrator"),
}
