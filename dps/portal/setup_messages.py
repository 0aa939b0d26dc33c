"""Procurement officers' problems while setting up an arrangement, in plain words (merged into
`messages.MESSAGES`), and the banners shown after each set-up step (merged into `banners.BANNERS`)."""

from __future__ import annotations

SETUP_MESSAGES: dict[str, tuple[str | None, str]] = {
    # the arrangement
    "reference_taken": ("reference", "An arrangement with this reference already exists. Choose another reference"),
    "invalid_term": ("term_end", "The end date must be after the start date"),
    "term_ends_before_start": ("term_end", "The end date must be after the start date"),
    "term_too_long": ("term_end", "This kind of arrangement cannot run that long. The latest end date is {latest_end}"),
    "invalid_threshold": ("quality_threshold", "The pass mark must be a percentage from 0 to 100, like 60"),
    "unknown_authority": ("member_ids", "Choose councils from the list"),
    "conditions_locked": (
        None,
        "The conditions of this arrangement can no longer change: it is open, or applications were made under them",
    ),
    "arrangement_expired": (None, "The arrangement's term has ended. It can no longer change"),
    "windows_overlap": ("opens", "This window overlaps another one. Choose dates outside the published windows"),
    "invalid_window": ("closes", "The window must close after it opens"),
    # lots
    "lot_code_taken": ("code", "This arrangement already has a lot with this code. Choose another code"),
    "duplicate_age_band": ("age_bands", "Enter each age band once"),
    "duplicate_need_level": ("need_levels", "Enter each need level once"),
    "age_bands_overlap": (
        "age_bands",
        "Age bands must not overlap: a child of an age in two bands would match two price bands",
    ),
    "lot_in_use": (None, "Questions apply to this lot. Remove them, or change which lots they apply to, first"),
    "arrangement_published": (None, "The arrangement is published: what it offered is kept for the record"),
    # the questionnaire
    "invalid_scoring": ("max_score", "A scored question needs a maximum score of 1 or more and a weight above 0"),
    "invalid_descriptor": ("descriptors", "Descriptors describe scores from 0 to the maximum score"),
    "evidence_type_required": ("evidence_type", "Select the document the provider attaches"),
    "choices_required": ("text", "A question with answers to choose from needs at least two answers"),
    # compliance requirements
    "insurance_terms_required": ("min_cover", "Enter the kind of insurance and the minimum cover"),
    "below_statutory_minimum": (
        "min_cover",
        "Employer's liability cover must be at least £5,000,000: the law sets that minimum",
    ),
    "invalid_credit_bands": ("review_from", "The lowest score reviewed must not be above the lowest score accepted"),
    "current_ratio_required": ("min_current_ratio", "Enter the minimum current ratio, like 1.2"),
    "invalid_current_ratio": ("min_current_ratio", "The minimum current ratio must be a number like 1.2"),
    "requirement_in_use": (None, "Providers have attached evidence to this requirement, so it cannot be removed"),
    # price bands and services
    "floor_above_ceiling": ("ceiling", "The highest weekly fee must be at least the lowest"),
    "band_period_overlap": (
        "effective_from",
        "This band already has prices for some of these dates. Start after they end, or remove them first",
    ),
    "unknown_age_band": ("band", "Select one of the lot's age bands and need levels"),
    "service_code_taken": ("code", "This arrangement already has a service with this code. Choose another code"),
    # publishing
    "no_lots": (None, "Add at least one lot before publishing"),
    "threshold_unreachable": (
        None,
        "No scored question applies to some lots, so they can never reach the pass mark. "
        "Add a scored question for them, or give them a pass mark of 0",
    ),
    "not_ready_to_publish": (None, "The arrangement is not ready to publish. See what is missing"),
    "already_published": (None, "This arrangement is already published"),
    "waiver_reason_required": (None, "Say why it is published without this"),
    # clarifications
    "answer_required": ("answer", "Enter the answer"),
    "published_question_required": (
        "published_question",
        "Enter the question as every applicant will read it, without anything that identifies the provider",
    ),
    "already_answered": (None, "This question has already been answered"),
}

SETUP_BANNERS: dict[str, str] = {
    "arrangement_created": "Draft arrangement created. Work through each section, then check and publish it",
    "arrangement_saved": "Profile saved",
    "members_saved": "Member councils saved",
    "window_added": "Application window added",
    "lot_added": "Lot added",
    "lot_removed": "Lot removed",
    "band_added": "Price band added",
    "band_removed": "Price band removed",
    "service_added": "Additional service added",
    "service_removed": "Additional service removed",
    "question_added": "Question added",
    "question_removed": "Question removed",
    "requirement_added": "Requirement added",
    "requirement_removed": "Requirement removed",
    "check_waived": "The reason is recorded. It can be published without this",
    "arrangement_published": "Arrangement published. Providers can now see it and apply",
    "clarification_answered": "Answer sent to the provider that asked",
    "clarification_published": "Answer published to every applicant, without saying who asked",
}
