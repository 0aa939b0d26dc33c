"""Finding open arrangements and reading their published conditions: lots, age bands, need levels,
questions, compliance requirements, price bands, windows, clarifications; asking a clarification."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.core.errors import DomainError, PermissionDenied
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus
from dps.frameworks.public import get_profile
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect
from dps.pricing import public as pricing
from dps.pricing.domain.bands import PriceBand

PAGE_SIZE = 20


async def conditions(portal: Portal, arrangement: Arrangement) -> dict[str, Any]:
    """Everything published about an arrangement, as the arrangement page and the application's
    pages show it."""
    ctx = portal.ctx
    lots = (await frameworks.list_lots(ctx, arrangement.id, MAX_LIMIT, 0)).items
    questions = await frameworks.list_questions(ctx, arrangement.id)
    try:
        bands: list[PriceBand] | None = (await pricing.list_bands(ctx, arrangement.id, MAX_LIMIT, 0, None, None)).items
    except PermissionDenied:
        bands = None  # pricing shows the bands to the arrangement's members and its councils only
    lot_titles = {lot.id: f"{lot.code}: {lot.title}" for lot in lots}
    # In questionnaire order (`list_questions`): each section's questions are together.
    sections = [(name, list(items)) for name, items in groupby(questions, key=lambda q: q.section)]
    return {
        "arrangement": arrangement,
        "profile": get_profile(arrangement.profile_code),
        "lead": await accounts.get_authority(ctx, arrangement.lead_authority_id),
        "lots": lots,
        "lot_titles": lot_titles,
        "lot_codes": {lot.id: lot.code for lot in lots},
        "sections": sections,
        "requirements": await compliance.list_requirements(ctx, arrangement.id),
        "bands": sorted(bands, key=lambda b: (b.lot_id, b.min_age, b.key.need_level, b.period.starts_on))
        if bands is not None
        else None,
    }


class ArrangementPages(Controller):
    path = "/arrangements"

    @get("/", name="arrangements")
    async def index(self, portal: NamedDependency[Portal], after: FromQuery[int] = 0) -> Template:
        """Open arrangements a provider may apply to, PAGE_SIZE to a page."""
        portal.provider_id()
        found = await frameworks.list_arrangements(portal.ctx, PAGE_SIZE, max(after, 0), ArrangementStatus.OPEN)
        return page(
            portal, "arrangements/index.html", arrangements=found.items, next_after=found.next_after_id, after=after
        )

    @get("/{arrangement_id:int}", name="arrangement")
    async def detail(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        portal.provider_id()
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        return page(
            portal,
            "arrangements/detail.html",
            form=Form(),
            clarifications=await frameworks.list_clarifications(portal.ctx, arrangement_id),
            **await conditions(portal, arrangement),
        )

    @post("/{arrangement_id:int}/clarifications", status_code=303)
    async def ask(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Ask the lead authority a question about the arrangement."""
        portal.provider_id()
        form = Form.of(await portal.request.form())
        text = form.required("question", "Enter your question")
        if len(text) > 5_000:
            form.error("question", "Your question must be 5,000 characters or fewer")
        if form.ok:
            try:
                await frameworks.ask_clarification(portal.ctx, arrangement_id, text)
            except DomainError as exc:
                form.problem(exc, "question")
            else:
                return redirect(portal, f"/arrangements/{arrangement_id}#clarifications", banner="clarification_asked")
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        return page(
            portal,
            "arrangements/detail.html",
            status_code=400,
            form=form,
            clarifications=await frameworks.list_clarifications(portal.ctx, arrangement_id),
            **await conditions(portal, arrangement),
        )


CONTROLLERS: list[Any] = [ArrangementPages]
