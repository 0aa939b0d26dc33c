"""A council's placement (story 4's end and story 9's data): its facts, and ending it with the
date, whether it was planned and, when not, the reason code the figures count."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts.services import providers
from dps.core.auth import Role
from dps.core.errors import DomainError, StaleVersion
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect
from dps.tenders.domain.placements import EndingKind, Placement, UnplannedReason
from dps.tenders.services import placements

BASE = "/council/placements"

REASON_WORDS: dict[UnplannedReason, str] = {
    UnplannedReason.PROVIDER_NOTICE: "The provider gave notice",
    UnplannedReason.PLACEMENT_BREAKDOWN: "The placement broke down",
    UnplannedReason.SAFEGUARDING: "A safeguarding concern",
    UnplannedReason.CHILD_REQUEST: "The child asked to move",
    UnplannedReason.COURT_DECISION: "A court decision",
    UnplannedReason.PROVIDER_SUSPENDED: "The provider was suspended",
    UnplannedReason.OTHER: "Another reason (say which in the note)",
}


async def _page(portal: Portal, placement: Placement, form: Form, status_code: int = 200) -> Template:
    provider = await providers.get_provider(portal.ctx, placement.provider_id)
    return page(
        portal,
        "council/placements/detail.html",
        status_code=status_code,
        placement=placement,
        provider=provider,
        form=form,
        kinds=[(k.value, "Planned" if k is EndingKind.PLANNED else "Unplanned") for k in EndingKind],
        reasons=[(r.value, words) for r, words in REASON_WORDS.items()],
        reason_words={r.value: w for r, w in REASON_WORDS.items()},
    )


class CouncilPlacementPages(Controller):
    path = BASE

    @get("/{placement_id:int}", name="council_placement")
    async def detail(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template:
        portal.council_staff()
        placement = await placements.get_placement(portal.ctx, placement_id)
        return await _page(portal, placement, Form(values={"version": str(placement.version)}))

    @post("/{placement_id:int}/end", status_code=303)
    async def end(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template | Redirect:
        """Record the end of the placement (the commissioner's council only)."""
        portal.council_staff(Role.COMMISSIONER)
        placement = await placements.get_placement(portal.ctx, placement_id)
        form = Form.of(await portal.request.form())
        ended_on = form.day_month_year("ended_on", "date the placement ended", required=True)
        kind = form.get("ending_kind")
        if kind not in {k.value for k in EndingKind}:
            form.error("ending_kind", "Select whether the ending was planned")
        reason = form.get("ending_reason")
        if reason and reason not in {r.value for r in UnplannedReason}:
            form.error("ending_reason", "Select a reason from the list")
        if kind == EndingKind.UNPLANNED.value and not reason:
            form.error("ending_reason", "Select why the placement ended unplanned")
        if form.ok and ended_on is not None:
            try:
                await placements.end_placement(
                    portal.ctx,
                    placement_id,
                    int(form.get("version") or 0),
                    ended_on,
                    EndingKind(kind),
                    UnplannedReason(reason) if reason and kind == EndingKind.UNPLANNED.value else None,
                    form.optional("ending_note"),
                )
            except StaleVersion as exc:
                problem(form, exc)
                placement = await placements.get_placement(portal.ctx, placement_id)
                form.values["version"] = str(placement.version)
            except DomainError as exc:
                problem(form, exc, "ended_on")
            else:
                return redirect(portal, f"{BASE}/{placement_id}", banner="placement_ended")
        return await _page(portal, placement, form, status_code=400)


CONTROLLERS: list[Any] = [CouncilPlacementPages]
