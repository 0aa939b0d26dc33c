"""Procurement officers' applications (story 3): the queue with its working-day clocks, overdue
flags and filters; the moderation screen (each evaluator's marks side by side, the spread, the
suggested consensus, the moderated mark and its rationale per question); the decision per lot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.evaluation import Criterion, CriterionKind, Mark, Spread, Suggestion
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import ApplicationStatus, LotDecision, LotDecisionKind
from dps.frameworks.public import ApplicationView
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect, with_query

BASE = "/council/applications"
PAGE_SIZE = MAX_LIMIT
QUEUE_STATES = [ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_EVALUATION, ApplicationStatus.DECIDED]


@dataclass(frozen=True, slots=True)
class QueueRow:
    view: ApplicationView
    provider: str
    arrangement: str


def _officer(portal: Portal) -> None:
    portal.council_staff(Role.PROCUREMENT_OFFICER)


async def _provider_names(portal: Portal, provider_ids: set[int]) -> dict[int, str]:
    found = await accounts.get_providers(portal.ctx, provider_ids)
    return {provider_id: provider.legal_name for provider_id, provider in found.items()}


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """One evaluated question on the moderation screen."""

    criterion: Criterion
    number: int  # the question's position in the questionnaire, as the provider saw it
    text: str
    answer: str
    marks: list[tuple[str, Mark | None]]  # (evaluator, their mark) side by side
    spread: Spread | None
    suggestion: Suggestion
    moderated: Mark | None


def _answer_text(value: object) -> str:
    return "" if value is None else str(value)


async def _moderation_rows(portal: Portal, application_id: int) -> tuple[ApplicationView, list[QuestionRow], Any]:
    view = await frameworks.get_application(portal.ctx, application_id)
    screen = await frameworks.moderation(portal.ctx, application_id)
    evaluators = [e for e in await frameworks.view_evaluations(portal.ctx, application_id) if e.marks is not None]
    questions = {q.id: q for q in await frameworks.list_questions(portal.ctx, view.application.arrangement_id)}
    answers = view.answers or {}
    spreads = {s.criterion_id: s for s in screen.spreads}
    suggestions = {s.criterion_id: s for s in screen.suggestions}
    rows = []
    for criterion in screen.criteria:
        by_evaluator = []
        for e in evaluators:
            mark = next((m for m in e.marks or [] if m.criterion_id == criterion.id), None)
            by_evaluator.append((e.evaluator_name, mark))
        answer = answers.get(criterion.id)
        rows.append(
            QuestionRow(
                criterion=criterion,
                number=questions[criterion.id].position,
                text=questions[criterion.id].text,
                answer=_answer_text(answer.value) if answer is not None else "",
                marks=by_evaluator,
                spread=spreads.get(criterion.id),
                suggestion=suggestions[criterion.id],
                moderated=screen.moderated.get(criterion.id),
            )
        )
    rows.sort(key=lambda r: (r.number, r.criterion.id))
    return view, rows, screen


def _moderation_values(rows: list[QuestionRow]) -> dict[str, str]:
    """The form as first shown: the moderated mark where there is one, else the suggested consensus."""
    values: dict[str, str] = {}
    for row in rows:
        chosen = row.moderated or row.suggestion.as_mark("")
        cid = row.criterion.id
        if row.criterion.kind is CriterionKind.SCORED:
            values[f"score-{cid}"] = "" if chosen.score is None else str(chosen.score)
        else:
            values[f"passed-{cid}"] = "" if chosen.passed is None else ("pass" if chosen.passed else "fail")
        values[f"rationale-{cid}"] = row.moderated.rationale if row.moderated else ""
    return values


def _read_marks(form: Form, rows: list[QuestionRow]) -> list[Mark]:
    marks = []
    for row in rows:
        n, cid, criterion = row.number, row.criterion.id, row.criterion
        score: int | None = None
        passed: bool | None = None
        if criterion.kind is CriterionKind.SCORED:
            score = form.whole_number(f"score-{cid}", f"Moderated mark for question {n}", 0, criterion.max_score)
        else:
            choice = form.get(f"passed-{cid}")
            if choice not in {"pass", "fail"}:
                form.error(f"passed-{cid}", f"Select pass or fail for question {n}")
            passed = choice == "pass"
        rationale = form.required(f"rationale-{cid}", f"Give the reason for the moderated mark on question {n}")
        marks.append(Mark(cid, score, passed if criterion.kind is not CriterionKind.SCORED else None, rationale))
    return marks


class OfficerApplicationPages(Controller):
    path = BASE

    @get("/", name="council_applications")
    async def queue(
        self,
        portal: NamedDependency[Portal],
        arrangement: FromQuery[str] = "",
        status: FromQuery[str] = "",
        overdue: FromQuery[str] = "",
        after: FromQuery[int] = 0,
    ) -> Template:
        """Applications to the council's arrangements, the most pressing decision first."""
        _officer(portal)
        state = next((s for s in QUEUE_STATES if s.value == status), None)
        arrangement_id = int(arrangement) if arrangement.isdigit() else None
        found = await frameworks.list_applications(
            portal.ctx, PAGE_SIZE, max(after, 0), arrangement_id=arrangement_id, status=state
        )
        items = [v for v in found.items if v.application.status is not ApplicationStatus.DRAFT]
        if overdue:
            items = [v for v in items if v.clock.overdue]
        listed = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
        titles = {a.id: a.title for a in listed.items}
        names = await _provider_names(portal, {v.application.provider_id for v in items})
        rows = [
            QueueRow(v, names[v.application.provider_id], titles.get(v.application.arrangement_id, "")) for v in items
        ]
        # The most pressing first: overdue, then fewest working days left; decided ones last.
        rows.sort(
            key=lambda r: (
                not r.view.clock.overdue,
                r.view.clock.working_days_left is None,
                r.view.clock.working_days_left or 0,
                r.view.application.id,
            )
        )
        filters = {"arrangement": str(arrangement_id or ""), "status": status, "overdue": overdue}
        return page(
            portal,
            "council/applications/queue.html",
            rows=rows,
            arrangements=listed.items,
            states=QUEUE_STATES,
            filters=filters,
            form=Form(values={**filters, "overdue": ["1"] if overdue else []}),
            next_page=with_query(BASE, {**filters, "after": found.next_after_id}) if found.next_after_id else None,
            first_page=with_query(BASE, filters) if after else None,
        )

    @get("/{application_id:int}/moderation", name="council_moderation")
    async def moderation(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        _officer(portal)
        view, rows, screen = await _moderation_rows(portal, application_id)
        return await self._moderation_page(portal, view, rows, screen, Form(values=_moderation_values(rows)))

    @staticmethod
    async def _moderation_page(
        portal: Portal, view: ApplicationView, rows: list[QuestionRow], screen: Any, form: Form, status: int = 200
    ) -> Template:
        provider = await accounts.get_provider(portal.ctx, view.application.provider_id)
        return page(
            portal,
            "council/applications/moderation.html",
            status_code=status,
            view=view,
            rows=rows,
            screen=screen,
            provider=provider,
            form=form,
        )

    @post("/{application_id:int}/moderation", status_code=303)
    async def moderate(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Record the moderated mark and its reason for every question."""
        _officer(portal)
        view, rows, screen = await _moderation_rows(portal, application_id)
        form = Form.of(await portal.request.form())
        marks = _read_marks(form, rows)
        if form.ok:
            try:
                await frameworks.moderate(portal.ctx, application_id, marks)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, f"{BASE}/{application_id}/decision", banner="moderation_saved")
        return await self._moderation_page(portal, view, rows, screen, form, status=400)

    @get("/{application_id:int}/evaluators", name="council_assign")
    async def evaluators_form(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        _officer(portal)
        return await self._evaluators_page(portal, application_id, Form(values={"evaluator_ids": []}))

    @staticmethod
    async def _evaluators_page(portal: Portal, application_id: int, form: Form, status: int = 200) -> Template:
        """Who is on the evaluation, what each declared, and who may be added: the evaluators and
        procurement officers of the lead and every member council of the arrangement."""
        view = await frameworks.get_application(portal.ctx, application_id)
        provider = await accounts.get_provider(portal.ctx, view.application.provider_id)
        assigned = await frameworks.view_evaluations(portal.ctx, application_id)
        on_it = {e.assignment.evaluator_id for e in assigned}
        people = await frameworks.list_evaluators(portal.ctx, view.application.arrangement_id)
        councils = {
            a: (await accounts.get_authority(portal.ctx, a)).name for a in {p.authority_id for p in people} if a
        }
        candidates = [
            (str(u.id), f"{u.full_name}, {u.role.value.replace('_', ' ')}, {councils.get(u.authority_id or 0, '')}")
            for u in people
            if u.id not in on_it
        ]
        return page(
            portal,
            "council/applications/evaluators.html",
            status_code=status,
            view=view,
            provider=provider,
            assigned=assigned,
            candidates=candidates,
            form=form,
        )

    @post("/{application_id:int}/evaluators", status_code=303)
    async def assign(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Put the chosen people on the evaluation; each declares interests before marking."""
        _officer(portal)
        form = Form.of(await portal.request.form(), multi=("evaluator_ids",))
        chosen = [int(v) for v in form.getall("evaluator_ids") if v.isdigit()]
        if not chosen:
            form.error("evaluator_ids", "Select at least one evaluator")
        if form.ok:
            try:
                await frameworks.assign_evaluators(portal.ctx, application_id, chosen)
            except DomainError as exc:
                problem(form, exc, "evaluator_ids")
            else:
                return redirect(portal, f"{BASE}/{application_id}/evaluators", banner="evaluators_assigned")
        return await self._evaluators_page(portal, application_id, form, status=400)

    @get("/{application_id:int}/decision", name="council_decision")
    async def decision_form(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        _officer(portal)
        return await self._decision_page(portal, application_id, Form())

    @staticmethod
    async def _decision_page(portal: Portal, application_id: int, form: Form, status: int = 200) -> Template:
        view = await frameworks.get_application(portal.ctx, application_id)
        screen = await frameworks.moderation(portal.ctx, application_id)
        lots = await frameworks.list_lots(portal.ctx, view.application.arrangement_id, MAX_LIMIT, 0)
        provider = await accounts.get_provider(portal.ctx, view.application.provider_id)
        chosen = [lot for lot in lots.items if lot.id in view.application.lot_ids]
        return page(
            portal,
            "council/applications/decision.html",
            status_code=status,
            view=view,
            screen=screen,
            lots=chosen,
            provider=provider,
            form=form,
        )

    @post("/{application_id:int}/decision", status_code=303)
    async def decide(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Admit or reject each lot applied for, each with its reasons."""
        _officer(portal)
        view = await frameworks.get_application(portal.ctx, application_id)
        form = Form.of(await portal.request.form())
        decisions = []
        for lot_id in sorted(view.application.lot_ids):
            choice = form.get(f"decision-{lot_id}")
            if choice not in {k.value for k in LotDecisionKind}:
                form.error(f"decision-{lot_id}", "Select admit or reject for each lot")
                continue
            reasons = form.required(f"reasons-{lot_id}", "Give the reasons for each lot's decision")
            decisions.append(LotDecision(lot_id, LotDecisionKind(choice), reasons))
        if form.ok:
            try:
                await frameworks.decide(portal.ctx, application_id, decisions)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, BASE, banner="application_decided")
        return await self._decision_page(portal, application_id, form, status=400)

    @get("/{application_id:int}/extend", name="council_extend")
    async def extend_form(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        _officer(portal)
        return await self._extend_page(portal, application_id, Form())

    @staticmethod
    async def _extend_page(portal: Portal, application_id: int, form: Form, status: int = 200) -> Template:
        view = await frameworks.get_application(portal.ctx, application_id)
        provider = await accounts.get_provider(portal.ctx, view.application.provider_id)
        return page(
            portal, "council/applications/extend.html", status_code=status, view=view, provider=provider, form=form
        )

    @post("/{application_id:int}/extend", status_code=303)
    async def extend(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Extend the decision period once, with the reason (PCR 2015 reg 34)."""
        _officer(portal)
        form = Form.of(await portal.request.form())
        reason = form.required("extension_reason", "Say why the decision needs more time")
        if form.ok:
            try:
                await frameworks.extend_decision(portal.ctx, application_id, reason)
            except DomainError as exc:
                problem(form, exc, "extension_reason")
            else:
                return redirect(portal, f"{BASE}/{application_id}/extend", banner="decision_extended")
        return await self._extend_page(portal, application_id, form, status=400)


CONTROLLERS: list[Any] = [OfficerApplicationPages]
