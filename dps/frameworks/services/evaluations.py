"""Evaluating an application: evaluators assigned, conflicts declared, independent marks,
moderation by the officer, and a decision per lot that starts memberships.

The marking rules are `dps.core.evaluation`'s, shared with call-offs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dps.accounts import repository as accounts
from dps.core import audit, deadlines, evaluation
from dps.core.calendar import uk_date
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from dps.core.evaluation import Criterion, Mark
from dps.core.notifications import notify
from dps.frameworks import access, repository
from dps.frameworks import application_repository as repo
from dps.frameworks.domain.applications import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    LotDecision,
    LotDecisionKind,
    Membership,
    MembershipStatus,
    check_lot_decisions,
    ready_for_moderation,
)
from dps.frameworks.domain.arrangements import Arrangement


async def _criteria(application: Application) -> list[Criterion]:
    """The evaluated questions (pass/fail and scored) that apply to the lots applied for."""
    questions = await repo.list_questions(application.arrangement_id)
    return [c for q in questions if q.applies_to(application.lot_ids) and (c := q.criterion()) is not None]


def _require_under_evaluation(application: Application) -> None:
    """Marks are given while the application is under evaluation: not after a decision or a withdrawal."""
    if application.status is not ApplicationStatus.UNDER_EVALUATION:
        raise Conflict(f"a {application.status.value} application is not evaluated", code="not_evaluable")


async def _overseen(ctx: Context, application_id: int) -> tuple[Application, Arrangement]:
    application = await repo.get_application(application_id, for_update=True)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    access.require_oversee_application(ctx.user, arrangement)
    return application, arrangement


# --- assignment and declarations -------------------------------------------------------------


async def assign_evaluators(ctx: Context, application_id: int, evaluator_ids: Sequence[int]) -> list[Assignment]:
    """The officer assigns evaluators; the application moves under evaluation."""
    async with DB.transaction():
        application, arrangement = await _overseen(ctx, application_id)
        if application.status not in {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_EVALUATION}:
            raise Conflict(f"a {application.status.value} application is not evaluated", code="not_evaluable")
        for evaluator_id in evaluator_ids:
            try:
                user = await accounts.get_user(evaluator_id)
            except NotFound:
                user = None
            if user is None or not access.evaluator_may_be_assigned(user.role, user.authority_id, arrangement):
                raise RuleViolation(
                    f"user {evaluator_id} is not an evaluator or officer of a council in this arrangement",
                    code="not_an_evaluator",
                    user_id=evaluator_id,
                )
            assignment = await repo.insert_assignment(application_id, evaluator_id)
            await audit.record(ctx, "evaluator.assigned", "assignment", assignment.id, after=assignment)
        if application.status is ApplicationStatus.SUBMITTED:
            after = application.start_evaluation()
            await repo.update_application(application, after)
            await audit.record(
                ctx, "application.evaluation_started", "application", application_id, before=application, after=after
            )
    return await repo.list_assignments(application_id)


async def declare_interests(ctx: Context, application_id: int, has_conflict: bool, note: str) -> Assignment:
    """The evaluator declares any conflict of interest before the answers open (PCR 2015 reg 24);
    a conflict removes them from this evaluation."""
    async with DB.transaction():
        before = await repo.get_assignment(application_id, ctx.user.user_id, for_update=True)
        after = before.declare(has_conflict, note, ctx.clock.now())
        await repo.save_assignment(after)
        await audit.record(ctx, "evaluator.declared", "assignment", after.id, before=before, after=after)
    return after


# --- marking ---------------------------------------------------------------------------------


async def save_marks(ctx: Context, application_id: int, marks: Sequence[Mark]) -> list[Mark]:
    """The evaluator's own marks, each with a rationale; saved as a draft until submitted."""
    async with DB.transaction():
        assignment = await repo.get_assignment(application_id, ctx.user.user_id, for_update=True)
        assignment.require_may_mark()
        application = await repo.get_application(application_id, lock="SHARE")
        _require_under_evaluation(application)
        criteria = {c.id: c for c in await _criteria(application)}
        for mark in marks:
            criterion = criteria.get(mark.criterion_id)
            if criterion is None:
                raise RuleViolation(
                    f"question {mark.criterion_id} is not evaluated in this application",
                    code="unknown_criterion",
                    criterion_id=mark.criterion_id,
                )
            evaluation.check_mark(criterion, mark)
        await repo.save_marks(assignment.id, marks)
        # Marks stay sealed from other evaluators: the audit records which questions were marked,
        # and the marks themselves are read through this service's rules only.
        await audit.record(
            ctx,
            "evaluation.marked",
            "assignment",
            assignment.id,
            after={"question_ids": sorted(m.criterion_id for m in marks)},
        )
        saved = await repo.list_marks([assignment.id])
    return saved[assignment.id]


