"""The problem codes of compliance (requirements, evidence, checks, concerns, visits).

Each is written once, here. A client matches on the value (`code` in an RFC 9457 problem+json
answer), so a value never changes once released; a new rule adds a member.
`tests/unit/test_error_codes.py` checks that no module writes a code as a string literal and
that no value stands in two catalogues."""

from __future__ import annotations

from enum import StrEnum


class ComplianceCode(StrEnum):
    ARRANGEMENTS_REQUIRED = "arrangements_required"
    BELOW_STATUTORY_MINIMUM = "below_statutory_minimum"
    CREDIT_BANDS_REQUIRED = "credit_bands_required"
    CURRENT_RATIO_REQUIRED = "current_ratio_required"
    DUE_BEFORE_VISIT = "due_before_visit"
    EMPTY_GATEWAY = "empty_gateway"
    EVIDENCE_CHANGED = "evidence_changed"
    EVIDENCE_EXPIRED = "evidence_expired"
    FIELD_NOT_IN_FORM = "field_not_in_form"
    FORM_INCOMPLETE = "form_incomplete"
    INSURANCE_TERMS_REQUIRED = "insurance_terms_required"
    INVALID_CREDIT_BANDS = "invalid_credit_bands"
    INVALID_CURRENT_RATIO = "invalid_current_ratio"
    INVALID_EVIDENCE_DATES = "invalid_evidence_dates"
    INVALID_GRADE = "invalid_grade"
    JUDGEMENT_REQUIRED = "judgement_required"
    NO_ARRANGEMENT_WITH_PROVIDER = "no_arrangement_with_provider"
    NOT_A_PDF = "not_a_pdf"
    NOT_ISSUING_AUTHORITY = "not_issuing_authority"
    NOT_RECORDING_COUNCIL = "not_recording_council"
    NOT_YOUR_DOCUMENT = "not_your_document"
    PROVIDER_REQUIRED = "provider_required"
    REQUIREMENT_IN_USE = "requirement_in_use"
    REQUIREMENT_TAKES_NO_EVIDENCE = "requirement_takes_no_evidence"
    RESPONSE_REQUIRED = "response_required"
    SETTING_NOT_EXPECTED = "setting_not_expected"
    SETTING_NOT_OF_PROVIDER = "setting_not_of_provider"
    SETTING_REQUIRED = "setting_required"
    TERMS_NOT_FOR_KIND = "terms_not_for_kind"
    UNKNOWN_ARRANGEMENT = "unknown_arrangement"
    VISIT_IN_FUTURE = "visit_in_future"
