"""Notification banners shown once after an action (the cookie carries only one of these keys,
so nothing a visitor typed is ever echoed back through it)."""

from __future__ import annotations

BANNERS: dict[str, str] = {
    "signed_out": "You have signed out",
    "registered": "Your organisation is registered and you are signed in",
    "organisation_saved": "Your organisation's details have been saved",
    "colleague_invited": "Invitation created",
    "invitation_accepted": "Your password is set. Sign in to continue",
    "setting_added": "Setting added",
    "setting_saved": "Setting saved",
    "clarification_asked": "Your question has been sent to the lead authority",
    "application_started": "Application started. Answer each question; your answers are saved as drafts",
    "lots_saved": "Your choice of lots has been saved",
    "answer_saved": "Answer saved",
    "certificate_uploaded": "Certificate uploaded. Now confirm its details",
    "evidence_confirmed": "Certificate saved with the details you confirmed",
    "application_submitted": "Application submitted",
}
