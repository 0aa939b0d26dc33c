"""Unique constraints of the accounts tables -> stable `Conflict` codes, shared by the repository modules."""

from __future__ import annotations

from asyncpg.exceptions import UniqueViolationError

from dps.accounts.codes import AccountCode
from dps.core.errors import Conflict
from dps.core.rows import unique_conflict

UNIQUE_CODES = {
    "authorities_ons_code_key": (AccountCode.ONS_CODE_TAKEN, "an authority with this ONS code exists"),
    "providers_company_number_key": (AccountCode.COMPANY_NUMBER_TAKEN, "a provider with this company number exists"),
    "providers_charity_number_key": (AccountCode.CHARITY_NUMBER_TAKEN, "a provider with this charity number exists"),
    "provider_settings_ofsted_urn_key": (AccountCode.OFSTED_URN_TAKEN, "a setting with this Ofsted URN exists"),
    "users_email_key": (AccountCode.EMAIL_TAKEN, "a user with this email exists"),
}


def conflict_from_unique(error: UniqueViolationError) -> Conflict:
    """Turn a unique-constraint violation into a 409 with a stable code."""
    return unique_conflict(error, UNIQUE_CODES)
