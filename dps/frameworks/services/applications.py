"""Applications to join an arrangement: open, answer, submit, withdraw, and the decision clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dps.accounts import public as accounts
from dps.accounts.domain import nation_of
from dps.core import audit, deadlines
from dps.core.auth import OrgKind
from dps.core.calendar import WorkingDays
from dps.core.codes import CommonCode
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.dates import uk_date
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import NotFound, PermissionDenied, RuleViolation
from dps.core.notifications import notify
from dps.core.pagination import Page
from dps.core.rows import Lock
from dps.frameworks import access, repository
from dps.frameworks import application_repository as repo
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.applications import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    DecisionClock,
    check_submission_open,
    decision_clock,
)
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus
from dps.frameworks.domain.questionnaires import Answer, Question, check_answer, missing_items
from dps.frameworks.profiles import calendar_for, decision_due, extended_decision_due, get_profile


@dataclass(frozen=True, slots=True)
class ApplicationView:
    """An application with its answers (when the caller may read them) and its decision clock."""

    application: Application
    answers: dict[int, Answer] | None
    clock: DecisionClock

    @property
    def id(self) -> int:
        return self.application.id


async def known_application(
    ctx: Context, application_id: int, *, for_update: bool = False, lock: Lock | None = None
) -> Application:
    """The application, for a caller who may know it exists (access.may_know_of); to anyone else
    the same 404 a missing id gets. Every service entry point on one application starts here."""
    application = await repo.get_application(application_id, for_update=for_update, lock=lock)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    if not access.may_know_of(ctx.principal, arrangement, application.provider_id):
        raise access.hidden("application", application_id)
    return application


async def lead_calendar(arrangement: Arrangement) -> WorkingDays:
    """The working days the arrangement counts in: its profile's scope, the lead authority's nation."""
    lead = await accounts.get_authority_row(arrangement.lead_authority_id)
    return calendar_for(get_profile(arrangement.profile_code), nation_of(lead.region))


def _clock(application: Application, calendar: WorkingDays, today: date) -> DecisionClock:
    left = None
    if application.decision_due_on is not None:
        left = calendar.working_days_left(today, application.decision_due_on)
    return decision_clock(application, today, left)


async def _lot_ids(arrangement_id: int) -> frozenset[int]:
    """The lots offered to applicants (a withdrawn lot is no longer offered)."""
    return frozenset(lot.id for lot in await repository.all_lots(arrangement_id) if not lot.withdrawn)


async def open_application(ctx: Context, arrangement_id: int, lot_ids: Sequence[int]) -> Application:
    """A provider starts a draft application to an arrangement it can see, choosing lots."""
    provider_id = access.acting_provider(ctx.user)
    async with DB.transaction():
        arrangement = await repository.get_arrangement(arrangement_id)
        access.require_read_arrangement(ctx.user, arrangement)
        if arrangement.status is not ArrangementStatus.OPEN:
            raise RuleViolation("this arrangement is not open to applications", code=CommonCode.ARRANGEMENT_NOT_OPEN)
        draft = Application.draft(arrangement_id, provider_id, frozenset(lot_ids), await _lot_ids(arrangement_id))
        application = await repo.insert_application(draft, ctx.clock.now())
        await audit.record(ctx, "application.opened", "application", application.id, after=application)
    return application


async def _readable(ctx: Context, application: Application, arrangement: Arrangement) -> bool:
    """Whether the caller may read this application's answers (raises when it may not see it at all)."""
    p = ctx.user
    if p.is_provider(application.provider_id) or access.may_oversee_application(p, arrangement):
        return True
    if p.org_kind is OrgKind.AUTHORITY:
        try:
            assignment = await repo.get_assignment(application.id, p.user_id)
        except NotFound:
            assignment = None
        if assignment is not None:
            # Conflicts are declared before the answers open (PCR 2015 reg 24).
            return assignment.status in {AssignmentStatus.DECLARED, AssignmentStatus.SUBMITTED}
    raise PermissionDenied("you may not see this application")