async def submit_marks(ctx: Context, application_id: int) -> Assignment:
    """Make the evaluator's marks final; every evaluated question must be marked."""
    async with DB.transaction():
        before = await repo.get_assignment(application_id, ctx.user.user_id, for_update=True)
        application = await repo.get_application(application_id, lock="SHARE")
        _require_under_evaluation(application)
        criteria = await _criteria(application)
        marks = (await repo.list_marks([before.id]))[before.id]
        after = before.submit(evaluation.missing_marks(criteria, marks), ctx.clock.now())
        evaluation.check_submission(criteria, marks)
        await repo.save_assignment(after)
        await audit.record(ctx, "evaluation.submitted", "assignment", after.id, before=before, after=after)
    return after


@dataclass(frozen=True, slots=True)
class EvaluatorMarks:
    assignment: Assignment
    evaluator_name: str
    marks: list[Mark] | None  # None while sealed from the viewer


async def view_evaluations(ctx: Context, application_id: int) -> list[EvaluatorMarks]:
    """Every assignment with its marks. The officer sees all; an evaluator sees their own, and the
    others' only once their own are submitted (independent marking)."""
    application = await repo.get_application(application_id)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    assignments = await repo.list_assignments(application_id)
    p = ctx.user
    officer = access.may_oversee_application(p, arrangement)
    mine = next((a for a in assignments if a.evaluator_id == p.user_id), None)
    if not officer and mine is None:
        raise PermissionDenied("you may not see this evaluation")
    submitted = {a.evaluator_id for a in assignments if a.status is AssignmentStatus.SUBMITTED}
    marks = await repo.list_marks([a.id for a in assignments])
    views = []
    for a in assignments:
        visible = officer or a.evaluator_id == p.user_id or not evaluation.sealed_until_submitted(p.user_id, submitted)
        user = await accounts.get_user(a.evaluator_id)
        views.append(EvaluatorMarks(a, user.full_name, marks[a.id] if visible else None))
    return views


# --- moderation and decision -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModerationView:
    criteria: list[Criterion]
    spreads: list[evaluation.Spread]
    suggestions: list[evaluation.Suggestion]
    moderated: dict[int, Mark]
    result: evaluation.Result | None  # once every criterion is moderated
    threshold: Decimal


async def _submitted_marks(application_id: int, min_evaluators: int) -> dict[int, list[Mark]]:
    assignments = await repo.list_assignments(application_id)
    ready_for_moderation(assignments, min_evaluators)
    submitted = [a for a in assignments if a.status is AssignmentStatus.SUBMITTED]
    return await repo.list_marks([a.id for a in submitted])


async def _moderation_view(application: Application, arrangement: Arrangement) -> ModerationView:
    criteria = await _criteria(application)
    by_evaluator = await _submitted_marks(application.id, arrangement.min_evaluators)
    moderated = await repo.list_moderated_marks(application.id)
    on_criterion: dict[int, list[Mark]] = {c.id: [] for c in criteria}
    for marks in by_evaluator.values():
        for mark in marks:
            on_criterion.setdefault(mark.criterion_id, []).append(mark)
    suggestions = [evaluation.suggested_consensus(c, on_criterion[c.id]) for c in criteria]
    complete = not evaluation.missing_marks(criteria, list(moderated.values()))
    outcome = evaluation.result(criteria, moderated, arrangement.quality_threshold) if complete else None
    return ModerationView(
        criteria=criteria,
        spreads=evaluation.spreads(criteria, by_evaluator),
        suggestions=suggestions,
        moderated=moderated,
        result=outcome,
        threshold=arrangement.quality_threshold,
    )


async def moderation(ctx: Context, application_id: int) -> ModerationView:
    """Where the evaluators differ, suggested consensus marks, and the result so far (officers)."""
    application = await repo.get_application(application_id)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    access.require_oversee_application(ctx.user, arrangement)
    return await _moderation_view(application, arrangement)


