"""Every problem `code` the services raise, in plain English, in one place (GOV.UK error message
style: say what happened and what to do, no jargon). Pages show these in the error summary and
beside the field the problem belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from dps.core.errors import DomainError
from dps.core.settings import MEGABYTE
from dps.portal.council_messages import COUNCIL_MESSAGES, MOVE_REFUSALS
from dps.portal.oversight_messages import OVERSIGHT_MESSAGES
from dps.portal.setup_messages import SETUP_MESSAGES
from dps.portal.visits_messages import VISITS_MESSAGES

# code -> (the form field it usually belongs to, or None for the page as a whole; the message)
MESSAGES: dict[str, tuple[str | None, str]] = {
    # signing in and people
    "invalid_credentials": ("email", "The email address or password is wrong"),
    "login_throttled": ("email", "There have been too many wrong passwords. Wait a moment, then try again"),
    "invalid_email": ("email", "Enter an email address in the correct format, like name@example.com"),
    "email_taken": ("email", "Someone already has an account with this email address. Sign in instead"),
    "password_too_short": ("password", "Your password must be 12 characters or more"),
    "invalid_invitation": (None, "This invitation link is not valid. Ask your administrator for a new one"),
    "invitation_used": (None, "This invitation has already been used. Sign in with your password"),
    "invitation_expired": (None, "This invitation has expired. Ask your administrator for a new one"),
    "permission_denied": (None, "You do not have permission to do that"),
    # organisations
    "registration_number_required": (
        "company_number",
        "Enter a Companies House number, a Charity Commission number, or both",
    ),
    "invalid_company_number": ("company_number", "Enter a Companies House number like 01234567 or SC123456"),
    "invalid_charity_number": ("charity_number", "Enter a Charity Commission number like 1234567"),
    "company_number_taken": ("company_number", "An organisation with this Companies House number is registered"),
    "charity_number_taken": ("charity_number", "An organisation with this charity number is registered"),
    # postcodes (ONS Postcode Directory)
    "invalid_postcode": ("postcode", "Enter a real postcode, like M1 1AE"),
    "unknown_postcode": (
        "postcode",
        "We cannot find this postcode in the ONS Postcode Directory. Check it and enter it again",
    ),
    "invalid_postcode_district": ("postcode", "Enter the first part of a postcode, like M1"),
    # settings
    "invalid_ofsted_urn": ("ofsted_urn", "Enter an Ofsted URN like SC123456"),
    "ofsted_urn_taken": ("ofsted_urn", "A setting with this Ofsted URN is already registered"),
    "invalid_age_range": ("min_age", "Ages must run from 0 to 25, with the youngest age first"),
    "grade_not_for_setting_type": (
        "ofsted_grade",
        "Supported accommodation is judged on outcomes 1 to 3; other settings on Outstanding to Inadequate",
    ),
    "inspection_date_required": ("last_inspection_date", "Enter the date of the inspection that gave this grade"),
    "ofsted_facts_read_only": (
        None,
        "Council officers record Ofsted judgements. Tell the lead authority if one is wrong",
    ),
    "inspection_in_future": ("last_inspection_date", "The date of the last inspection must be today or in the past"),
    # editing what someone else changed
    "stale_version": (None, "Someone else changed this while you were editing it. Here is what they saved"),
    # applications
    "arrangement_not_open": (None, "This arrangement is not taking applications"),
    "outside_window": (None, "Applications are only accepted while a reopening window is open"),
    "closed_to_new_suppliers": (None, "This framework does not take new suppliers after the award"),
    "application_exists": (
        "lot_ids",
        "You already have an application to this arrangement. Carry on with it from Applications",
    ),
    "no_lots_chosen": ("lot_ids", "Select at least one lot"),
    "unknown_lots": ("lot_ids", "Select lots from this arrangement"),
    "application_not_editable": (None, "This application has been submitted and can no longer be changed"),
    "application_incomplete": (None, "Your application is not finished. Answer these questions before you submit"),
    "invalid_answer": ("answer", "Enter an answer of the kind this question asks for"),
    "unknown_document": ("answer", "Attach one of your organisation's own documents"),
    "document_not_expected": ("answer", "This question does not take a document"),
    "question_required": ("question", "Enter your question"),
    # evidence
    "evidence_expired": ("expires_on", "This certificate has already expired. Upload a current one"),
    "invalid_evidence_dates": ("expires_on", "The expiry date must be after the start date"),
    "not_your_document": ("document", "Attach one of your organisation's own documents"),
    # documents
    "payload_too_large": ("document", "The selected file must be smaller than {limit_mb} MB"),
    "unsupported_media_type": ("document", "The selected file must be a PDF, DOCX, PNG or JPEG"),
    "document_expired": ("document", "This document has already expired. Attach a current one"),
    # compliance evidence
    "requirement_takes_no_evidence": (None, "Ofsted checks read each setting's registration; no file is needed"),
    # rate cards
    "not_a_member": (None, "Only providers with an active place on this lot can propose fees for it"),
    "no_lines": (None, "Enter a weekly fee for at least one band"),
    "duplicate_band": (None, "Enter one fee for each band"),
    "no_band": ("effective_from", "There are no agreed bands on this day. Choose a day the bands are in force"),
    "exception_justification_required": (None, "A fee above the band's ceiling needs a reason for the exception"),
    "invalid_period": ("effective_from", "The last day must be after the first day"),
    # placement requests and offers
    "deadline_passed": (None, "The deadline for offers has passed. Offers and questions are no longer accepted"),
    "offer_exists": ("setting_id", "You have already offered this setting. Change that offer instead"),
    "setting_not_invited": ("setting_id", "Offer one of your settings that was invited"),
    "invalid_fee": ("fee", "Enter a weekly fee of more than £0"),
    "answers_incomplete": (None, "Answer every question"),
    "offer_withdrawn": (None, "This offer has been withdrawn"),
    # contracts
    "pdf_not_ready": (None, "The PDF copy is still being made. Read the Word document, or try again later"),
    "document_hash_mismatch": (
        "confirm",
        "The document has changed since you opened this page. Read it again, then sign what you read",
    ),
    "not_signable": (None, "A decision letter is a notice. It is not signed"),
    # concerns
    "response_required": ("response", "Enter your response"),
}

MESSAGES.update(COUNCIL_MESSAGES)
MESSAGES.update(SETUP_MESSAGES)
MESSAGES.update(OVERSIGHT_MESSAGES)
MESSAGES.update(VISITS_MESSAGES)

FALLBACK = "Something is not right with what you entered. Check it and try again"


@dataclass(frozen=True, slots=True)
class Problem:
    field: str | None
    message: str


class _Details(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def _reason_words(reason: object) -> str:
    """One reason of a refusal (`{"code", "detail"}`) in plain words: ours for the codes we know,
    else the rule's own detail."""
    if not isinstance(reason, dict):
        return str(reason)
    return MOVE_REFUSALS.get(str(reason.get("code")), str(reason.get("detail", "")))


def explain(error: DomainError) -> Problem:
    """The plain-English message for a service's error, and the field it belongs to. A message may
    name the error's details in braces (e.g. `{limit_mb}`)."""
    field, message = MESSAGES.get(error.code, (None, FALLBACK))
    details = _Details(error.extra)
    if isinstance(error.extra.get("limit_bytes"), int):
        details["limit_mb"] = max(error.extra["limit_bytes"] // MEGABYTE, 1)
    if isinstance(error.extra.get("reasons"), list):
        details["reason_list"] = "; ".join(_reason_words(r) for r in error.extra["reasons"])
    return Problem(field=error.extra.get("field") or field, message=message.format_map(details))
