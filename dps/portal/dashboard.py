"""The home page: a start page for visitors, a provider's dashboard (memberships, the latest
applications with their decision clocks, and the work its menu does not link to) once signed in."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from dps.accounts import public as accounts
from dps.core.auth import OrgKind
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import ApplicationStatus
from dps.frameworks.domain.arrangements import Lot
from dps.portal import council
from dps.portal.provider_nav import areas_off_the_menu
from dps.portal.web import Portal, page


class DashboardPages(Controller):
    path = "/"

    @get("/", name="home")
    async def home(self, portal: NamedDependency[Portal]) -> Template:
        """The start page for visitors; a provider's dashboard once signed in."""
        principal = portal.principal
        if principal is None:
            return page(portal, "start.html")
        if principal.org_kind is not OrgKind.PROVIDER:
            return await council.home(portal)
        recent = await frameworks.list_applications(portal.ctx, 5, 0, arrangement_id=None, status=None)
        titles = {}
        for view in recent.items:
            aid = view.application.arrangement_id
            if aid not in titles:
                titles[aid] = (await frameworks.get_arrangement(portal.ctx, aid)).title
        memberships = await frameworks.list_memberships(
            portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
        )
        lots: dict[int, Lot] = {}
        for membership in memberships.items:
            if membership.arrangement_id not in titles:
                titles[membership.arrangement_id] = (
                    await frameworks.get_arrangement(portal.ctx, membership.arrangement_id)
                ).title
            if membership.lot_id not in lots:
                found = await frameworks.list_lots(portal.ctx, membership.arrangement_id, MAX_LIMIT, 0)
                lots.update({lot.id: lot for lot in found.items})
        return page(
            portal,
            "dashboard.html",
            memberships=memberships.items,
            lots=lots,
            applications=recent.items,
            titles=titles,
            drafts=sum(1 for v in recent.items if v.application.status is ApplicationStatus.DRAFT),
            provider=await accounts.get_provider(portal.ctx, portal.provider_id()),
            areas=areas_off_the_menu(),
        )


CONTROLLERS: list[Any] = [DashboardPages]
