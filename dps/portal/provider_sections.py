"""The provider's "Memberships" section page: one menu item for the areas that keep a provider a
member (compliance, rate cards, contracts, concerns), so the header's menu stays on one line
(`provider_nav`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from dps.portal.provider_nav import MEMBERSHIPS, membership_areas
from dps.portal.web import Portal, page


class ProviderSectionPages(Controller):
    path = "/"

    @get("/memberships", name="memberships_section")
    async def memberships(self, portal: NamedDependency[Portal]) -> Template:
        """Compliance, rate cards, contracts and concerns: staying a member of each lot."""
        portal.provider_id()  # the page is not found for anyone but a provider's people
        # The same page as the council's section pages: the section's name, what it is for, its areas.
        return page(portal, "council/section.html", section=MEMBERSHIPS, areas=membership_areas())


CONTROLLERS: list[Any] = [ProviderSectionPages]
