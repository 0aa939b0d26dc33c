"""Concerns councils have raised about the provider (issued onwards), each with a way to respond;
the council that raised it is told of the response."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.compliance.domain.concerns import Concern, ConcernCategory, ConcernStatus
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect

CATEGORIES = {
    ConcernCategory.LA_CONCERN: "A council's concern",
    ConcernCategory.SAFEGUARDING: "Safeguarding",
    ConcernCategory.QUALITY: "Quality of care",
    ConcernCategory.CRIMINAL_INVESTIGATION: "Criminal investigation",
    ConcernCategory.FINANCIAL: "Financial",
    ConcernCategory.OFSTED_JUDGEMENT: "Ofsted judgement",
    ConcernCategory.REGISTRATION_WITHDRAWN: "Registration withdrawn",
}
CONCERN_STATES = {
    ConcernStatus.ISSUED: ("Waiting for your response", "govuk-tag--yellow"),
    ConcernStatus.RESPONDED: ("You responded", "govuk-tag--blue"),
    ConcernStatus.RESCINDED: ("Withdrawn by the council", "govuk-tag--grey"),
    ConcernStatus.DRAFT: ("Draft", "govuk-tag--grey"),
}


class ConcernPages(Controller):
    path = "/concerns"

    @get("/", name="concerns")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        portal.provider_id()
        found = (await compliance.list_concerns(portal.ctx, MAX_LIMIT, 0, None, None)).items
        return page(
            portal,
            "concerns/index.html",
            concerns=sorted(found, key=lambda c: c.id, reverse=True),
            councils=await _councils(portal, found),
            categories=CATEGORIES,
            states=CONCERN_STATES,
        )

    @get("/{concern_id:int}", name="concern")
    async def detail(self, portal: NamedDependency[Portal], concern_id: FromPath[int]) -> Template:
        portal.provider_id()
        return await self._page(portal, await compliance.get_concern(portal.ctx, concern_id), Form())

    async def _page(self, portal: Portal, concern: Concern, form: Form, status: int = 200) -> Template:
        return page(
            portal,
            "concerns/detail.html",
            status_code=status,
            form=form,
            concern=concern,
            council=(await _councils(portal, [concern]))[concern.issuing_authority_id],
            categories=CATEGORIES,
            states=CONCERN_STATES,
        )

    @post("/{concern_id:int}", status_code=303)
    async def respond(self, portal: NamedDependency[Portal], concern_id: FromPath[int]) -> Template | Redirect:
        """The provider's response, sent to the council that raised the concern."""
        portal.provider_id()
        concern = await compliance.get_concern(portal.ctx, concern_id)
        form = Form.of(await portal.request.form())
        response = form.required("response", "Enter your response")
        if form.ok:
            try:
                await compliance.respond_to_concern(portal.ctx, concern_id, response)
            except DomainError as exc:
                form.problem(exc, "response")
            else:
                return redirect(portal, f"/concerns/{concern_id}", banner="concern_responded")
        return await self._page(portal, concern, form, status=400)


async def _councils(portal: Portal, found: list[Concern]) -> dict[int, str]:
    names = {}
    for authority_id in {c.issuing_authority_id for c in found}:
        names[authority_id] = (await accounts.get_authority(portal.ctx, authority_id)).name
    return names


CONTROLLERS: list[Any] = [ConcernPages]