async def get_application(ctx: Context, application_id: int) -> ApplicationView:
    """The application, its answers for those who may read them, and the decision clock."""
    application = await known_application(ctx, application_id)
    arrangement = await repository.get_arrangement(application.arrangement_id)
    answers = await repo.list_answers(application_id) if await _readable(ctx, application, arrangement) else None
    clock = _clock(application, await lead_calendar(arrangement), uk_date(ctx.clock.now()))
    return ApplicationView(application, answers, clock)


async def _check_documents(provider_id: int, answers: Sequence[Answer]) -> None:
    for answer in answers:
        if answer.document_id is None:
            continue
        try:
            document = await accounts.get_document_row(answer.document_id)
        except NotFound:
            document = None
        if document is None or document.provider_id != provider_id:
            raise RuleViolation(
                f"document {answer.document_id} is not one of your documents",
                code=FrameworkCode.UNKNOWN_DOCUMENT,
                question_id=answer.question_id,
            )


async def save_application(
    ctx: Context,
    application_id: int,
    expected_version: int,
    lot_ids: Sequence[int] | None,
    answers: Sequence[Answer],
) -> ApplicationView:
    """Partial save of a draft: change the lots and/or some answers (If-Match guards lost updates)."""
    async with DB.transaction():
        before = await known_application(ctx, application_id, for_update=True)
        access.require_provider_member(ctx.user, before.provider_id)
        require_version(expected_version, before.version)
        before.require_editable()
        if lot_ids is not None:
            after = before.choose_lots(frozenset(lot_ids), await _lot_ids(before.arrangement_id))
        else:
            after = before.saved()
        arrangement = await repository.get_arrangement(before.arrangement_id)
        current = await repo.list_questions(before.arrangement_id, arrangement.questionnaire_version)
        questions = {q.id: q for q in current}
        for answer in answers:
            question = questions.get(answer.question_id)
            if question is None:
                raise RuleViolation(
                    f"question {answer.question_id} is not in this arrangement's current questionnaire",
                    code=FrameworkCode.UNKNOWN_QUESTION,
                    question_id=answer.question_id,
                )
            check_answer(question, answer)
        await _check_documents(before.provider_id, answers)
        await repo.update_application(before, after)
        await repo.save_answers(application_id, answers)
        await audit.record(
            ctx,
            "application.saved",
            "application",
            application_id,
            before=before,
            after={"application": after, "answered_question_ids": sorted(a.question_id for a in answers)},
        )
    return await get_application(ctx, application_id)


async def _missing(application: Application, questions: list[Question]) -> list[dict[str, object]]:
    answers = await repo.list_answers(application.id)
    document_ids = [a.document_id for a in answers.values() if a.document_id is not None]
    evidence_types = {}
    for document_id in document_ids:
        document = await accounts.get_document_row(document_id)
        evidence_types[document_id] = document.document_type.value
    items = missing_items(questions, answers, application.lot_ids, evidence_types)
    return [{"question_id": m.question_id, "reason": m.reason} for m in items]


