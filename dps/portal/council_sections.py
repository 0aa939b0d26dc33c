"""Section pages for council staff: one menu item that groups several areas of work (a procurement
officer's "Providers" and "Pricing"), so the header's menu stays on one line (`council_nav`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from dps.core.errors import NotFound
from dps.portal.council_nav import SECTION_BY_HREF, section_areas
from dps.portal.web import Portal, page


async def _section(portal: Portal, href: str) -> Template:
    """The section's areas the caller may use; not found for anyone who may use none of them."""
    principal = portal.council_staff()
    section = SECTION_BY_HREF[href]
    areas = section_areas(section, principal.role)
    if not areas:
        raise NotFound("this page is for procurement officers", entity="page")
    return page(portal, "council/section.html", section=section, areas=areas)


class SectionPages(Controller):
    path = "/council"

    @get("/providers", name="council_providers")
    async def providers(self, portal: NamedDependency[Portal]) -> Template:
        """Compliance, concerns, Ofsted judgements and visits: keeping providers safe and compliant."""
        return await _section(portal, "/council/providers")

    @get("/pricing", name="council_pricing_section")
    async def pricing(self, portal: NamedDependency[Portal]) -> Template:
        """Rate cards and uplifts."""
        return await _section(portal, "/council/pricing")


CONTROLLERS: list[Any] = [SectionPages]
