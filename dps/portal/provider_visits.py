"""A provider's quality visits for one of its settings: its own description of the service
(Form A, the one form a provider completes), the visits council officers and practitioners
recorded (Forms B-D), and the action plan their findings opened: what needs doing, by whom and
when, and where each action stands (the recording council follows the actions up)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.compliance.domain.concerns import VisitForm
from dps.compliance.public import VisitIn
from dps.core.errors import DomainError
from dps.portal.council_visits import visits_of
from dps.portal.forms import Form, shape_error
from dps.portal.visit_forms import ACTION_MOVES, ACTION_WORDS
from dps.portal.web import Portal, page, redirect


async def _page(portal: Portal, setting_id: int, form: Form, status: int = 200) -> Template:
    setting = await accounts.get_setting(portal.ctx, portal.provider_id(), setting_id)
    views, plan = await visits_of(portal, setting)
    return page(
        portal,
        "settings/visits.html",
        status_code=status,
        setting=setting,
        visits=views,
        plan=plan,
        action_words=ACTION_WORDS,
        action_moves=ACTION_MOVES,
        form=form,
    )


class ProviderVisitPages(Controller):
    path = "/organisation/settings"

    @get("/{setting_id:int}/visits", name="setting_visits")
    async def visits(self, portal: NamedDependency[Portal], setting_id: FromPath[int]) -> Template:
        """The visits recorded for one of the provider's own settings, with their action plan."""
        return await _page(portal, setting_id, Form())

    @post("/{setting_id:int}/visits", status_code=303)
    async def describe(self, portal: NamedDependency[Portal], setting_id: FromPath[int]) -> Template | Redirect:
        """Record the provider's own description of the setting (Form A), dated today."""
        await accounts.get_setting(portal.ctx, portal.provider_id(), setting_id)
        form = Form.of(await portal.request.form())
        description = form.required("description", "Enter a description of the service this setting gives children")
        if form.ok:
            # The service's own day (UTC), so a description written after midnight in summer
            # is not "in the future".
            today = portal.ctx.clock.now().date()
            try:
                data = msgspec.convert(
                    {"form": VisitForm.A.value, "visited_on": today.isoformat(), "description": description},
                    VisitIn,
                )
                await compliance.record_visit(portal.ctx, setting_id, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                form.problem(exc, "description")
            else:
                return redirect(portal, f"/organisation/settings/{setting_id}/visits", banner="description_recorded")
        return await _page(portal, setting_id, form, status=400)


CONTROLLERS: list[Any] = [ProviderVisitPages]
