"""The problem codes of pricing (price bands, rate cards, uplifts, fees).

Each is written once, here. A client matches on the value (`code` in an RFC 9457 problem+json
answer), so a value never changes once released; a new rule adds a member.
`tests/unit/test_error_codes.py` checks that no module writes a code as a string literal and
that no value stands in two catalogues."""

from __future__ import annotations

from enum import StrEnum


class PricingCode(StrEnum):
    ABNORMALLY_LOW_REVIEW_REQUIRED = "abnormally_low_review_required"
    BAND_NOT_ON_RATE_CARD = "band_not_on_rate_card"
    BAND_PERIOD_OVERLAP = "band_period_overlap"
    DUPLICATE_BAND = "duplicate_band"
    DUPLICATE_INDEX = "duplicate_index"
    DUPLICATE_SERVICE = "duplicate_service"
    EXCEPTION_JUSTIFICATION_REQUIRED = "exception_justification_required"
    EXCEPTION_NOT_APPROVED = "exception_not_approved"
    FLOOR_ABOVE_CEILING = "floor_above_ceiling"
    INVALID_DAYS = "invalid_days"
    INVALID_INDEX = "invalid_index"
    INVALID_INDEX_RATE = "invalid_index_rate"
    INVALID_UPLIFT = "invalid_uplift"
    NEGATIVE_AMOUNT = "negative_amount"
    NEGATIVE_UNITS = "negative_units"
    NO_BAND = "no_band"
    NO_EXCEPTION_REQUESTED = "no_exception_requested"
    NO_INDICES = "no_indices"
    NO_LINES = "no_lines"
    NOT_A_MEMBER = "not_a_member"
    NOT_READY_TO_PUBLISH = "not_ready_to_publish"
    RATE_CARD_NOT_IN_FORCE = "rate_card_not_in_force"
    RATE_CARD_PERIOD_CONFLICT = "rate_card_period_conflict"
    SERVICE_CODE_TAKEN = "service_code_taken"
    SERVICE_NOT_PRICED = "service_not_priced"
    TOO_MANY_DECIMALS = "too_many_decimals"
    UNKNOWN_AGE_BAND = "unknown_age_band"
    UNKNOWN_AREA = "unknown_area"
    UNKNOWN_SERVICE = "unknown_service"
    UPLIFT_ALREADY_APPLIED = "uplift_already_applied"
    UPLIFT_OUT_OF_RANGE = "uplift_out_of_range"
    WEIGHTS_NOT_100 = "weights_not_100"
