"""Applying to an arrangement: choose lots, a task list over the questionnaire, one page per
question saved as a draft (a stale save shows the other person's answer), evidence uploads,
"check your answers", submit (every missing item listed as a link back to it), then the
decision clock in working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import Document, DocumentType
from dps.core.errors import DomainError, NotFound, RuleViolation, StaleVersion
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.applications import Application, ApplicationStatus
from dps.frameworks.domain.questionnaires import Answer, Question, QuestionKind
from dps.portal.evidence import insurance_requirements
from dps.portal.forms import Form, date_fields
from dps.portal.web import Portal, page, redirect, with_query

PAGE_SIZE = 20
MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Task:
    """One question as a task-list row."""

    question: Question
    answer: Answer | None

    @property
    def done(self) -> bool:
        if self.answer is None:
            return False
        if self.question.kind is QuestionKind.EVIDENCE:
            return self.answer.document_id is not None
        return self.answer.value not in (None, "")


async def _application(portal: Portal, application_id: int) -> tuple[frameworks.ApplicationView, list[Question]]:
    """The application (another provider's is not found) and the questions for its lots."""
    portal.provider_id()
    view = await frameworks.get_application(portal.ctx, application_id)
    questions = await frameworks.list_questions(portal.ctx, view.application.arrangement_id)
    applicable = [q for q in questions if q.applies_to(view.application.lot_ids)]
    return view, applicable  # in questionnaire order (`list_questions`)


def _sections(questions: list[Question], answers: dict[int, Answer]) -> list[tuple[str, list[Task]]]:
    sections: dict[str, list[Task]] = {}
    for question in questions:
        sections.setdefault(question.section, []).append(Task(question, answers.get(question.id)))
    return list(sections.items())


async def _documents(portal: Portal, answers: dict[int, Answer]) -> dict[int, Document]:
    found = {}
    for answer in answers.values():
        if answer.document_id is not None:
            found[answer.document_id] = await accounts.get_document(portal.ctx, answer.document_id)
    return found


def _answer_values(question: Question, answer: Answer | None) -> dict[str, Any]:
    """An answer as the question page's fields."""
    value = answer.value if answer is not None else None
    if question.kind is QuestionKind.DATE:
        return date_fields("answer", date.fromisoformat(value) if isinstance(value, str) and value else None)
    if question.kind is QuestionKind.NUMBER:
        return {"answer": "" if value is None else str(value)}
    return {"answer": value if isinstance(value, str) else ""}


def _read_answer(form: Form, question: Question) -> object:
    """The typed answer as the value the questionnaire stores (None when left empty: a draft may
    be incomplete; completeness is checked on submit)."""
    kind = question.kind
    if kind is QuestionKind.DATE:
        day = form.day_month_year("answer", "date", required=False)
        return day.isoformat() if day else None
    raw = form.get("answer")
    if kind is QuestionKind.NUMBER:
        if not raw:
            return None
        try:
            number = float(raw.replace(",", ""))
        except ValueError:
            form.error("answer", "Enter a number, like 12 or 12.5")
            return None
        return int(number) if number.is_integer() else number
    if kind is QuestionKind.CHOICE:
        if raw and raw not in question.choices:
            form.error("answer", "Select one of the options")
        return raw or None
    if len(raw) > 20_000:
        form.error("answer", "Your answer must be 20,000 characters or fewer")
    return raw or None


class ApplicationPages(Controller):
    path = "/"

    @get("/arrangements/{arrangement_id:int}/apply", name="apply")
    async def choose_lots_form(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        portal.provider_id()
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        lots = (await frameworks.list_lots(portal.ctx, arrangement_id, MAX_LIMIT, 0)).items
        return page(
            portal,
            "applications/lots.html",
            form=Form(values={"lot_ids": []}),
            arrangement=arrangement,
            lots=lots,
            application=None,
        )

    @post("/arrangements/{arrangement_id:int}/apply", status_code=303)
    async def start(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Start a draft application to the chosen lots."""
        portal.provider_id()
        form = Form.of(await portal.request.form(), multi=("lot_ids",))
        lot_ids = [int(v) for v in form.getall("lot_ids") if v.isdigit()]
        if not lot_ids:
            form.error("lot_ids", "Select at least one lot")
        if form.ok:
            try:
                application = await frameworks.open_application(portal.ctx, arrangement_id, lot_ids)
            except DomainError as exc:
                form.problem(exc, "lot_ids")
            else:
                return redirect(portal, f"/applications/{application.id}", banner="application_started")
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        lots = (await frameworks.list_lots(portal.ctx, arrangement_id, MAX_LIMIT, 0)).items
        return page(
            portal,
            "applications/lots.html",
            status_code=400,
            form=form,
            arrangement=arrangement,
            lots=lots,
            application=None,
        )

    @get("/applications", name="applications")
    async def index(self, portal: NamedDependency[Portal], after: FromQuery[int] = 0) -> Template:
        """The provider's applications with their decision clocks, PAGE_SIZE to a page."""
        portal.provider_id()
        found = await frameworks.list_applications(
            portal.ctx, PAGE_SIZE, max(after, 0), arrangement_id=None, status=None
        )
        titles = {}
        for view in found.items:
            aid = view.application.arrangement_id
            if aid not in titles:
                titles[aid] = (await frameworks.get_arrangement(portal.ctx, aid)).title
        return page(
            portal,
            "applications/index.html",
            views=found.items,
            titles=titles,
            next_after=found.next_after_id,
            after=after,
        )

    @get("/applications/{application_id:int}", name="application")
    async def overview(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        """A draft's task list; once submitted, its status and the decision clock."""
        view, questions = await _application(portal, application_id)
        return await self._overview(portal, view, questions)

    async def _overview(
        self, portal: Portal, view: frameworks.ApplicationView, questions: list[Question], **extra: Any
    ) -> Template:
        arrangement = await frameworks.get_arrangement(portal.ctx, view.application.arrangement_id)
        lots = (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items
        sections = _sections(questions, view.answers or {})
        done = sum(1 for _, tasks in sections for task in tasks if task.done)
        decision: frameworks.DecisionView | None = None
        if view.application.status is ApplicationStatus.DECIDED:
            decision = await frameworks.get_decision(portal.ctx, view.application.id)
        return page(
            portal,
            "applications/overview.html",
            view=view,
            application=view.application,
            arrangement=arrangement,
            chosen_lots=[lot for lot in lots if lot.id in view.application.lot_ids],
            sections=sections,
            done=done,
            total=len(questions),
            decision=decision,
            moderated=decision.moderated if decision else [],  # in questionnaire order (`get_decision`)
            lot_titles={lot.id: f"{lot.code}: {lot.title}" for lot in lots},
            **extra,
        )

    @get("/applications/{application_id:int}/lots", name="application_lots")
    async def lots_form(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        view, _ = await _application(portal, application_id)
        view.application.require_editable()
        return await self._lots_page(portal, view.application, Form(values=_lot_values(view.application)))

    async def _lots_page(self, portal: Portal, application: Application, form: Form, status: int = 200) -> Template:
        arrangement = await frameworks.get_arrangement(portal.ctx, application.arrangement_id)
        lots = (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items
        return page(
            portal,
            "applications/lots.html",
            status_code=status,
            form=form,
            arrangement=arrangement,
            lots=lots,
            application=application,
        )

    @post("/applications/{application_id:int}/lots", status_code=303)
    async def save_lots(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        view, _ = await _application(portal, application_id)
        form = Form.of(await portal.request.form(), multi=("lot_ids",))
        lot_ids = [int(v) for v in form.getall("lot_ids") if v.isdigit()]
        if not lot_ids:
            form.error("lot_ids", "Select at least one lot")
        if form.ok:
            try:
                version = int(form.get("version") or 0)
                await frameworks.save_application(portal.ctx, application_id, version, lot_ids, [])
            except DomainError as exc:
                form.problem(exc, "lot_ids")
                if isinstance(exc, StaleVersion):
                    current = await frameworks.get_application(portal.ctx, application_id)
                    form.values = _lot_values(current.application)
            else:
                return redirect(portal, f"/applications/{application_id}", banner="lots_saved")
        return await self._lots_page(portal, view.application, form, status=400)

    @get("/applications/{application_id:int}/questions/{question_id:int}", name="application_question")
    async def question_form(
        self, portal: NamedDependency[Portal], application_id: FromPath[int], question_id: FromPath[int]
    ) -> Template:
        view, questions = await _application(portal, application_id)
        question = _question(questions, question_id)
        answer = (view.answers or {}).get(question_id)
        values = {**_answer_values(question, answer), "version": str(view.application.version)}
        return await self._question_page(portal, view, questions, question, Form(values=values))

    async def _question_page(
        self,
        portal: Portal,
        view: frameworks.ApplicationView,
        questions: list[Question],
        question: Question,
        form: Form,
        status: int = 200,
        theirs: Answer | None = None,
    ) -> Template:
        answer = (view.answers or {}).get(question.id)
        attached = None
        if answer is not None and answer.document_id is not None:
            attached = await accounts.get_document(portal.ctx, answer.document_id)
        position = [q.id for q in questions].index(question.id)
        following = questions[position + 1] if position + 1 < len(questions) else None
        return page(
            portal,
            "applications/question.html",
            status_code=status,
            form=form,
            application=view.application,
            question=question,
            number=position + 1,
            total=len(questions),
            following=following,
            attached=attached,
            theirs=theirs,
            max_upload_mb=max(portal.ctx.settings.max_upload_bytes // MEGABYTE, 1),
        )

    @post("/applications/{application_id:int}/questions/{question_id:int}", status_code=303)
    async def save_answer(
        self, portal: NamedDependency[Portal], application_id: FromPath[int], question_id: FromPath[int]
    ) -> Template | Redirect:
        """Save one answer as a draft; with 'Save and continue' go on to the next question."""
        view, questions = await _application(portal, application_id)
        question = _question(questions, question_id)
        data = await portal.request.form()
        form = Form.of(data)
        value = _read_answer(form, question)
        previous = (view.answers or {}).get(question_id)
        document_id = previous.document_id if previous is not None else None
        upload = data.get("document")
        theirs = None
        uploaded = None
        if form.ok:
            try:
                if question.kind is QuestionKind.EVIDENCE and isinstance(upload, UploadFile) and upload.filename:
                    expires_on = form.day_month_year("expires_on", "expiry date", required=False)
                    if form.ok:
                        content = await upload.read()
                        document_type = DocumentType(question.evidence_type or DocumentType.OTHER.value)
                        stored = await accounts.upload_document(
                            portal.ctx, content, upload.filename, document_type, expires_on
                        )
                        document_id = stored.id
                        uploaded = stored
                if form.ok:
                    version = int(form.get("version") or 0)
                    answer = Answer(question_id, value, document_id)
                    await frameworks.save_application(portal.ctx, application_id, version, None, [answer])
            except StaleVersion as exc:
                form.problem(exc, "answer")
                view = await frameworks.get_application(portal.ctx, application_id)
                theirs = (view.answers or {}).get(question_id)
                form.values["version"] = str(view.application.version)
            except DomainError as exc:
                form.problem(exc, "document" if question.kind is QuestionKind.EVIDENCE else "answer")
            else:
                index = [q.id for q in questions].index(question_id)
                if form.get("then") == "next" and index + 1 < len(questions):
                    target = f"/applications/{application_id}/questions/{questions[index + 1].id}"
                else:
                    target = f"/applications/{application_id}"
                if uploaded is not None and uploaded.document_type is DocumentType.INSURANCE_CERTIFICATE:
                    if await insurance_requirements(portal, view.application.arrangement_id):
                        # Confirm the certificate's details (read from the PDF) for the compliance checks.
                        confirm = f"/applications/{application_id}/evidence/{uploaded.id}"
                        return redirect(portal, with_query(confirm, {"then": target}), banner="certificate_uploaded")
                return redirect(portal, target, banner="answer_saved")
        return await self._question_page(portal, view, questions, question, form, status=400, theirs=theirs)

    @get("/applications/{application_id:int}/check", name="application_check")
    async def check(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template:
        """Check your answers before submitting."""
        view, questions = await _application(portal, application_id)
        return await self._check_page(portal, view, questions, Form())

    async def _check_page(
        self,
        portal: Portal,
        view: frameworks.ApplicationView,
        questions: list[Question],
        form: Form,
        status: int = 200,
    ) -> Template:
        answers = view.answers or {}
        arrangement = await frameworks.get_arrangement(portal.ctx, view.application.arrangement_id)
        lots = (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items
        return page(
            portal,
            "applications/check.html",
            status_code=status,
            form=form,
            application=view.application,
            arrangement=arrangement,
            chosen_lots=[lot for lot in lots if lot.id in view.application.lot_ids],
            sections=_sections(questions, answers),
            documents=await _documents(portal, answers),
        )

    @post("/applications/{application_id:int}/submit", status_code=303)
    async def submit(self, portal: NamedDependency[Portal], application_id: FromPath[int]) -> Template | Redirect:
        """Submit; when something mandatory is missing, list each item as a link back to it."""
        view, questions = await _application(portal, application_id)
        form = Form()
        try:
            await frameworks.submit_application(portal.ctx, application_id)
        except RuleViolation as exc:
            if exc.code != FrameworkCode.APPLICATION_INCOMPLETE:
                form.problem(exc)
            missing = {int(item["question_id"]) for item in exc.extra.get("missing", [])}
            for question in questions:  # in the questionnaire's order
                if question.id in missing:
                    what = "Upload a file for" if question.kind is QuestionKind.EVIDENCE else "Answer"
                    form.error(f"/applications/{application_id}/questions/{question.id}", f"{what} “{question.text}”")
        except DomainError as exc:
            form.problem(exc)
        else:
            return redirect(portal, f"/applications/{application_id}", banner="application_submitted")
        return await self._check_page(portal, view, questions, form, status=400)


def _lot_values(application: Application) -> dict[str, Any]:
    return {"lot_ids": [str(i) for i in sorted(application.lot_ids)], "version": str(application.version)}


def _question(questions: list[Question], question_id: int) -> Question:
    for question in questions:
        if question.id == question_id:
            return question
    raise NotFound(f"question {question_id} is not part of this application", entity="question")


CONTROLLERS: list[Any] = [ApplicationPages]
