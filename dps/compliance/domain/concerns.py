"""Concerns under the information sharing protocol (ISP) and quality-visit action plans.

A member council issues a concern about a provider (or one of its settings); every member council
of an affected arrangement sees it, the provider sees and answers concerns about itself, nobody
else does. A live concern that says so keeps the provider out of new call-offs in the affected
arrangements until the issuing council rescinds it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from dps.compliance.codes import ComplianceCode
from dps.core.codes import CommonCode
from dps.core.errors import IllegalTransition, RuleViolation


class ConcernCategory(StrEnum):
    LA_CONCERN = "la_concern"
    SAFEGUARDING = "safeguarding"
    QUALITY = "quality"
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    FINANCIAL = "financial"
    OFSTED_JUDGEMENT = "ofsted_judgement"
    REGISTRATION_WITHDRAWN = "registration_withdrawn"


class ConcernStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    RESPONDED = "responded"
    RESCINDED = "rescinded"


CONCERN_TRANSITIONS: dict[ConcernStatus, frozenset[ConcernStatus]] = {
    ConcernStatus.DRAFT: frozenset({ConcernStatus.ISSUED}),
    ConcernStatus.ISSUED: frozenset({ConcernStatus.RESPONDED, ConcernStatus.RESCINDED}),
    # A provider may add to its response; the issuing council rescinds once it is rectified.
    ConcernStatus.RESPONDED: frozenset({ConcernStatus.RESPONDED, ConcernStatus.RESCINDED}),
    ConcernStatus.RESCINDED: frozenset(),
}
LIVE_STATUSES = frozenset({ConcernStatus.ISSUED, ConcernStatus.RESPONDED})


@dataclass(frozen=True, slots=True)
class Concern:
    id: int
    issuing_authority_id: int
    provider_id: int
    setting_id: int | None
    category: ConcernCategory
    arrangement_ids: frozenset[int]
    summary: str
    actions_taken: str
    review_on: date | None
    suspends_call_offs: bool
    status: ConcernStatus
    response: str | None
    issued_at: datetime | None
    responded_at: datetime | None
    rescinded_at: datetime | None
    rescind_reason: str | None
    created_by: int | None
    version: int

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def _move(self, target: ConcernStatus) -> Concern:
        if target not in CONCERN_TRANSITIONS[self.status]:
            raise IllegalTransition("concern", self.status.value, target.value)
        return replace(self, status=target, version=self.version + 1)

    def issue(self, at: datetime) -> Concern:
        """Share a draft with every member council of the affected arrangements and the provider."""
        if not self.arrangement_ids:
            raise RuleViolation("name at least one affected arrangement", code=ComplianceCode.ARRANGEMENTS_REQUIRED)
        return replace(self._move(ConcernStatus.ISSUED), issued_at=at)

    def respond(self, response: str, at: datetime) -> Concern:
        """The provider's answer (ISP: the provider is told and may respond)."""
        if not response.strip():
            raise RuleViolation("the response is empty", code=ComplianceCode.RESPONSE_REQUIRED)
        return replace(self._move(ConcernStatus.RESPONDED), response=response.strip(), responded_at=at)

    def rescind(self, reason: str, at: datetime) -> Concern:
        """Withdraw a concern once rectified; only the issuing council does this (checked by access)."""
        if not reason.strip():
            raise RuleViolation("give the reason for rescinding", code=CommonCode.REASON_REQUIRED)
        return replace(self._move(ConcernStatus.RESCINDED), rescind_reason=reason.strip(), rescinded_at=at)

    def suspends(self, arrangement_id: int) -> bool:
        """Whether this concern keeps its provider out of new call-offs in `arrangement_id` now."""
        return self.is_live and self.suspends_call_offs and arrangement_id in self.arrangement_ids


def check_concern_setting(setting_provider_id: int | None, provider_id: int) -> None:
    """A concern about one setting must name a setting of that provider."""
    if setting_provider_id is not None and setting_provider_id != provider_id:
        raise RuleViolation("the setting belongs to another provider", code=ComplianceCode.SETTING_NOT_OF_PROVIDER)


# --- quality visits (Eastern consortium model) -----------------------------------------------


class VisitForm(StrEnum):
    """Form A: the provider's own description; B: the contracts officer's verification visit;
    C: a practitioner's visit (atmosphere, staff and children, children's views, complaints);
    D: outcome measures."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.OPEN, ActionStatus.DONE}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
}


def check_action_move(current: ActionStatus, target: ActionStatus) -> None:
    if target not in ACTION_TRANSITIONS[current]:
        raise IllegalTransition("action item", current.value, target.value)


def check_action_due(due_on: date, visited_on: date) -> None:
    if due_on < visited_on:
        raise RuleViolation(
            "an action cannot fall due before the visit that raised it", code=ComplianceCode.DUE_BEFORE_VISIT
        )
