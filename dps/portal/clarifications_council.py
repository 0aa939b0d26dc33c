"""The lead authority's officers answer providers' clarifications about an arrangement: privately to
the provider that asked, or published to every applicant with the question anonymised (equal
treatment: PCR 2015 reg 18(1); Procurement Act 2023 s.12)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.core.errors import DomainError, NotFound
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement
from dps.frameworks.domain.clarifications import Clarification
from dps.portal.forms import Form
from dps.portal.setup import BASE, managed, problem, setup_path
from dps.portal.web import Portal, page, redirect

PRIVATE, PUBLISH = "private", "publish"


def status_words(c: Clarification) -> str:
    if c.answer_text is None:
        return "Awaiting an answer"
    return "Published to every applicant" if c.published else "Answered privately"


async def _one(portal: Portal, arrangement: Arrangement, clarification_id: int) -> Clarification:
    found = await frameworks.list_clarifications(portal.ctx, arrangement.id)
    clarification = next((c for c in found if c.id == clarification_id), None)
    if clarification is None:
        raise NotFound(f"clarification {clarification_id} is not about this arrangement", entity="clarification")
    return clarification


class ClarificationPages(Controller):
    path = BASE

    @get("/{arrangement_id:int}/clarifications", name="council_clarifications")
    async def index(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        """Providers' questions about the arrangement, those awaiting an answer first."""
        arrangement = await managed(portal, arrangement_id)
        found = await frameworks.list_clarifications(portal.ctx, arrangement_id)
        names = {
            p.id: p.legal_name
            for p in (await accounts.get_providers(portal.ctx, {c.provider_id for c in found})).values()
        }
        ordered = sorted(found, key=lambda c: (c.answer_text is not None, c.asked_at, c.id))
        return page(
            portal,
            "council/setup/clarifications.html",
            arrangement=arrangement,
            rows=[(c, names.get(c.provider_id, ""), status_words(c)) for c in ordered],
        )

    @get("/{arrangement_id:int}/clarifications/{clarification_id:int}", name="council_clarification")
    async def answer_form(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], clarification_id: FromPath[int]
    ) -> Template:
        arrangement = await managed(portal, arrangement_id)
        clarification = await _one(portal, arrangement, clarification_id)
        return await self._answer_page(portal, arrangement, clarification, Form())

    @staticmethod
    async def _answer_page(
        portal: Portal, arrangement: Arrangement, clarification: Clarification, form: Form, status: int = 200
    ) -> Template:
        asker = await accounts.get_providers(portal.ctx, {clarification.provider_id})
        return page(
            portal,
            "council/setup/clarification.html",
            status_code=status,
            arrangement=arrangement,
            clarification=clarification,
            provider=asker.get(clarification.provider_id),
            status_words=status_words(clarification),
            form=form,
        )

    @post("/{arrangement_id:int}/clarifications/{clarification_id:int}", status_code=303)
    async def answer(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], clarification_id: FromPath[int]
    ) -> Template | Redirect:
        """Answer once: privately, or published to every applicant without who asked."""
        arrangement = await managed(portal, arrangement_id)
        clarification = await _one(portal, arrangement, clarification_id)
        form = Form.of(await portal.request.form())
        text = form.required("answer", "Enter the answer")
        audience = form.get("audience")
        if audience not in {PRIVATE, PUBLISH}:
            form.error("audience", "Select who sees the answer")
        published_question = form.get("published_question")
        if audience == PUBLISH and not published_question:
            form.error(
                "published_question",
                "Enter the question as every applicant will read it, without anything that identifies the provider",
            )
        if form.ok:
            try:
                await frameworks.answer(
                    portal.ctx,
                    clarification_id,
                    text,
                    publish=audience == PUBLISH,
                    published_question=published_question if audience == PUBLISH else None,
                )
            except DomainError as exc:
                problem(form, exc, "answer")
            else:
                banner = "clarification_published" if audience == PUBLISH else "clarification_answered"
                return redirect(portal, setup_path(arrangement_id, "clarifications"), banner=banner)
        return await self._answer_page(portal, arrangement, clarification, form, status=400)


CONTROLLERS: list[Any] = [ClarificationPages]
