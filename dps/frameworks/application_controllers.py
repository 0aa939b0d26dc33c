"""HTTP routes for questionnaires, applications, clarifications and evaluation."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from dps.core.concurrency import etag, parse_if_match
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, IfMatch, Limit, after_id, signed_in
from dps.frameworks import schemas_applications as s
from dps.frameworks.domain.applications import ApplicationStatus
from dps.frameworks.schemas import ArrangementOut, QuestionnaireVersionIn
from dps.frameworks.services import applications, clarifications, evaluations, questionnaires
from dps.frameworks.services.applications import ApplicationView


def _application(view: ApplicationView, status_code: int = 200) -> Response[s.ApplicationOut]:
    body = s.ApplicationOut.of(view.application, view.clock, view.answers)
    return Response(body, status_code=status_code, headers={"ETag": etag(view.application.version)})


class QuestionnaireController(Controller):
    path = "/api/v1/arrangements/{arrangement_id:int}"
    guards = [signed_in]
    tags = ["Questionnaires"]

    @post("/questions", operation_id="CreateQuestion")
    async def create_question(
        self, arrangement_id: FromPath[int], data: JSONBody[s.QuestionIn], ctx: NamedDependency[Context]
    ) -> s.QuestionOut:
        """Add a question: pass_fail, scored (0..max_score with descriptors and a weight), text, number,
        date, choice or evidence (names the document type it needs); mandatory or not; for some lots or
        all. The lead authority's officers; frozen once a dynamic market is open (409 `conditions_locked`)."""
        return s.QuestionOut.of(await questionnaires.add_question(ctx, arrangement_id, data.to_domain()))

    @get("/questions", operation_id="ListQuestions")
    async def list_questions(
        self,
        arrangement_id: FromPath[int],
        ctx: NamedDependency[Context],
        version: FromQuery[int | None] = None,
    ) -> s.QuestionList:
        """The questionnaire, in the order the officer built it (each section where its first
        question stands, and a section's questions by position): the current version, or `version`."""
        questions = await questionnaires.list_questions(ctx, arrangement_id, version)
        return s.QuestionList(items=[s.QuestionOut.of(q) for q in questions])

    @patch("/questions/{question_id:int}", operation_id="UpdateQuestion")
    async def update_question(
        self,
        arrangement_id: FromPath[int],
        question_id: FromPath[int],
        data: JSONBody[s.QuestionPatch],
        ctx: NamedDependency[Context],
    ) -> s.QuestionOut:
        """Change a question while no application was submitted under the current questionnaire version
        (409 `conditions_locked`: start a new version). A question carried over from an earlier
        version is replaced in the current one and the response has its new id."""
        return s.QuestionOut.of(
            await questionnaires.update_question(ctx, arrangement_id, question_id, data.to_domain())
        )

    @delete("/questions/{question_id:int}", operation_id="DeleteQuestion", status_code=200)
    async def delete_question(
        self, arrangement_id: FromPath[int], question_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> s.RemovedOut:
        """Remove a question from the current questionnaire: deleted while nobody answered it and it
        is new in this version, otherwise withdrawn (kept for the applications made under earlier
        versions; audited). 409 `conditions_locked` once an application was submitted under the
        current version."""
        outcome = await questionnaires.remove_question(ctx, arrangement_id, question_id)
        return s.RemovedOut(id=question_id, outcome=outcome)

    @post("/questionnaire-versions", operation_id="NewQuestionnaireVersion", status_code=201)
    async def new_version(
        self, arrangement_id: FromPath[int], data: JSONBody[QuestionnaireVersionIn], ctx: NamedDependency[Context]
    ) -> ArrangementOut:
        """Start a new questionnaire version after applications were submitted under the current one
        (409 `questionnaire_not_locked` before that). Its questions, weights and pass marks may then
        change and apply to applications submitted from now on; applications already submitted keep
        theirs. Recorded with the reason and announced to the providers holding a place or applying.
        A dynamic market's conditions never change once open (409 `conditions_locked`)."""
        return ArrangementOut.of(await questionnaires.new_questionnaire_version(ctx, arrangement_id, data.reason))

    @post("/clarifications", operation_id="AskArrangementClarification")
    async def ask(
        self, arrangement_id: FromPath[int], data: JSONBody[s.ClarificationIn], ctx: NamedDependency[Context]
    ) -> s.ClarificationOut:
        """A provider asks the lead authority a question about the arrangement."""
        return s.ClarificationOut.of(await clarifications.ask(ctx, arrangement_id, data.question))

    @get("/clarifications", operation_id="ListArrangementClarifications")
    async def list_clarifications(
        self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> s.ClarificationList:
        """Officers of the lead see every clarification; a provider its own and the answers published
        to all (without who asked)."""
        found = await clarifications.list_clarifications(ctx, arrangement_id)
        return s.ClarificationList(items=[s.ClarificationOut.of(c) for c in found])


class ClarificationController(Controller):
    path = "/api/v1/clarifications"
    guards = [signed_in]
    tags = ["Questionnaires"]

    @post("/{clarification_id:int}/answer", operation_id="AnswerArrangementClarification", status_code=200)
    async def answer(
        self, clarification_id: FromPath[int], data: JSONBody[s.ClarificationAnswerIn], ctx: NamedDependency[Context]
    ) -> s.ClarificationOut:
        """Answer once, privately or published to every applicant with the question reworded so it does
        not identify the provider (`published_question`, required when publishing)."""
        answered = await clarifications.answer(
            ctx, clarification_id, data.answer, publish=data.publish, published_question=data.published_question
        )
        return s.ClarificationOut.of(answered)


class ApplicationController(Controller):
    path = "/api/v1/applications"
    guards = [signed_in]
    tags = ["Applications"]

    @post("/", operation_id="OpenApplication")
    async def open_(self, data: JSONBody[s.ApplicationIn], ctx: NamedDependency[Context]) -> Response[s.ApplicationOut]:
        """A provider opens a draft application to an open arrangement, choosing lots (one live
        application per arrangement: 409 `application_exists`)."""
        application = await applications.open_application(ctx, data.arrangement_id, data.lot_ids)
        return _application(await applications.get_application(ctx, application.id), status_code=201)

    @get("/", operation_id="ListApplications")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        arrangement_id: FromQuery[int | None] = None,
        status: FromQuery[ApplicationStatus | None] = None,
    ) -> s.ApplicationPage:
        """Applications with their decision clocks (working days left, overdue): a provider its own,
        an officer those of arrangements its council leads, an evaluator those assigned to them."""
        page = await applications.list_applications(
            ctx, limit, after_id(cursor), arrangement_id=arrangement_id, status=status
        )
        items = [s.ApplicationOut.of(v.application, v.clock) for v in page.items]
        return s.ApplicationPage(items=items, next_cursor=page.next_cursor)

    @get("/{application_id:int}", operation_id="GetApplication")
    async def get_one(self, application_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ApplicationOut]:
        """One application with its answers (for the provider, the officers, and evaluators who have
        declared no conflict) and its version as the ETag."""
        return _application(await applications.get_application(ctx, application_id))

    @patch("/{application_id:int}", operation_id="SaveApplication")
    async def save(
        self,
        application_id: FromPath[int],
        data: JSONBody[s.ApplicationPatch],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.ApplicationOut]:
        """Partial save of a draft: lots and/or some answers (other answers stay). Send If-Match: 412
        when someone saved since you read it, 428 without it."""
        view = await applications.save_application(
            ctx,
            application_id,
            parse_if_match(if_match),
            data.chosen_lots(),
            data.domain_answers(),
        )
        return _application(view)

    @post("/{application_id:int}/submit", operation_id="SubmitApplication", status_code=200)
    async def submit(self, application_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ApplicationOut]:
        """Submit for evaluation: 422 `application_incomplete` lists every missing item; 409 outside an
        open window. The decision falls due after the profile's working days."""
        await applications.submit_application(ctx, application_id)
        return _application(await applications.get_application(ctx, application_id))

    @post("/{application_id:int}/withdraw", operation_id="WithdrawApplication", status_code=200)
    async def withdraw(
        self, application_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> Response[s.ApplicationOut]:
        """The provider withdraws its application before the decision."""
        await applications.withdraw_application(ctx, application_id)
        return _application(await applications.get_application(ctx, application_id))

    @post("/{application_id:int}/extend-decision", operation_id="ExtendDecision", status_code=200)
    async def extend(
        self, application_id: FromPath[int], data: JSONBody[s.ExtensionIn], ctx: NamedDependency[Context]
    ) -> Response[s.ApplicationOut]:
        """Extend the decision period once with a reason (PCR 2015 DPS: to 15 working days)."""
        await applications.extend_decision(ctx, application_id, data.reason)
        return _application(await applications.get_application(ctx, application_id))

    @post("/{application_id:int}/evaluators", operation_id="AssignEvaluators", status_code=200)
    async def assign(
        self, application_id: FromPath[int], data: JSONBody[s.AssignIn], ctx: NamedDependency[Context]
    ) -> s.AssignmentList:
        """The officer assigns evaluators (evaluators or officers of the arrangement's councils)."""
        assigned = await evaluations.assign_evaluators(ctx, application_id, data.evaluator_ids)
        return s.AssignmentList(items=[s.AssignmentOut.of(a) for a in assigned])

    @post("/{application_id:int}/evaluations/declaration", operation_id="DeclareInterests", status_code=200)
    async def declare(
        self, application_id: FromPath[int], data: JSONBody[s.DeclarationIn], ctx: NamedDependency[Context]
    ) -> s.AssignmentOut:
        """The assigned evaluator declares conflicts of interest before the answers open to them; a
        conflict removes them from this evaluation."""
        declared = await evaluations.declare_interests(ctx, application_id, data.has_conflict, data.note)
        return s.AssignmentOut.of(declared)

    @put("/{application_id:int}/evaluations/marks", operation_id="SaveMarks")
    async def mark(
        self, application_id: FromPath[int], data: JSONBody[s.MarksIn], ctx: NamedDependency[Context]
    ) -> s.MarkList:
        """The evaluator's own marks (score or pass/fail, each with a rationale), saved as a draft."""
        saved = await evaluations.save_marks(ctx, application_id, [m.domain() for m in data.marks])
        return s.MarkList(items=[s.MarkOut.of(m) for m in saved])

    @post("/{application_id:int}/evaluations/submit", operation_id="SubmitMarks", status_code=200)
    async def submit_marks(self, application_id: FromPath[int], ctx: NamedDependency[Context]) -> s.AssignmentOut:
        """Make your marks final (every evaluated question marked, 422 otherwise)."""
        return s.AssignmentOut.of(await evaluations.submit_marks(ctx, application_id))

    @get("/{application_id:int}/evaluations", operation_id="ListEvaluations")
    async def evaluations_(self, application_id: FromPath[int], ctx: NamedDependency[Context]) -> s.EvaluationList:
        """Each evaluator's marks: the officer sees all; an evaluator sees their own, and the others'
        only after submitting their own (`sealed` tells)."""
        views = await evaluations.view_evaluations(ctx, application_id)
        return s.EvaluationList(
            items=[
                s.EvaluationOut(
                    assignment=s.AssignmentOut.of(v.assignment),
                    evaluator_name=v.evaluator_name,
                    sealed=v.marks is None,
                    marks=[s.MarkOut.of(m) for m in v.marks or []],
                )
                for v in views
            ]
        )

    @get("/{application_id:int}/moderation", operation_id="GetModeration")
    async def moderation(self, application_id: FromPath[int], ctx: NamedDependency[Context]) -> s.ModerationOut:
        """Where the evaluators differ, suggested consensus marks, and the result once every question is
        moderated (the lead authority's officers, after the minimum number of evaluations)."""
        return _moderation(await evaluations.moderation(ctx, application_id))

    @put("/{application_id:int}/moderation", operation_id="Moderate")
    async def moderate(
        self, application_id: FromPath[int], data: JSONBody[s.MarksIn], ctx: NamedDependency[Context]
    ) -> s.ModerationOut:
        """Record consensus marks, each with a reason (`rationale`)."""
        view = await evaluations.moderate(ctx, application_id, [m.domain() for m in data.marks])
        return _moderation(view)

    @post("/{application_id:int}/decision", operation_id="DecideApplication", status_code=200)
    async def decide(
        self, application_id: FromPath[int], data: JSONBody[s.DecisionIn], ctx: NamedDependency[Context]
    ) -> s.DecisionOut:
        """Admit or reject each lot applied for, with reasons (no admission below the threshold or with a
        failed pass/fail question: 422 `below_threshold`). Admitted lots become active memberships;
        the provider is sent the decision with its scores."""
        decision = await evaluations.decide(ctx, application_id, [x.domain() for x in data.lots])
        results = {r.lot_id: r for r in decision.lots}
        totals = {r.result.weighted_total for r in decision.lots}
        return s.DecisionOut(
            application_id=decision.application.id,
            decided_at=decision.application.decided_at,
            weighted_total=next(iter(totals)) if len(totals) == 1 else None,
            lots=[
                s.LotDecisionOut(
                    lot_id=x.lot_id,
                    decision=x.decision,
                    reasons=x.reasons,
                    weighted_total=results[x.lot_id].result.weighted_total,
                    threshold=results[x.lot_id].threshold,
                    threshold_applies=results[x.lot_id].threshold_applies,
                    failed_gateways=list(results[x.lot_id].result.failed_gateways),
                )
                for x in decision.lot_decisions
            ],
            membership_ids=[m.id for m in decision.memberships],
        )

    @get("/{application_id:int}/decision", operation_id="GetDecision")
    async def decision(self, application_id: FromPath[int], ctx: NamedDependency[Context]) -> s.DecisionOut:
        """The decision per lot with its reasons, total and pass mark, and each evaluated question's
        moderated score with the moderator's reason (the provider and the officers, once decided)."""
        view = await evaluations.get_decision(ctx, application_id)
        return s.DecisionOut(
            application_id=view.application.id,
            decided_at=view.application.decided_at,
            weighted_total=view.total,
            lots=[
                s.LotDecisionOut(
                    lot_id=x.decision.lot_id,
                    decision=x.decision.decision,
                    reasons=x.decision.reasons,
                    weighted_total=x.weighted_total,
                    threshold=x.threshold,
                    threshold_applies=x.threshold_applies,
                    failed_gateways=list(x.failed_gateways),
                )
                for x in view.lots
            ],
            questions=[
                s.ModeratedQuestionOut(
                    question_id=m.question.id,
                    text=m.question.text,
                    kind=m.question.kind,
                    lot_ids=sorted(m.question.lot_ids),
                    max_score=m.question.max_score,
                    weight=m.question.weight,
                    score=m.mark.score,
                    passed=m.mark.passed,
                    rationale=m.mark.rationale,
                )
                for m in view.moderated
            ],
        )


def _moderation(view: evaluations.ModerationView) -> s.ModerationOut:
    return s.ModerationOut(
        spreads=[
            s.SpreadOut(
                question_id=x.criterion_id, lowest=x.lowest, highest=x.highest, needs_discussion=x.needs_discussion
            )
            for x in view.spreads
        ],
        suggestions=[
            s.SuggestionOut(question_id=x.criterion_id, score=x.score, passed=x.passed) for x in view.suggestions
        ],
        moderated=[s.MarkOut.of(m) for m in view.moderated.values()],
        threshold=view.threshold,
        result=s.ResultOut.of(view.result) if view.result else None,
        lots=[s.LotResultOut.of(r) for r in view.lots] if view.lots is not None else None,
    )
