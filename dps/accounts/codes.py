"""The problem codes of accounts (organisations, people, settings, documents, sign-in).

Each is written once, here. A client matches on the value (`code` in an RFC 9457 problem+json
answer), so a value never changes once released; a new rule adds a member.
`tests/unit/test_error_codes.py` checks that no module writes a code as a string literal and
that no value stands in two catalogues."""

from __future__ import annotations

from enum import StrEnum


class AccountCode(StrEnum):
    CHARITY_NUMBER_TAKEN = "charity_number_taken"
    COMPANY_NUMBER_TAKEN = "company_number_taken"
    DOCUMENT_EXPIRED = "document_expired"
    EMAIL_TAKEN = "email_taken"
    GRADE_NOT_FOR_SETTING_TYPE = "grade_not_for_setting_type"
    INSPECTION_DATE_REQUIRED = "inspection_date_required"
    INSPECTION_IN_FUTURE = "inspection_in_future"
    INVALID_AGE_RANGE = "invalid_age_range"
    INVALID_CHARITY_NUMBER = "invalid_charity_number"
    INVALID_COMPANY_NUMBER = "invalid_company_number"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_EMAIL = "invalid_email"
    INVALID_INVITATION = "invalid_invitation"
    INVALID_OFSTED_URN = "invalid_ofsted_urn"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED = "invitation_used"
    LOGIN_THROTTLED = "login_throttled"
    OFSTED_FACTS_READ_ONLY = "ofsted_facts_read_only"
    OFSTED_URN_TAKEN = "ofsted_urn_taken"
    ONS_CODE_TAKEN = "ons_code_taken"
    ORGANISATION_MISMATCH = "organisation_mismatch"
    PASSWORD_TOO_SHORT = "password_too_short"
    REGISTRATION_NUMBER_REQUIRED = "registration_number_required"
    STORAGE_QUOTA_EXCEEDED = "storage_quota_exceeded"
