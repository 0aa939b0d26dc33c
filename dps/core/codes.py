"""The problem codes that several packages raise, and core's own.

Each is written once, here. A client matches on the value (`code` in an RFC 9457 problem+json
answer), so a value never changes once released; a new rule adds a member.
`tests/unit/test_error_codes.py` checks that no module writes a code as a string literal and
that no value stands in two catalogues."""

from __future__ import annotations

from enum import StrEnum


class CommonCode(StrEnum):
    ALREADY_ANSWERED = "already_answered"
    ALREADY_ASSIGNED = "already_assigned"
    ARRANGEMENT_DRAFT = "arrangement_draft"
    ARRANGEMENT_EXPIRED = "arrangement_expired"
    ARRANGEMENT_NOT_OPEN = "arrangement_not_open"
    ARRANGEMENT_PUBLISHED = "arrangement_published"
    CONFLICT = "conflict"
    DOCUMENT_CORRUPTED = "document_corrupted"
    DOMAIN_ERROR = "domain_error"
    ILLEGAL_TRANSITION = "illegal_transition"
    INTERNAL_ERROR = "internal_error"
    INVALID_AUTHORIZATION_HEADER = "invalid_authorization_header"
    INVALID_CRITERION = "invalid_criterion"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_DISTANCE = "invalid_distance"
    INVALID_FEE = "invalid_fee"
    INVALID_IF_MATCH = "invalid_if_match"
    INVALID_PERIOD = "invalid_period"
    INVALID_POSTCODE = "invalid_postcode"
    INVALID_POSTCODE_DISTRICT = "invalid_postcode_district"
    INVALID_PROXIMITY_BAND = "invalid_proximity_band"
    INVALID_THRESHOLD = "invalid_threshold"
    INVALID_TOKEN = "invalid_token"
    INVALID_TOLERANCE = "invalid_tolerance"
    INVALID_VALUE = "invalid_value"
    INVALID_WEIGHT = "invalid_weight"
    MARKS_MISSING = "marks_missing"
    NOT_A_MEMBER_AUTHORITY = "not_a_member_authority"
    NOT_AN_EVALUATOR = "not_an_evaluator"
    NOT_DECIDED = "not_decided"
    NOT_FOUND = "not_found"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PDF_TOO_EXPENSIVE = "pdf_too_expensive"
    PDF_TOO_SLOW = "pdf_too_slow"
    PDF_UNREADABLE = "pdf_unreadable"
    PERMISSION_DENIED = "permission_denied"
    PRECONDITION_REQUIRED = "precondition_required"
    REASON_REQUIRED = "reason_required"
    RULE_VIOLATION = "rule_violation"
    STALE_VERSION = "stale_version"
    TOO_MANY_AT_ONCE = "too_many_at_once"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    UNAUTHENTICATED = "unauthenticated"
    UNKNOWN_NEED_LEVEL = "unknown_need_level"
    UNKNOWN_POSTCODE = "unknown_postcode"
    UNKNOWN_REFERENCE = "unknown_reference"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_FAILED = "validation_failed"
