"""The problem codes of contracts (templates, generated agreements, signatures).

Each is written once, here. A client matches on the value (`code` in an RFC 9457 problem+json
answer), so a value never changes once released; a new rule adds a member.
`tests/unit/test_error_codes.py` checks that no module writes a code as a string literal and
that no value stands in two catalogues."""

from __future__ import annotations

from enum import StrEnum


class ContractCode(StrEnum):
    ALREADY_GENERATED = "already_generated"
    DOCUMENT_HASH_MISMATCH = "document_hash_mismatch"
    INVALID_NOTICE_PERIOD = "invalid_notice_period"
    INVALID_PLACEMENT_DATES = "invalid_placement_dates"
    NEGATIVE_FEE = "negative_fee"
    NO_APPROVED_TEMPLATE = "no_approved_template"
    NO_FEE_CHANGE = "no_fee_change"
    NO_FEE_LINES = "no_fee_lines"
    NOT_SIGNABLE = "not_signable"
    OFF_FRAMEWORK_PLACEMENT = "off_framework_placement"
    PDF_NOT_READY = "pdf_not_ready"
    PDF_UNAVAILABLE = "pdf_unavailable"
    SECOND_APPROVER_REQUIRED = "second_approver_required"
    SIGNED_COPY_TYPE = "signed_copy_type"
    TEMPLATE_CORRUPTED = "template_corrupted"
    TEMPLATE_INVALID = "template_invalid"
    TEMPLATE_NOT_APPROVED = "template_not_approved"
    TEMPLATE_RENDER_FAILED = "template_render_failed"
    UNKNOWN_SERVICE_TYPE = "unknown_service_type"
    UPLIFT_NOT_APPLIED = "uplift_not_applied"
    VERSION_TAKEN = "version_taken"
