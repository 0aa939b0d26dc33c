"""Quality visits (Eastern consortium Forms A-D) and the action items their findings open, as
domain values: what is reported, what is recorded, and the items of the action plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dps.compliance.domain.concerns import ActionStatus, VisitForm

# The fields each form records; anything else in the body is refused for that form.
FORM_FIELDS: dict[VisitForm, frozenset[str]] = {
    VisitForm.A: frozenset({"description"}),
    VisitForm.B: frozenset({"checklist", "notes"}),
    VisitForm.C: frozenset({"atmosphere", "staff_and_children", "childrens_views", "complaints_route"}),
    VisitForm.D: frozenset({"outcomes"}),
}
FORM_FIELD_NAMES = tuple(sorted(frozenset().union(*FORM_FIELDS.values())))


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding of a visit, to be put right by `owner` by `due_on`."""

    finding: str
    owner: str
    due_on: date


@dataclass(frozen=True, slots=True)
class VisitReport:
    """One form as reported: `answers` holds the form fields given (JSON values), by name."""

    form: VisitForm
    visited_on: date
    summary: str
    answers: Mapping[str, Any]
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class Visit:
    """A recorded form, kept once for every council to see."""

    id: int
    setting_id: int
    provider_id: int
    form: VisitForm
    visited_on: date
    authority_id: int | None
    recorded_by: int
    summary: str
    details: dict[str, Any]
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One item of the action plan a finding opened."""

    id: int
    visit_id: int
    finding: str
    owner: str
    due_on: date
    status: ActionStatus
    version: int
