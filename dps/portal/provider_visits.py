"""A provider's quality visits (Forms B-D, recorded by council officers and practitioners) for one
of its settings, and the action plan their findings opened: what needs doing, by whom and when,
and where each action stands. Read-only: the recording council follows the actions up."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from dps.accounts.services import providers
from dps.portal.council_visits import visits_of
from dps.portal.visit_forms import ACTION_MOVES, ACTION_WORDS
from dps.portal.web import Portal, page


class ProviderVisitPages(Controller):
    path = "/organisation/settings"

    @get("/{setting_id:int}/visits", name="setting_visits")
    async def visits(self, portal: NamedDependency[Portal], setting_id: FromPath[int]) -> Template:
        """The visits recorded for one of the provider's own settings, with their action plan."""
        setting = await providers.get_setting(portal.ctx, portal.provider_id(), setting_id)
        views, plan = await visits_of(portal, setting)
        return page(
            portal,
            "settings/visits.html",
            setting=setting,
            visits=views,
            plan=plan,
            action_words=ACTION_WORDS,
            action_moves=ACTION_MOVES,
        )


CONTROLLERS: list[Any] = [ProviderVisitPages]
