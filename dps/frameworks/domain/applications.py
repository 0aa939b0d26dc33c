"""Applications to join an arrangement, their evaluation and the memberships that follow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from dps.core import evaluation
from dps.core.codes import CommonCode
from dps.core.errors import Conflict, IllegalTransition, PermissionDenied, RuleViolation
from dps.core.evaluation import Criterion, Mark, Result
from dps.frameworks.codes import FrameworkCode


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_EVALUATION = "under_evaluation"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.UNDER_EVALUATION, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.UNDER_EVALUATION: frozenset({ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.DECIDED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Application:
    id: int
    arrangement_id: int
    provider_id: int
    status: ApplicationStatus
    lot_ids: frozenset[int]
    submitted_at: datetime | None
    decision_due_on: date | None
    extension_reason: str | None
    decided_at: datetime | None
    version: int
    # The conditions it was submitted under: the questionnaire version and each lot's pass mark
    # (lot id, threshold). Later versions apply to later applications only.
    questionnaire_version: int | None = None
    thresholds: tuple[tuple[int, Decimal], ...] = ()

    @classmethod
    def draft(
        cls, arrangement_id: int, provider_id: int, lot_ids: frozenset[int], arrangement_lots: frozenset[int]
    ) -> Application:
        """A new draft application to the chosen lots of an arrangement."""
        empty = cls(0, arrangement_id, provider_id, ApplicationStatus.DRAFT, frozenset(), None, None, None, None, 1)
        return replace(empty.choose_lots(lot_ids, arrangement_lots), version=1)

    def _to(self, target: ApplicationStatus, **changes: object) -> Application:
        if target not in APPLICATION_TRANSITIONS[self.status]:
            raise IllegalTransition("application", self.status.value, target.value)
        return replace(self, status=target, version=self.version + 1, **changes)  # type: ignore[arg-type]

    @property
    def editable(self) -> bool:
        return self.status is ApplicationStatus.DRAFT

    def require_editable(self) -> None:
        if not self.editable:
            raise Conflict(
                f"a {self.status.value} application cannot be changed", code=FrameworkCode.APPLICATION_NOT_EDITABLE
            )

    def choose_lots(self, lot_ids: frozenset[int], arrangement_lots: frozenset[int]) -> Application:
        self.require_editable()
        unknown = lot_ids - arrangement_lots
        if unknown:
            raise RuleViolation(
                "these lots are not in the arrangement", code=FrameworkCode.UNKNOWN_LOTS, lot_ids=sorted(unknown)
            )
        return replace(self, lot_ids=lot_ids, version=self.version + 1)

    def saved(self) -> Application:
        """A draft whose answers changed: a new version, so a stale copy cannot overwrite it."""
        self.require_editable()
        return replace(self, version=self.version + 1)

    def submit(
        self,
        at: datetime,
        decision_due_on: date | None,
        questionnaire_version: int = 1,
        thresholds: Mapping[int, Decimal] | None = None,
    ) -> Application:
        """Submitted; the decision falls due on `decision_due_on` (the profile's period). The
        questionnaire version and the pass mark of each lot chosen are fixed from now on for it."""
        if not self.lot_ids:
            raise RuleViolation("choose at least one lot", code=FrameworkCode.NO_LOTS_CHOSEN)
        fixed = tuple(sorted((lot_id, t) for lot_id, t in (thresholds or {}).items() if lot_id in self.lot_ids))
        return self._to(
            ApplicationStatus.SUBMITTED,
            submitted_at=at,
            decision_due_on=decision_due_on,
            questionnaire_version=questionnaire_version,
            thresholds=fixed,
        )

    def threshold_of(self, lot_id: int, default: Decimal) -> Decimal:
        """The pass mark of a lot as it stood when this application was submitted."""
        return dict(self.thresholds).get(lot_id, default)

    def withdraw(self) -> Application:
        return self._to(ApplicationStatus.WITHDRAWN)

    def extend_decision(self, new_due_on: date, reason: str) -> Application:
        """PCR 2015 reg 34: the 10 working days may be prolonged once, with a justification."""
        if self.status not in {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_EVALUATION}:
            raise IllegalTransition("application", self.status.value, "extended")
        if self.extension_reason is not None:
            raise Conflict("the decision period has already been extended once", code=FrameworkCode.ALREADY_EXTENDED)
        return replace(self, decision_due_on=new_due_on, extension_reason=reason, version=self.version + 1)

    def start_evaluation(self) -> Application:
        return self._to(ApplicationStatus.UNDER_EVALUATION)

    def decide(self, at: datetime) -> Application:
        return self._to(ApplicationStatus.DECIDED, decided_at=at)


@dataclass(frozen=True, slots=True)
class DecisionClock:
    working_days_left: int | None
    overdue: bool


def decision_clock(application: Application, today: date, working_days_between: int | None) -> DecisionClock:
    """How long the officer has left: `working_days_between` is counted from today to the due date."""
    live = application.status in {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_EVALUATION}
    if not live or application.decision_due_on is None or working_days_between is None:
        return DecisionClock(working_days_left=None, overdue=False)
    return DecisionClock(working_days_left=working_days_between, overdue=today > application.decision_due_on)


def check_submission_open(joining: str, arrangement_open: bool, in_window: bool) -> None:
    """Applications are accepted while the arrangement is open and, where the profile joins in
    reopening windows, only inside a published window."""
    if not arrangement_open:
        raise Conflict("this arrangement is not open to applications", code=CommonCode.ARRANGEMENT_NOT_OPEN)
    if joining == "closed_after_award":
        raise Conflict(
            "this framework is closed to new suppliers after award", code=FrameworkCode.CLOSED_TO_NEW_SUPPLIERS
        )
    if joining == "reopening_windows" and not in_window:
        raise Conflict("applications are only accepted inside a reopening window", code=FrameworkCode.OUTSIDE_WINDOW)


# --- evaluation ------------------------------------------------------------------------------


class AssignmentStatus(StrEnum):
    ASSIGNED = "assigned"  # must declare conflicts of interest before seeing answers
    DECLARED = "declared"  # no conflict: may read answers and mark
    SUBMITTED = "submitted"  # marks final; may now see the others'
    CONFLICTED = "conflicted"  # declared a conflict: removed from this evaluation


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    application_id: int
    evaluator_id: int
    status: AssignmentStatus
    conflict_note: str | None
    declared_at: datetime | None
    submitted_at: datetime | None

    def declare(self, has_conflict: bool, note: str, at: datetime) -> Assignment:
        """Declare interests before the answers open (conflict of interest, PCR 2015 reg 24)."""
        if self.status is not AssignmentStatus.ASSIGNED:
            raise IllegalTransition("assignment", self.status.value, "declared")
        if has_conflict and not note.strip():
            raise RuleViolation("describe the conflict of interest", code=FrameworkCode.CONFLICT_NOTE_REQUIRED)
        status = AssignmentStatus.CONFLICTED if has_conflict else AssignmentStatus.DECLARED
        return replace(self, status=status, conflict_note=note.strip() or None, declared_at=at)

    def require_may_read_answers(self) -> None:
        if self.status is AssignmentStatus.ASSIGNED:
            raise PermissionDenied("declare your interests first", code=FrameworkCode.DECLARATION_REQUIRED)
        if self.status not in {AssignmentStatus.DECLARED, AssignmentStatus.SUBMITTED}:
            raise PermissionDenied(
                "an evaluator with a conflict of interest cannot see the answers", code=FrameworkCode.CONFLICTED
            )

    def require_may_mark(self) -> None:
        self.require_may_read_answers()
        if self.status is AssignmentStatus.SUBMITTED:
            raise Conflict("your marks are submitted and final", code=FrameworkCode.MARKS_SUBMITTED)

    def submit(self, missing: list[int], at: datetime) -> Assignment:
        self.require_may_mark()
        if missing:
            raise RuleViolation("mark every question first", code=FrameworkCode.MARKS_INCOMPLETE, question_ids=missing)
        return replace(self, status=AssignmentStatus.SUBMITTED, submitted_at=at)


def ready_for_moderation(assignments: list[Assignment], min_evaluators: int) -> None:
    """Moderation needs at least `min_evaluators` independent, submitted evaluations."""
    submitted = sum(1 for a in assignments if a.status is AssignmentStatus.SUBMITTED)
    if submitted < min_evaluators:
        raise RuleViolation(
            f"moderation needs {min_evaluators} submitted evaluations; {submitted} so far",
            code=FrameworkCode.EVALUATIONS_OUTSTANDING,
        )


class LotDecisionKind(StrEnum):
    ADMIT = "admit"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class LotDecision:
    lot_id: int
    decision: LotDecisionKind
    reasons: str


@dataclass(frozen=True, slots=True)
class LotResult:
    """One lot's result: over the questions that apply to that lot, against that lot's pass mark."""

    lot_id: int
    threshold: Decimal
    threshold_applies: bool
    result: Result


def lot_results(
    criteria_by_lot: Mapping[int, Sequence[Criterion]],
    moderated: Mapping[int, Mark],
    thresholds: Mapping[int, Decimal],
    threshold_applies: bool,
) -> list[LotResult]:
    """Each lot's result, in lot id order. A question for lot B never counts in lot A's total
    (PCR 2015 reg 18(1) equal treatment: each lot is a separate admission with its own published
    criteria); each lot is compared with its own pass mark."""
    return [
        LotResult(
            lot_id,
            thresholds[lot_id],
            threshold_applies,
            evaluation.result(
                criteria_by_lot[lot_id], moderated, thresholds[lot_id], threshold_applies=threshold_applies
            ),
        )
        for lot_id in sorted(criteria_by_lot)
    ]


def check_lot_decisions(
    chosen: frozenset[int], decisions: list[LotDecision], meets_threshold: Mapping[int, bool]
) -> None:
    """One decision with reasons for each lot applied for; no admission to a lot whose own result
    is below its threshold or fails a gateway (`meets_threshold` per lot id)."""
    decided = [d.lot_id for d in decisions]
    if sorted(decided) != sorted(chosen) or len(set(decided)) != len(decided):
        raise RuleViolation("decide each lot applied for exactly once", code=FrameworkCode.LOT_DECISIONS_INCOMPLETE)
    if any(not d.reasons.strip() for d in decisions):
        raise RuleViolation("every decision needs its reasons", code=FrameworkCode.REASONS_REQUIRED)
    below = sorted(
        d.lot_id for d in decisions if d.decision is LotDecisionKind.ADMIT and not meets_threshold.get(d.lot_id, False)
    )
    if below:
        raise RuleViolation(
            "the moderated result for these lots is below the quality threshold or fails a gateway",
            code=FrameworkCode.BELOW_THRESHOLD,
            lot_ids=below,
        )


# --- memberships -----------------------------------------------------------------------------


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"
    EXPIRED = "expired"


MEMBERSHIP_TRANSITIONS: dict[MembershipStatus, frozenset[MembershipStatus]] = {
    MembershipStatus.ACTIVE: frozenset(
        {MembershipStatus.SUSPENDED, MembershipStatus.REMOVED, MembershipStatus.EXPIRED}
    ),
    MembershipStatus.SUSPENDED: frozenset(
        {MembershipStatus.ACTIVE, MembershipStatus.REMOVED, MembershipStatus.EXPIRED}
    ),
    MembershipStatus.REMOVED: frozenset(),
    MembershipStatus.EXPIRED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Membership:
    id: int
    arrangement_id: int
    lot_id: int
    provider_id: int
    application_id: int | None
    status: MembershipStatus
    started_on: date
    status_reason: str | None
    version: int

    def move_to(self, target: MembershipStatus, reason: str) -> Membership:
        """Suspend, reinstate, remove or expire, always with a reason."""
        if target not in MEMBERSHIP_TRANSITIONS[self.status]:
            raise IllegalTransition("membership", self.status.value, target.value)
        if not reason.strip():
            raise RuleViolation("give the reason", code=CommonCode.REASON_REQUIRED)
        return replace(self, status=target, status_reason=reason.strip(), version=self.version + 1)
