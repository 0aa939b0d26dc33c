"""After a placement request's deadline: score and rank the opened offers, award one (with a reason
when it is not the top-ranked), and the placement that follows (story 4)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.portal.commissioners import BASE, PlacementRequestPages, problem
from dps.portal.forms import Form
from dps.portal.web import Portal, redirect
from dps.tenders import public as tenders


class AwardPages(Controller):
    path = BASE

    @post("/{call_off_id:int}/evaluate", status_code=303)
    async def evaluate(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template | Redirect:
        """Score and rank every offer from the panel's moderated marks."""
        portal.council_staff(Role.COMMISSIONER)
        try:
            await tenders.evaluate_call_off(portal.ctx, call_off_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await PlacementRequestPages._detail(portal, call_off_id, form, status_code=400)
        return redirect(portal, f"{BASE}/{call_off_id}", banner="offers_scored")

    @post("/{call_off_id:int}/award", status_code=303)
    async def award(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template | Redirect:
        """Award the chosen offer; without a standstill the placement is recorded at once."""
        portal.council_staff(Role.COMMISSIONER)
        form = Form.of(await portal.request.form())
        chosen = form.get("offer_id")
        if not chosen.isdigit():
            form.error("offer_id", "Select the offer to award")
        if form.ok:
            try:
                await tenders.award_call_off(portal.ctx, call_off_id, int(chosen), form.optional("award_reason"))
            except DomainError as exc:
                problem(form, exc, "offer_id")
            else:
                return redirect(portal, f"{BASE}/{call_off_id}", banner="placement_request_awarded")
        return await PlacementRequestPages._detail(portal, call_off_id, form, status_code=400)


CONTROLLERS: list[Any] = [AwardPages]
