"""The evaluation panel of a call-off: who marks the opened offers, when the evaluation is
complete, and whose marks anyone may see.

Offers are marked independently by every evaluator assigned to the call-off (the raising
council's evaluators and commissioners). An evaluator has *submitted* once they have marked
every submitted offer: each offer's marks go in once and are final, so the last offer marked is
the submission. Evaluation completes only when every assigned evaluator has submitted, or was
released with a recorded reason, and at least the minimum number of evaluators remains: one
evaluator must never close the evaluation while another is still marking (PCR 2015 reg 18: equal
treatment and transparency; reg 84: the record shows how the decision was reached). A released
evaluator's marks do not count.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from dps.core.codes import CommonCode
from dps.core.errors import Conflict, RuleViolation
from dps.tenders.codes import TenderCode

# The fewest evaluators a call-off's evaluation may close with, per procurement profile (data,
# not code branches; profiles not named here need one). No statute fixes the number. Under the
# Procurement Act 2023 every unsuccessful supplier receives an assessment summary that explains
# its scores against the winner's (PA 2023 s.50), so those profiles' call-offs are marked by a
# panel of at least two, whose independent marks are moderated; a PCR 2015 DPS call-off or a
# light touch one may be marked by one evaluator (an urgent placement often has one assessor),
# and a call-off may always ask for more (`Criteria.min_evaluators`).
PROFILE_MIN_EVALUATORS: dict[str, int] = {
    "pa2023_dynamic_market": 2,
    "pa2023_open_framework": 2,
    "pa2023_framework": 2,
}
DEFAULT_MIN_EVALUATORS = 1


def min_evaluators(profile_code: str, asked: int | None) -> int:
    """The minimum panel of a call-off: the profile's, or more where the call-off asks for more."""
    floor = PROFILE_MIN_EVALUATORS.get(profile_code, DEFAULT_MIN_EVALUATORS)
    return max(floor, asked or 0)


@dataclass(frozen=True, slots=True)
class PanelMember:
    evaluator_id: int
    assigned_by: int
    assigned_at: datetime
    released_at: datetime | None = None
    released_by: int | None = None
    release_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None

    def release(self, reason: str, by: int, at: datetime) -> PanelMember:
        """Take an evaluator off the panel (a conflict of interest found late, absence), with the
        reason on the record; their marks stop counting."""
        if not self.active:
            raise Conflict("this evaluator was already released", code=TenderCode.EVALUATOR_RELEASED)
        cleaned = reason.strip()
        if not cleaned:
            raise RuleViolation(
                "give the reason the evaluator is released", code=CommonCode.REASON_REQUIRED, field="reason"
            )
        return replace(self, released_at=at, released_by=by, release_reason=cleaned)


@dataclass(frozen=True, slots=True)
class PanelProgress:
    """Where each evaluator stands: submitted (every offer marked), still marking, or released."""

    submitted: frozenset[int]
    marking: frozenset[int]
    released: frozenset[int]


def progress(
    members: Collection[PanelMember], marked: Mapping[int, Collection[int]], offer_ids: Collection[int]
) -> PanelProgress:
    """`marked` maps an evaluator to the offers they have marked; `offer_ids` are the submitted offers."""
    wanted = frozenset(offer_ids)
    submitted, marking, released = set(), set(), set()
    for member in members:
        if not member.active:
            released.add(member.evaluator_id)
        elif wanted and wanted <= frozenset(marked.get(member.evaluator_id, ())):
            submitted.add(member.evaluator_id)
        else:
            marking.add(member.evaluator_id)
    return PanelProgress(frozenset(submitted), frozenset(marking), frozenset(released))


def require_complete(state: PanelProgress, minimum: int) -> None:
    """Refuse to close the evaluation while an assigned evaluator is still marking (409
    `evaluation_incomplete`, naming them), or with fewer active evaluators than the minimum (409
    `too_few_evaluators`)."""
    if state.marking:
        raise Conflict(
            f"{len(state.marking)} assigned evaluator(s) have not marked every offer yet; wait for them "
            "or release them with a reason",
            code=TenderCode.EVALUATION_INCOMPLETE,
            evaluator_ids=sorted(state.marking),
        )
    if len(state.submitted) < minimum:
        raise Conflict(
            f"this call-off is evaluated by at least {minimum} evaluator(s); {len(state.submitted)} submitted",
            code=TenderCode.TOO_FEW_EVALUATORS,
            minimum=minimum,
            submitted=len(state.submitted),
        )


def require_on_panel(members: Collection[PanelMember], evaluator_id: int) -> None:
    """Only an assigned, not released, evaluator marks."""
    for member in members:
        if member.evaluator_id == evaluator_id:
            if not member.active:
                raise Conflict("you were released from this evaluation", code=TenderCode.EVALUATOR_RELEASED)
            return
    raise Conflict(
        "you are not on this call-off's evaluation panel; the commissioner assigns evaluators",
        code=TenderCode.NOT_ON_PANEL,
    )


def marks_visible(owner_id: int, viewer_id: int, *, submitted: Collection[int], moderator: bool) -> bool:
    """May `viewer_id` see `owner_id`'s marks? Their own always. Anyone else's only once the owner
    has submitted, and then only the moderator or an evaluator who has submitted too: a colleague's
    marks seen first anchor one's own (`dps.core.evaluation.sealed_until_submitted`), and marks on
    some offers are not yet a submission."""
    if owner_id == viewer_id:
        return True
    if owner_id not in submitted:
        return False
    return moderator or viewer_id in submitted