async def submit_application(ctx: Context, application_id: int) -> Application:
    """Submit a draft. Everything mandatory must be there (422 listing every missing item); the
    arrangement must take applications now (409); the decision falls due after the profile's
    period, counted on the lead authority's working days (PCR 2015 reg 34: 10 working days)."""
    async with DB.transaction():
        before = await known_application(ctx, application_id, for_update=True)
        access.require_provider_member(ctx.user, before.provider_id)
        arrangement = await repository.get_arrangement(before.arrangement_id)
        profile = get_profile(arrangement.profile_code)
        now = ctx.clock.now()
        check_submission_open(
            profile.joining.value, arrangement.status is ArrangementStatus.OPEN, arrangement.window_at(now) is not None
        )
        before.require_editable()
        version = arrangement.questionnaire_version
        missing = await _missing(before, await repo.list_questions(before.arrangement_id, version))
        if missing:
            raise RuleViolation(
                f"{len(missing)} mandatory items are missing",
                code=FrameworkCode.APPLICATION_INCOMPLETE,
                missing=missing,
            )
        due = decision_due(profile, uk_date(now), await lead_calendar(arrangement), arrangement.decision_period_days)
        # The conditions are fixed for this application as they stand now: the questionnaire
        # version and each lot's pass mark (a later version applies to later applications only).
        thresholds = {
            lot.id: lot.threshold(arrangement.quality_threshold) for lot in await repository.all_lots(arrangement.id)
        }
        after = before.submit(now, due, version, thresholds)
        await repo.update_application(before, after)
        await deadlines.track(EntityType.APPLICATION, application_id, now)
        await audit.record(ctx, "application.submitted", "application", application_id, before=before, after=after)
        await notify(
            await accounts.recipients_of_provider(after.provider_id),
            kind="application.received",
            key=f"application:{application_id}:received",
            subject=f"Application received: {arrangement.reference}",
            body=(
                f"Your application {application_id} to {arrangement.title} ({arrangement.reference}) was received "
                f"on {uk_date(now).isoformat()}. The decision is due by "
                f"{after.decision_due_on.isoformat() if after.decision_due_on else 'the end of the evaluation'}."
            ),
            link_path=f"/api/v1/applications/{application_id}",
            at=now,
        )
    return after


async def withdraw_application(ctx: Context, application_id: int) -> Application:
    """The provider withdraws before a decision."""
    async with DB.transaction():
        before = await known_application(ctx, application_id, for_update=True)
        access.require_provider_member(ctx.user, before.provider_id)
        after = before.withdraw()
        await repo.update_application(before, after)
        await deadlines.track(EntityType.APPLICATION, application_id, None)
        await audit.record(ctx, "application.withdrawn", "application", application_id, before=before, after=after)
    return after


async def extend_decision(ctx: Context, application_id: int, reason: str) -> Application:
    """Extend the decision period once, with a reason (PCR 2015 reg 34: to 15 working days)."""
    async with DB.transaction():
        before = await known_application(ctx, application_id, for_update=True)
        arrangement = await repository.get_arrangement(before.arrangement_id)
        access.require_oversee_application(ctx.user, arrangement)
        if before.submitted_at is None:
            raise RuleViolation("only a submitted application has a decision period", code=FrameworkCode.NOT_SUBMITTED)
        new_due = extended_decision_due(
            get_profile(arrangement.profile_code),
            uk_date(before.submitted_at),
            await lead_calendar(arrangement),
            reason,
        )
        after = before.extend_decision(new_due, reason.strip())
        await repo.update_application(before, after)
        await deadlines.track(EntityType.APPLICATION, application_id, ctx.clock.now())
        await audit.record(ctx, "application.extended", "application", application_id, before=before, after=after)
    return after


async def list_applications(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    arrangement_id: int | None,
    status: ApplicationStatus | None,
) -> Page[ApplicationView]:
    """Applications the caller may see, each with working days left and an overdue flag (the
    officer's view); answers are not included in lists."""
    scope = access.application_scope(ctx.user)
    page = await repo.list_applications(limit, after_id, arrangement_id=arrangement_id, status=status, **scope)
    today = uk_date(ctx.clock.now())
    calendars: dict[int, WorkingDays] = {}
    views = []
    for application in page.items:
        if application.arrangement_id not in calendars:
            arrangement = await repository.get_arrangement(application.arrangement_id)
            calendars[application.arrangement_id] = await lead_calendar(arrangement)
        views.append(
            ApplicationView(application, None, _clock(application, calendars[application.arrangement_id], today))
        )
    return Page(items=views, next_after_id=page.next_after_id)
