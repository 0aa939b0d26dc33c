"""Story 4's last step without anyone asking: the scheduler makes a concluded call-off's placement
its Individual Placement Agreement, once; without an approved template it waits and tries again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dps.core.context import Context
from dps.scheduler.runner import run_once
from tests.support import Api
from tests.support.contracts import NO_LIBREOFFICE, load_templates
from tests.support.placement_contracts import consortium, placed, settings

__all__ = ["settings"]  # the fixture of the contracts tests applies here too
pytestmark = pytest.mark.usefixtures("no_libreoffice")


async def agreements(api: Api, token: str) -> list[dict]:
    response = await api.client.get(
        "/api/v1/contracts", params={"kind": "placement_agreement"}, headers=api.auth(token)
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_the_scheduler_makes_a_new_placement_its_ipa_once(api: Api) -> None:
    c = await consortium(api)
    await placed(api, c)
    system = Context(None, api.clock, api.app.state.settings, api.app.state.store, converter=NO_LIBREOFFICE)

    # No approved template yet: the placement waits, nothing half-made.
    await run_once(system)
    assert await agreements(api, c.wigan_commissioner) == []

    await load_templates(api)
    api.clock.advance(timedelta(hours=1, minutes=1))
    await run_once(system)
    [ipa] = await agreements(api, c.wigan_commissioner)
    assert ipa["status"] == "draft" and ipa["provider_id"] == c.provider_id
    assert ipa["title"].startswith("Individual Placement Agreement for CH-CO-")

    api.clock.advance(timedelta(days=1))
    await run_once(system)
    assert [a["id"] for a in await agreements(api, c.wigan_commissioner)] == [ipa["id"]]