async def moderate(ctx: Context, application_id: int, marks: Sequence[Mark]) -> ModerationView:
    """The officer records consensus marks, each with a reason, once enough evaluators submitted."""
    async with DB.transaction():
        application, arrangement = await _overseen(ctx, application_id)
        if application.status is not ApplicationStatus.UNDER_EVALUATION:
            raise Conflict(f"a {application.status.value} application cannot be moderated", code="not_evaluable")
        await _submitted_marks(application_id, arrangement.min_evaluators)
        criteria = {c.id: c for c in await _criteria(application)}
        for mark in marks:
            criterion = criteria.get(mark.criterion_id)
            if criterion is None:
                raise RuleViolation(
                    f"question {mark.criterion_id} is not evaluated in this application",
                    code="unknown_criterion",
                    criterion_id=mark.criterion_id,
                )
            evaluation.check_mark(criterion, mark)
        await repo.save_moderated_marks(application_id, marks)
        await audit.record(ctx, "evaluation.moderated", "application", application_id, after={"marks": list(marks)})
    return await _moderation_view(application, arrangement)


@dataclass(frozen=True, slots=True)
class Decision:
    application: Application
    result: evaluation.Result
    lot_decisions: list[LotDecision]
    memberships: list[Membership]


async def decide(ctx: Context, application_id: int, decisions: Sequence[LotDecision]) -> Decision:
    """Admit or reject each lot applied for, with reasons. Admitted lots become active memberships
    from today; the provider is sent a decision notice with its scores and the reasons
    (PCR 2015 reg 55: candidates are told the decision and, when rejected, the reasons)."""
    async with DB.transaction():
        before, arrangement = await _overseen(ctx, application_id)
        view = await _moderation_view(before, arrangement)
        outcome = view.result
        if outcome is None:
            raise RuleViolation("moderate every evaluated question first", code="moderation_incomplete")
        check_lot_decisions(before.lot_ids, list(decisions), outcome.meets_threshold)
        now = ctx.clock.now()
        after = before.decide(now)
        await repo.update_application(before, after)
        await repo.insert_lot_decisions(application_id, decisions, outcome.weighted_total, now)
        created = []
        for d in decisions:
            if d.decision is LotDecisionKind.ADMIT:
                membership = await repository.insert_membership(
                    Membership(
                        id=0,
                        arrangement_id=before.arrangement_id,
                        lot_id=d.lot_id,
                        provider_id=before.provider_id,
                        application_id=application_id,
                        status=MembershipStatus.ACTIVE,
                        started_on=uk_date(now),
                        status_reason=None,
                        version=1,
                    )
                )
                created.append(membership)
                await audit.record(ctx, "membership.started", "membership", membership.id, after=membership)
                # The scheduler watches the annual re-accreditation and an open framework's reopening clock.
                await deadlines.track("membership_reaccreditation", membership.id, now)
                await deadlines.track("arrangement", before.arrangement_id, now)
        await audit.record(
            ctx,
            "application.decided",
            "application",
            application_id,
            before=before,
            after={"application": after, "result": outcome, "lot_decisions": list(decisions)},
        )
        await deadlines.track("application", application_id, None)
        await _send_decision_notice(ctx, after, arrangement, outcome, list(decisions))
        decision = Decision(after, outcome, list(decisions), created)
    return decision


async def _send_decision_notice(
    ctx: Context,
    application: Application,
    arrangement: Arrangement,
    result: evaluation.Result,
    decisions: list[LotDecision],
) -> None:
    lots = {lot.id: lot for lot in await repository.all_lots(arrangement.id)}
    lines = [
        f"Your application to {arrangement.title} ({arrangement.reference}) has been decided.",
        f"Weighted quality score: {result.weighted_total} (pass mark {arrangement.quality_threshold}).",
    ]
    if result.failed_gateways:
        lines.append("Pass/fail questions not met: " + ", ".join(map(str, result.failed_gateways)))
    for d in decisions:
        outcome = "admitted" if d.decision is LotDecisionKind.ADMIT else "not admitted"
        lines.append(f"{lots[d.lot_id].code} {lots[d.lot_id].title}: {outcome}. {d.reasons}")
    body = "\n".join(lines)
    await notify(
        await accounts.recipients_of_provider(application.provider_id),
        kind="application.decided",
        key=f"application:{application.id}:decided",
        subject=f"Decision on your application to {arrangement.reference}",
        body=body,
        link_path=f"/api/v1/applications/{application.id}/decision",
        at=ctx.clock.now(),
    )


async def get_decision(ctx: Context, application_id: int) -> tuple[Application, list[LotDecision], Decimal | None]:
    """The decision per lot and the total, for the provider and the officers."""
    application = await repo.get_application(application_id)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    p = ctx.user
    if not (p.is_provider(application.provider_id) or access.may_oversee_application(p, arrangement)):
        raise PermissionDenied("you may not see this decision")
    if application.status is not ApplicationStatus.DECIDED:
        raise NotFound("this application has no decision yet", code="not_decided")
    return application, await repo.list_lot_decisions(application_id), await repo.decided_total(application_id)
