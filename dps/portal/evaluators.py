"""Evaluators (story 3): what is assigned to them; a declaration of interests before any answer
opens; then each question's answer beside its scoring descriptors, marked with a rationale, saved
as a draft and submitted. Another evaluator's marks stay hidden until one's own are submitted
(the services' rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.core.auth import Role
from dps.core.errors import DomainError, NotFound
from dps.core.evaluation import CriterionKind, Mark
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import AssignmentStatus
from dps.frameworks.domain.questionnaires import Question
from dps.frameworks.public import EvaluatorMarks
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect
from dps.tenders import public as tenders
from dps.tenders.domain.call_offs import ENDED, CallOff

BASE = "/council/evaluations"
EVALUATED = {"pass_fail": CriterionKind.PASS_FAIL, "scored": CriterionKind.SCORED}


@dataclass(frozen=True, slots=True)
class MarkRow:
    question: Question
    answer: str


async def _mine(portal: Portal, application_id: int) -> tuple[EvaluatorMarks, list[EvaluatorMarks]]:
    """The caller's assignment on this application (404 when they have none) and everyone's."""
    principal = portal.council_staff(Role.EVALUATOR)
    everyone = await frameworks.view_evaluations(portal.ctx, application_id)
    mine = next((e for e in everyone if e.assignment.evaluator_id == principal.user_id), None)
    if mine is None:
        raise NotFound("you are not assigned to this application", entity="page")
    return mine, everyone


async def _rows(portal: Portal, application_id: int) -> list[MarkRow]:
    """The evaluated questions of the lots applied for, each with the provider's answer."""
    view = await frameworks.get_application(portal.ctx, application_id)
    answers = view.answers or {}
    questions = await frameworks.list_questions(portal.ctx, view.application.arrangement_id)
    rows = []
    for q in questions:  # in questionnaire order (`list_questions`)
        if q.kind.value not in EVALUATED or not q.applies_to(view.application.lot_ids):
            continue
        answer = answers.get(q.id)
        rows.append(MarkRow(q, "" if answer is None or answer.value is None else str(answer.value)))
    return rows


def _values(marks: list[Mark] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for mark in marks or []:
        if mark.score is not None:
            values[f"score-{mark.criterion_id}"] = str(mark.score)
        if mark.passed is not None:
            values[f"passed-{mark.criterion_id}"] = "pass" if mark.passed else "fail"
        values[f"rationale-{mark.criterion_id}"] = mark.rationale
    return values


def _read(form: Form, rows: list[MarkRow], complete: bool) -> list[Mark]:
    """The marks typed; a draft keeps the questions marked so far, a submission needs them all."""
    marks = []
    for row in rows:
        q = row.question
        rationale = form.get(f"rationale-{q.id}")
        if q.kind.value == "scored":
            raw = form.get(f"score-{q.id}")
            if not raw and not rationale and not complete:
                continue
            score = form.whole_number(f"score-{q.id}", f"Mark for question {q.position}", 0, q.max_score)
            passed = None
        else:
            choice = form.get(f"passed-{q.id}")
            if not choice and not rationale and not complete:
                continue
            if choice not in {"pass", "fail"}:
                form.error(f"passed-{q.id}", f"Select pass or fail for question {q.position}")
            score, passed = None, choice == "pass"
        if not rationale:
            form.error(f"rationale-{q.id}", f"Give the reason for your mark on question {q.position}")
        marks.append(Mark(q.id, score, passed, rationale))
    return marks


def _request_order(call_off: CallOff) -> tuple[bool, object, int]:
    """Placement requests still in progress first, the soonest deadline first."""
    return (call_off.status in ENDED, call_off.deadline, call_off.id)


class EvaluatorPages(Controller):
    path = BASE

    @get("/", name="council_evaluations")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The applications assigned to the evaluator, the soonest decision first; then the placement
        requests on whose panel they sit, those still in progress first, by deadline."""
        portal.council_staff(Role.EVALUATOR)
        found = await frameworks.list_applications(portal.ctx, MAX_LIMIT, 0, arrangement_id=None, status=None)
        listed = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
        titles = {a.id: a.title for a in listed.items}
        items = sorted(
            found.items, key=lambda v: (v.application.decision_due_on is None, v.application.decision_due_on)
        )
        requests = sorted(await tenders.my_panels(portal.ctx), key=_request_order)
        councils = {a: (await accounts.get_authority(portal.ctx, a)).name for a in {c.authority_id for c in requests}}
        return page(
            portal, "council/evaluations/index.html", items=items, titles=titles, requests=requests, councils=councils
        )

    @get("/{application_id:int}", name="council_evaluation")
    async def detail(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        mine, everyone = await _mine(portal, application_id)
        return await self._page(portal, application_id, mine, everyone, Form(values=_values(mine.marks)))

    @staticmethod
    async def _page(
        portal: Portal,
        application_id: int,
        mine: EvaluatorMarks,
        everyone: list[EvaluatorMarks],
        form: Form,
        status: int = 200,
    ) -> Template:
        state = mine.assignment.status
        readable = state in {AssignmentStatus.DECLARED, AssignmentStatus.SUBMITTED}
        return page(
            portal,
            "council/evaluations/detail.html",
            status_code=status,
            application_id=application_id,
            mine=mine,
            others=[e for e in everyone if e is not mine and e.marks is not None],
            rows=await _rows(portal, application_id) if readable else [],
            form=form,
        )

    @post("/{application_id:int}/declaration", status_code=303)
    async def declare(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Declare any conflict of interest before the answers open (PCR 2015 reg 24)."""
        mine, everyone = await _mine(portal, application_id)
        form = Form.of(await portal.request.form())
        choice = form.get("conflict")
        if choice not in {"yes", "no"}:
            form.error("conflict", "Select yes if you have a conflict of interest, or no")
        note = form.get("conflict_note")
        if choice == "yes" and not note:
            form.error("conflict_note", "Describe the conflict of interest")
        if form.ok:
            try:
                await frameworks.declare_interests(portal.ctx, application_id, choice == "yes", note)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, f"{BASE}/{application_id}", banner="interests_declared")
        return await self._page(portal, application_id, mine, everyone, form, status=400)

    @post("/{application_id:int}/marks", status_code=303)
    async def mark(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Save the marks as a draft, or save and submit them (final)."""
        mine, everyone = await _mine(portal, application_id)
        form = Form.of(await portal.request.form())
        submitting = form.get("action") == "submit"
        marks = _read(form, await _rows(portal, application_id), complete=submitting)
        if form.ok:
            try:
                if marks:
                    await frameworks.save_marks(portal.ctx, application_id, marks)
                if submitting:
                    await frameworks.submit_marks(portal.ctx, application_id)
            except DomainError as exc:
                problem(form, exc)
            else:
                banner = "marks_submitted" if submitting else "marks_saved"
                return redirect(portal, f"{BASE}/{application_id}", banner=banner)
        return await self._page(portal, application_id, mine, everyone, form, status=400)


CONTROLLERS: list[Any] = [EvaluatorPages]
