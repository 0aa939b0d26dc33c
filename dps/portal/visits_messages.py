"""Ofsted judgements and quality visits in plain words (merged into `messages.MESSAGES` and
`banners.BANNERS`)."""

from __future__ import annotations

VISITS_MESSAGES: dict[str, tuple[str | None, str]] = {
    "judgement_required": ("grade", "Select the judgement, or that the registration was withdrawn"),
    "visit_in_future": ("visited_on", "The date of the visit must be today or in the past"),
    "due_before_visit": ("due-1", "An action cannot fall due before the visit that found it"),
    "form_incomplete": (None, "Answer every part of the form"),
    "field_not_in_form": (None, "This form does not record that. Check which form you are filling in"),
    "no_arrangement_with_provider": (
        None,
        "Your council holds no arrangement with this provider, so it cannot record this",
    ),
    "not_recording_council": (None, "Only the council that recorded the visit follows up its actions"),
}

VISITS_BANNERS: dict[str, str] = {
    "ofsted_recorded": (
        "Judgement recorded. Places suspended for an earlier judgement are reinstated once every check passes"
    ),
    "ofsted_suspended": (
        "Judgement recorded. The provider's places that rely on this setting are suspended "
        "and a concern has been issued to every member council"
    ),
    "visit_recorded": "Visit recorded. Every council holding an arrangement with the provider can see it",
    "action_moved": "Action updated",
    "description_recorded": "Description recorded. Every council holding an arrangement with you can see it",
}
