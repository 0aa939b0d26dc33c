"""The evaluation panel of a placement request (story 4): the commissioner puts the council's
evaluators and commissioners on it; once the deadline has passed, each of them marks every opened
offer question by question, with the provider's answer beside the question and a reason for each
mark (final once given: independent marking, `dps.tenders.domain.panel`); then the commissioner
scores and ranks the offers (`dps.portal.award`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import UserStatus
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.evaluation import CriterionKind, Mark
from dps.core.pagination import MAX_LIMIT
from dps.portal.commissioners import BASE, problem
from dps.portal.forms import Form
from dps.portal.templating import status_at
from dps.portal.web import Portal, page, redirect
from dps.tenders import public as tenders
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, QualityQuestion

PANEL_ROLES = (Role.EVALUATOR, Role.COMMISSIONER)
READERS = (Role.COMMISSIONER, Role.EVALUATOR, Role.PROCUREMENT_OFFICER)


@dataclass(frozen=True, slots=True)
class OfferToMark:
    offer_id: int
    home: str
    marked: bool


async def _people(portal: Portal) -> dict[int, str]:
    """The council's active evaluators and commissioners, who may sit on a panel: id -> name and role."""
    found = await accounts.list_users(portal.ctx, MAX_LIMIT, 0)
    return {
        u.id: f"{u.full_name}, {u.role.value}"
        for u in found.items
        if u.status is UserStatus.ACTIVE and u.role in PANEL_ROLES
    }


async def _homes(portal: Portal, call_off_id: int) -> dict[int, str]:
    invitations = await tenders.list_invitations(portal.ctx, call_off_id, MAX_LIMIT, 0, None)
    return {i.setting_id: i.setting_name for i in invitations.items}


async def _panel_page(portal: Portal, call_off_id: int, form: Form, status: int = 200) -> Template:
    principal = portal.council_staff(*READERS)
    call_off = await tenders.get_call_off(portal.ctx, call_off_id)
    view = await tenders.get_panel(portal.ctx, call_off_id)
    people = await _people(portal)
    on_panel = {m.evaluator_id for m in view.members}
    to_mark: list[OfferToMark] = []
    # Open from the deadline on, whether or not the sweep has stored the close yet (reads never write).
    opened = status_at(call_off, portal.ctx.clock.now()) is CallOffStatus.CLOSED
    if opened and principal.user_id in on_panel and principal.user_id not in view.state.released:
        homes = await _homes(portal, call_off_id)
        for item in (await tenders.list_offers(portal.ctx, call_off_id)).items:
            if item.offer.status.value != "submitted":
                continue
            mine = await tenders.offer_marks(portal.ctx, call_off_id, item.offer.id)
            marked = any(v.evaluator_id == principal.user_id for v in mine)
            to_mark.append(OfferToMark(item.offer.id, homes.get(item.offer.content.setting_id, "an offer"), marked))
    return page(
        portal,
        "council/requests/panel.html",
        status_code=status,
        call_off=call_off,
        view=view,
        people=people,
        candidates=[(str(i), name) for i, name in people.items() if i not in on_panel],
        to_mark=to_mark,
        may_assign=principal.role is not Role.EVALUATOR,
        form=form,
    )


def _read_marks(form: Form, questions: tuple[QualityQuestion, ...]) -> list[Mark]:
    marks = []
    for q in questions:
        rationale = form.get(f"rationale-{q.id}")
        if q.kind is CriterionKind.SCORED:
            score = form.whole_number(f"score-{q.id}", f"Mark for question {q.id}", 0, q.max_score)
            passed = None
        else:
            choice = form.get(f"passed-{q.id}")
            if choice not in {"pass", "fail"}:
                form.error(f"passed-{q.id}", f"Select pass or fail for question {q.id}")
            score, passed = None, choice == "pass"
        if not rationale:
            form.error(f"rationale-{q.id}", f"Give the reason for your mark on question {q.id}")
        marks.append(Mark(q.id, score, passed, rationale))
    return marks


async def _marks_page(portal: Portal, call_off: CallOff, offer_id: int, form: Form, status: int = 200) -> Template:
    principal = portal.council_staff(*PANEL_ROLES)
    view = await tenders.get_offer(portal.ctx, call_off.id, offer_id)
    mine = next(
        (
            v
            for v in await tenders.offer_marks(portal.ctx, call_off.id, offer_id)
            if v.evaluator_id == principal.user_id
        ),
        None,
    )
    answers = {a.question_id: a.text for a in view.offer.content.answers}
    homes = await _homes(portal, call_off.id)
    return page(
        portal,
        "council/requests/marks.html",
        status_code=status,
        call_off=call_off,
        offer=view,
        home=homes.get(view.offer.content.setting_id, f"Offer {offer_id}"),
        answers=answers,
        mine={m.criterion_id: m for m in mine.marks} if mine else None,
        form=form,
    )


class OfferMarkingPages(Controller):
    path = BASE

    @get("/{call_off_id:int}/panel", name="council_offer_panel")
    async def panel_form(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template:
        """Who is on the evaluation panel and how far each has marked; the offers left to mark."""
        return await _panel_page(portal, call_off_id, Form(values={"evaluator_ids": []}))

    @post("/{call_off_id:int}/panel", status_code=303)
    async def assign(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template | Redirect:
        """Put the chosen evaluators or commissioners on the panel; each marks every offer."""
        portal.council_staff(Role.COMMISSIONER, Role.PROCUREMENT_OFFICER)
        form = Form.of(await portal.request.form(), multi=("evaluator_ids",))
        chosen = [int(v) for v in form.getall("evaluator_ids") if v.isdigit()]
        if not chosen:
            form.error("evaluator_ids", "Select at least one person for the panel")
        if form.ok:
            try:
                await tenders.assign_evaluators(portal.ctx, call_off_id, chosen)
            except DomainError as exc:
                problem(form, exc, "evaluator_ids")
            else:
                return redirect(portal, f"{BASE}/{call_off_id}/panel", banner="panel_assigned")
        return await _panel_page(portal, call_off_id, form, status=400)

    @get("/{call_off_id:int}/offers/{offer_id:int}/marks", name="council_offer_marks")
    async def marks_form(
        self, portal: NamedDependency[Portal], call_off_id: FromPath[int], offer_id: FromPath[int]
    ) -> Template:
        """One opened offer: each question with the provider's answer beside it, to mark."""
        portal.council_staff(*PANEL_ROLES)
        call_off = await tenders.get_call_off(portal.ctx, call_off_id)
        return await _marks_page(portal, call_off, offer_id, Form())

    @post("/{call_off_id:int}/offers/{offer_id:int}/marks", status_code=303)
    async def mark(
        self, portal: NamedDependency[Portal], call_off_id: FromPath[int], offer_id: FromPath[int]
    ) -> Template | Redirect:
        """Submit the marks on this offer (final: each evaluator marks independently, once)."""
        portal.council_staff(*PANEL_ROLES)
        call_off = await tenders.get_call_off(portal.ctx, call_off_id)
        form = Form.of(await portal.request.form())
        marks = _read_marks(form, call_off.criteria.questions)
        if form.ok:
            try:
                await tenders.submit_marks(portal.ctx, call_off_id, offer_id, marks)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, f"{BASE}/{call_off_id}/panel", banner="offer_marked")
        return await _marks_page(portal, call_off, offer_id, form, status=400)


CONTROLLERS: list[Any] = [OfferMarkingPages]
