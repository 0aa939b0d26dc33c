"""Evaluating an application: evaluators assigned, conflicts declared, independent marks,
moderation by the officer, and a decision per lot that starts memberships.

The marking rules are `dps.core.evaluation`'s, shared with call-offs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dps.accounts import public as accounts
from dps.core import audit, deadlines, evaluation
from dps.core.auth import Role
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.dates import uk_date
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from dps.core.evaluation import Criterion, Mark
from dps.core.notifications import Recipient, notify
from dps.frameworks import access, repository
from dps.frameworks import application_repository as repo
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.applications import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    LotDecision,
    LotDecisionKind,
    LotResult,
    Membership,
    MembershipStatus,
    check_lot_decisions,
    lot_results,
    ready_for_moderation,
)
from dps.frameworks.domain.arrangements import Arrangement
from dps.frameworks.domain.questionnaires import Question, criteria_for_lot, threshold_applies
from dps.frameworks.services.applications import known_application


async def _questions(application: Application) -> list[Question]:
    """The questionnaire the application was submitted under (its version; the arrangement's
    current one for an application submitted before versions were recorded)."""
    version = application.questionnaire_version
    if version is None:
        version = (await repository.get_arrangement(application.arrangement_id)).questionnaire_version
    return await repo.list_questions(application.arrangement_id, version)


async def _criteria(application: Application) -> list[Criterion]:
    """The evaluated questions (pass/fail and scored) that apply to the lots applied for."""
    questions = await _questions(application)
    return [c for q in questions if q.applies_to(application.lot_ids) and (c := q.criterion()) is not None]


async def _lot_results(
    application: Application, arrangement: Arrangement, moderated: dict[int, Mark]
) -> list[LotResult] | None:
    """Each lot's result over its own questions and pass mark, once every question is moderated;
    for a decided application, what decided it, as stored (a decided result never changes)."""
    if application.status is ApplicationStatus.DECIDED:
        stored = await repo.decided_lots(application.id)
        if stored and all(d.threshold is not None for d in stored):
            return [
                LotResult(
                    d.decision.lot_id,
                    d.threshold,  # type: ignore[arg-type]
                    bool(d.threshold_applies),
                    evaluation.Result(
                        d.failed_gateways,
                        d.weighted_total,
                        not d.failed_gateways and (not d.threshold_applies or d.weighted_total >= d.threshold),  # type: ignore[operator]
                    ),
                )
                for d in stored
            ]
    questions = await _questions(application)
    criteria = [c for q in questions if q.applies_to(application.lot_ids) and (c := q.criterion()) is not None]
    if evaluation.missing_marks(criteria, list(moderated.values())):
        return None
    lots = {lot.id: lot for lot in await repository.all_lots(arrangement.id)}
    thresholds = {
        lot_id: application.threshold_of(lot_id, lots[lot_id].threshold(arrangement.quality_threshold))
        for lot_id in application.lot_ids
    }
    by_lot = {lot_id: criteria_for_lot(questions, lot_id) for lot_id in application.lot_ids}
    return lot_results(by_lot, moderated, thresholds, threshold_applies(questions))


def _require_under_evaluation(application: Application) -> None:
    """Marks are given while the application is under evaluation: not after a decision or a withdrawal."""
    if application.status is not ApplicationStatus.UNDER_EVALUATION:
        raise Conflict(f"a {application.status.value} application is not evaluated", code=FrameworkCode.NOT_EVALUABLE)


async def _overseen(ctx: Context, application_id: int) -> tuple[Application, Arrangement]:
    application = await known_application(ctx, application_id, for_update=True)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    access.require_oversee_application(ctx.user, arrangement)
    return application, arrangement


# --- assignment and declarations -------------------------------------------------------------


async def assign_evaluators(ctx: Context, application_id: int, evaluator_ids: Sequence[int]) -> list[Assignment]:
    """The officer assigns evaluators; the application moves under evaluation."""
    async with DB.transaction():
        application, arrangement = await _overseen(ctx, application_id)
        if application.status not in {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_EVALUATION}:
            raise Conflict(
                f"a {application.status.value} application is not evaluated", code=FrameworkCode.NOT_EVALUABLE
            )
        for evaluator_id in evaluator_ids:
            try:
                user = await accounts.get_user(evaluator_id)
            except NotFound:
                user = None
            if user is None or not access.evaluator_may_be_assigned(user.role, user.authority_id, arrangement):
                raise RuleViolation(
                    f"user {evaluator_id} is not an evaluator or officer of a council in this arrangement",
                    code=CommonCode.NOT_AN_EVALUATOR,
                    user_id=evaluator_id,
                )
            assignment = await repo.insert_assignment(application_id, evaluator_id)
            await audit.record(ctx, "evaluator.assigned", "assignment", assignment.id, after=assignment)
            await notify(
                [Recipient(user.id, user.email)],
                kind="evaluator.assigned",
                key=f"application:{application_id}:evaluator:{evaluator_id}:assigned",
                subject=f"You are asked to evaluate an application to {arrangement.reference}",
                body=(
                    f"You are assigned to evaluate application {application_id} to {arrangement.title} "
                    f"({arrangement.reference}). Declare any conflict of interest first; the answers open "
                    "to you once you have declared."
                ),
                link_path=f"/api/v1/applications/{application_id}",
                at=ctx.clock.now(),
            )
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
        if after.status is AssignmentStatus.CONFLICTED:
            # The officer must know at once: the evaluation may need another evaluator.
            application = await known_application(ctx, application_id)
            arrangement = await repository.get_arrangement(application.arrangement_id)
            evaluator = await accounts.get_user(ctx.user.user_id)
            await notify(
                await accounts.recipients_of_authority(arrangement.lead_authority_id, [Role.PROCUREMENT_OFFICER]),
                kind="evaluator.conflict_declared",
                key=f"application:{application_id}:evaluator:{after.evaluator_id}:conflict",
                subject=f"Conflict of interest declared on application {application_id}",
                body=(
                    f"{evaluator.full_name} declared a conflict of interest on application {application_id} to "
                    f"{arrangement.reference} and is removed from its evaluation: {after.conflict_note}"
                ),
                link_path=f"/api/v1/applications/{application_id}/evaluations",
                at=ctx.clock.now(),
            )
    return after


# --- marking ---------------------------------------------------------------------------------


async def save_marks(ctx: Context, application_id: int, marks: Sequence[Mark]) -> list[Mark]:
    """The evaluator's own marks, each with a rationale; saved as a draft until submitted."""
    async with DB.transaction():
        assignment = await repo.get_assignment(application_id, ctx.user.user_id, for_update=True)
        assignment.require_may_mark()
        application = await known_application(ctx, application_id, lock="SHARE")
        _require_under_evaluation(application)
        criteria = {c.id: c for c in await _criteria(application)}
        for mark in marks:
            criterion = criteria.get(mark.criterion_id)
            if criterion is None:
                raise RuleViolation(
                    f"question {mark.criterion_id} is not evaluated in this application",
                    code=FrameworkCode.UNKNOWN_CRITERION,
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
        application = await known_application(ctx, application_id, lock="SHARE")
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
    """Every assignment with its marks. Everyone sees their own; nobody sees another's draft; the
    officer sees each evaluator's marks once submitted, an evaluator the others' submitted marks
    once their own are submitted too (independent marking)."""
    application = await known_application(ctx, application_id)
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
        visible = evaluation.marks_visible(p.user_id, a.evaluator_id, submitted, moderator=officer)
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
    result: evaluation.Result | None  # once every criterion is moderated (over every question applied for)
    threshold: Decimal
    lots: list[LotResult] | None  # each lot's own result, once every criterion is moderated


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
    applies = threshold_applies(await _questions(application))
    outcome = (
        evaluation.result(criteria, moderated, arrangement.quality_threshold, threshold_applies=applies)
        if complete
        else None
    )
    return ModerationView(
        criteria=criteria,
        spreads=evaluation.spreads(criteria, by_evaluator),
        suggestions=suggestions,
        moderated=moderated,
        result=outcome,
        threshold=arrangement.quality_threshold,
        lots=await _lot_results(application, arrangement, moderated),
    )


async def moderation(ctx: Context, application_id: int) -> ModerationView:
    """Where the evaluators differ, suggested consensus marks, and the result so far (officers)."""
    application = await known_application(ctx, application_id)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    access.require_oversee_application(ctx.user, arrangement)
    return await _moderation_view(application, arrangement)


async def moderate(ctx: Context, application_id: int, marks: Sequence[Mark]) -> ModerationView:
    """The officer records consensus marks, each with a reason, once enough evaluators submitted."""
    async with DB.transaction():
        application, arrangement = await _overseen(ctx, application_id)
        if application.status is not ApplicationStatus.UNDER_EVALUATION:
            raise Conflict(
                f"a {application.status.value} application cannot be moderated", code=FrameworkCode.NOT_EVALUABLE
            )
        await _submitted_marks(application_id, arrangement.min_evaluators)
        evaluation.check_moderation(await _criteria(application), marks)
        await repo.save_moderated_marks(application_id, marks)
        await audit.record(ctx, "evaluation.moderated", "application", application_id, after={"marks": list(marks)})
    return await _moderation_view(application, arrangement)


@dataclass(frozen=True, slots=True)
class Decision:
    application: Application
    result: evaluation.Result
    lot_decisions: list[LotDecision]
    memberships: list[Membership]
    lots: list[LotResult]


async def decide(ctx: Context, application_id: int, decisions: Sequence[LotDecision]) -> Decision:
    """Admit or reject each lot applied for, with reasons. Admitted lots become active memberships
    from today; the provider is sent a decision notice with its scores and the reasons
    (PCR 2015 reg 55: candidates are told the decision and, when rejected, the reasons)."""
    async with DB.transaction():
        before, arrangement = await _overseen(ctx, application_id)
        view = await _moderation_view(before, arrangement)
        outcome = view.result
        if outcome is None or view.lots is None:
            raise RuleViolation("moderate every evaluated question first", code=FrameworkCode.MODERATION_INCOMPLETE)
        per_lot = {r.lot_id: r for r in view.lots}
        check_lot_decisions(before.lot_ids, list(decisions), {k: r.result.meets_threshold for k, r in per_lot.items()})
        now = ctx.clock.now()
        after = before.decide(now)
        await repo.update_application(before, after)
        await repo.insert_lot_decisions(application_id, decisions, per_lot, now)
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
                await deadlines.track(EntityType.MEMBERSHIP_REACCREDITATION, membership.id, now)
                await deadlines.track(EntityType.ARRANGEMENT, before.arrangement_id, now)
        await audit.record(
            ctx,
            "application.decided",
            "application",
            application_id,
            before=before,
            after={
                "application": after,
                "result": outcome,
                "lot_results": view.lots,
                "lot_decisions": list(decisions),
            },
        )
        await deadlines.track(EntityType.APPLICATION, application_id, None)
        await _send_decision_notice(ctx, after, arrangement, per_lot, list(decisions))
        decision = Decision(after, outcome, list(decisions), created, view.lots)
    return decision


async def _send_decision_notice(
    ctx: Context,
    application: Application,
    arrangement: Arrangement,
    results: dict[int, LotResult],
    decisions: list[LotDecision],
) -> None:
    lots = {lot.id: lot for lot in await repository.all_lots(arrangement.id)}
    lines = [f"Your application to {arrangement.title} ({arrangement.reference}) has been decided."]
    for d in decisions:
        outcome = "admitted" if d.decision is LotDecisionKind.ADMIT else "not admitted"
        r = results[d.lot_id]
        score = f"weighted quality score {r.result.weighted_total}"
        score += f" (pass mark {r.threshold})" if r.threshold_applies else " (pass/fail: admitted on the gateways)"
        lines.append(f"{lots[d.lot_id].code} {lots[d.lot_id].title}: {outcome}; {score}. {d.reasons}")
        if r.result.failed_gateways:
            lines.append("  Pass/fail questions not met: " + ", ".join(map(str, r.result.failed_gateways)))
    lines.append("Your per-question moderated scores and the reasons are in the decision.")
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


@dataclass(frozen=True, slots=True)
class ModeratedQuestion:
    """One evaluated question as moderated, for the decision the provider reads."""

    question: Question
    mark: Mark


@dataclass(frozen=True, slots=True)
class DecisionView:
    application: Application
    lots: list[repo.DecidedLot]
    total: Decimal | None  # the one total when every lot has the same total
    moderated: list[ModeratedQuestion]


async def get_decision(ctx: Context, application_id: int) -> DecisionView:
    """The decision per lot with each lot's total, pass mark and reasons, and every evaluated
    question's moderated score with the moderator's reason, for the provider and the officers.
    A candidate is owed the reasons for its rejection and the characteristics and relative
    advantages of the successful tenders (PCR 2015 reg 55(2), reg 86); the marks are shown only
    once decided, so nothing moves while the evaluation is open."""
    application = await known_application(ctx, application_id)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    p = ctx.user
    if not (p.is_provider(application.provider_id) or access.may_oversee_application(p, arrangement)):
        raise PermissionDenied("you may not see this decision")
    if application.status is not ApplicationStatus.DECIDED:
        raise NotFound("this application has no decision yet", code=CommonCode.NOT_DECIDED)
    decided = await repo.decided_lots(application_id)
    totals = {d.weighted_total for d in decided}
    moderated = await repo.list_moderated_marks(application_id)
    questions = [q for q in await _questions(application) if q.id in moderated]
    return DecisionView(
        application,
        decided,
        next(iter(totals)) if len(totals) == 1 else None,
        [ModeratedQuestion(q, moderated[q.id]) for q in questions],
    )
