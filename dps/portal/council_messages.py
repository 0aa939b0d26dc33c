"""Council staff's problems in plain words (merged into `messages.MESSAGES`): placement requests."""

from __future__ import annotations

COUNCIL_MESSAGES: dict[str, tuple[str | None, str]] = {
    "full_postcode_not_allowed": (
        "home_district",
        "Enter only the first part of the postcode, like M5. A full postcode can identify the child's "
        "household, and the request goes to every invited provider",
    ),
    "personal_data_in_free_text": (
        "title",
        "Take out anything that identifies the child (a name, a date of birth, a full postcode): "
        "every invited provider reads this",
    ),
    "offer_period_too_short": (
        "deadline",
        "Offers must stay open at least {min_offer_period_days} days. "
        "Choose a later date, or say why the request is urgent",
    ),
    "urgent_not_allowed": ("deadline", "This arrangement allows no shorter period for offers, even when urgent"),
    "deadline_in_past": ("deadline", "The date offers close must be in the future"),
    "invalid_weights": ("quality_weight", "Quality, price and proximity must be 0 or more and add up to 100"),
    "quality_without_questions": (
        "question",
        "Quality needs something to score: add a question for providers, or preferred needs with a weight",
    ),
    "questions_without_weight": ("quality_weight", "Give quality a weight above 0, or take out the question"),
    "preferred_needs_without_weight": (
        "preferred_needs_weight",
        "Give preferred needs a weight above 0, or take them out",
    ),
    "weight_without_preferred_needs": (
        "preferred_needs_weight",
        "Choose at least one preferred need, or set their weight to 0",
    ),
    "need_both_essential_and_preferred": (
        "preferred_needs",
        "A need is either essential or preferred: untick it in one of the lists",
    ),
    "unknown_need_level": ("need_level", "Choose one of the lot's need levels"),
    "no_eligible_settings": (
        None,
        "No member home of the lot may be invited for this child at the moment, so the request cannot be published",
    ),
    "not_a_member_authority": ("lot", "Your council is not a member of this arrangement"),
    "arrangement_not_open": (None, "This arrangement is not taking placement requests"),
    "call_off_not_draft": (None, "This request has been published and can no longer be changed"),
    "illegal_transition": (None, "This request has already moved on: refresh the page to see where it is"),
    # after the deadline
    "award_reason_required": (
        "award_reason",
        "Say why you are awarding an offer that is not ranked first: the record must show it",
    ),
    "offer_not_ranked": ("offer_id", "Choose an offer that has been scored and ranked"),
    "evaluation_incomplete": (None, "Not every evaluator on the panel has marked every offer yet"),
    "too_few_evaluators": (None, "Too few evaluators have marked the offers. Assign more to the panel"),
    "moderation_required": (None, "The evaluators' marks differ too much: record a moderated mark first"),
    "no_offers": (None, "There are no offers to score. End the request without an award"),
    "not_in_evaluation": (None, "Offers can be scored only once the deadline has passed and before an award"),
    # placements
    "ending_reason_required": ("ending_reason", "Select why the placement ended unplanned"),
    "ending_reason_not_applicable": ("ending_reason", "A planned ending has no unplanned reason: clear it"),
    "end_before_start": ("ended_on", "The placement cannot end before it starts"),
    "placement_ended": (None, "This placement has already ended"),
    "move_outside_framework": (
        "setting_id",
        "This move is not within the framework: {reason_list}. Choose another home or fee, or record it "
        "as a spot purchase outside the framework and say why",
    ),
    "off_framework_reason_required": (
        "off_framework_reason",
        "Say why the child is placed outside the framework",
    ),
    "second_approver_required": (
        None,
        "You uploaded this version, so another legal officer at your council must approve it: "
        "your council asks for two people to agree a contract's wording",
    ),
    "already_extended": ("extension_reason", "The decision period has already been extended once"),
    "extension_not_allowed": ("extension_reason", "This kind of arrangement does not allow more time to decide"),
    "extension_reason_required": ("extension_reason", "Say why the decision needs more time"),
    "already_generated": (None, "This placement already has its Individual Placement Agreement"),
    "off_framework_placement": (
        None,
        "This placement was recorded outside the framework (a spot purchase), so it has no Individual "
        "Placement Agreement under the framework's contract",
    ),
    "evaluator_released": (None, "You were taken off this evaluation, so you do not mark its offers"),
    "overlapping_move": ("new_start_date", "The new placement must start on or after the day the old one ends"),
    # applications
    "not_an_evaluator": ("evaluator_ids", "Choose evaluators or officers of a council in this arrangement"),
    "conflict_note_required": ("conflict_note", "Describe the conflict of interest"),
    "declaration_required": (None, "Declare your interests before you read the answers"),
    "conflicted": (None, "You declared a conflict of interest, so you are not evaluating this application"),
    "marks_submitted": (None, "Your marks are submitted and final"),
    "marks_incomplete": (None, "Mark every question before you submit"),
    "evaluations_outstanding": (None, "Not enough evaluators have submitted their marks to moderate yet"),
    "moderation_incomplete": (None, "Every question needs its moderated mark before a decision"),
    "lot_decisions_incomplete": (None, "Decide each lot the provider applied for"),
    "reasons_required": (None, "Give the reasons for each lot's decision"),
    "below_threshold": (
        None,
        "The moderated quality score is below the threshold or a pass or fail question failed: "
        "a lot cannot be admitted",
    ),
    "not_evaluable": (None, "This application is not being evaluated"),
}

# Why a move is not a call-off under the framework (`move_refusals`' codes), in a commissioner's words.
MOVE_REFUSALS: dict[str, str] = {
    "no_call_off": "the placement was not made by a placement request under an arrangement",
    "not_a_member": "the home's provider has no place on the lot",
    "no_band": "the lot has no price band in force for the child",
    "no_rate_card": "the provider has no approved rate card price for the child's band",
    "below_floor": "the fee is below the band's floor",
    "above_ceiling": "the fee is above the band's ceiling",
    "above_rate_card": "the fee is above the provider's approved price for the band",
}
