"""A council's placement (story 4's end and story 9's data): its facts, and ending it with the
date, whether it was planned and, when not, the reason code the figures count."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.core.auth import Role
from dps.core.errors import DomainError, StaleVersion
from dps.core.pagination import MAX_LIMIT
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect
from dps.tenders import public as tenders
from dps.tenders.domain.placements import EndingKind, Placement, UnplannedReason

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


async def _homes(portal: Portal, placement: Placement) -> list[tuple[str, str]]:
    """Where the child could move: the other member homes of the placement's lot, nearest first."""
    if placement.lot_id is None or placement.ended_on is not None:
        return []
    found = await compliance.search_settings(
        portal.ctx,
        near=placement.home_district,
        radius_miles=None,
        setting_types=[],
        age=None,
        needs=[],
        min_grade=None,
        lot_id=placement.lot_id,
        eligible_only=False,
        limit=MAX_LIMIT,
    )
    return [
        (str(r.setting.facts.setting_id), f"{r.setting.name} ({r.distance_miles} miles)")
        for r in found
        if r.setting.facts.setting_id != placement.setting_id
    ]


async def _page(
    portal: Portal, placement: Placement, form: Form, status_code: int = 200, template: str = "detail"
) -> Template:
    provider = await accounts.get_provider(portal.ctx, placement.provider_id)
    return page(
        portal,
        f"council/placements/{template}.html",
        status_code=status_code,
        placement=placement,
        provider=provider,
        form=form,
        kinds=[(k.value, "Planned" if k is EndingKind.PLANNED else "Unplanned") for k in EndingKind],
        reasons=[(r.value, words) for r, words in REASON_WORDS.items()],
        reason_words={r.value: w for r, w in REASON_WORDS.items()},
        homes=await _homes(portal, placement) if template == "move" else [],
    )


def _ending(form: Form) -> tuple[date | None, EndingKind | None, UnplannedReason | None]:
    """The ending's date, kind and (for an unplanned one) reason, with errors against their fields."""
    ended_on = form.day_month_year("ended_on", "date the placement ended", required=True)
    kind = form.get("ending_kind")
    if kind not in {k.value for k in EndingKind}:
        form.error("ending_kind", "Select whether the ending was planned")
    reason = form.get("ending_reason")
    if reason and reason not in {r.value for r in UnplannedReason}:
        form.error("ending_reason", "Select a reason from the list")
    if kind == EndingKind.UNPLANNED.value and not reason:
        form.error("ending_reason", "Select why the placement ended unplanned")
    if not form.ok:
        return ended_on, None, None
    unplanned = kind == EndingKind.UNPLANNED.value
    return ended_on, EndingKind(kind), UnplannedReason(reason) if unplanned and reason else None


class CouncilPlacementPages(Controller):
    path = BASE

    @get("/{placement_id:int}", name="council_placement")
    async def detail(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template:
        portal.council_staff()
        placement = await tenders.get_placement(portal.ctx, placement_id)
        return await _page(portal, placement, Form(values={"version": str(placement.version)}))

    @post("/{placement_id:int}/end", status_code=303)
    async def end(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template | Redirect:
        """Record the end of the placement (the commissioner's council only)."""
        portal.council_staff(Role.COMMISSIONER)
        placement = await tenders.get_placement(portal.ctx, placement_id)
        form = Form.of(await portal.request.form())
        ended_on, kind, reason = _ending(form)
        if form.ok and ended_on is not None and kind is not None:
            try:
                await tenders.end_placement(
                    portal.ctx,
                    placement_id,
                    int(form.get("version") or 0),
                    ended_on,
                    kind,
                    reason,
                    form.optional("ending_note"),
                )
            except StaleVersion as exc:
                problem(form, exc)
                placement = await tenders.get_placement(portal.ctx, placement_id)
                form.values["version"] = str(placement.version)
            except DomainError as exc:
                problem(form, exc, "ended_on")
            else:
                return redirect(portal, f"{BASE}/{placement_id}", banner="placement_ended")
        return await _page(portal, placement, form, status_code=400)

    @get("/{placement_id:int}/move", name="council_placement_move")
    async def move_form(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template:
        portal.council_staff(Role.COMMISSIONER)
        placement = await tenders.get_placement(portal.ctx, placement_id)
        return await _page(portal, placement, Form(values={"version": str(placement.version)}), template="move")

    @post("/{placement_id:int}/move", status_code=303)
    async def move(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template | Redirect:
        """End this placement and start the next one at another home, in one step."""
        portal.council_staff(Role.COMMISSIONER)
        placement = await tenders.get_placement(portal.ctx, placement_id)
        form = Form.of(await portal.request.form(), multi=("off_framework",))
        ended_on, kind, reason = _ending(form)
        home = form.get("setting_id")
        if not home.isdigit():
            form.error("setting_id", "Select the home the child moves to")
        starts = form.day_month_year("new_start_date", "date the new placement starts", required=True)
        fee = form.pounds("weekly_fee", "Weekly fee")
        if form.ok and ended_on is not None and kind is not None and starts is not None and fee is not None:
            try:
                _, new = await tenders.move_placement(
                    portal.ctx,
                    placement_id,
                    int(form.get("version") or 0),
                    (ended_on, kind, reason, form.optional("ending_note")),
                    tenders.Move(
                        setting_id=int(home),
                        start_date=starts,
                        weekly_fee_pence=fee,
                        off_framework="yes" in form.getall("off_framework"),
                        off_framework_reason=form.optional("off_framework_reason"),
                    ),
                )
            except DomainError as exc:
                problem(form, exc, "ended_on")
            else:
                return redirect(portal, f"{BASE}/{new.id}", banner="placement_moved")
        return await _page(portal, placement, form, status_code=400, template="move")


CONTROLLERS: list[Any] = [CouncilPlacementPages]
