"""The placement requests an evaluator sits on the panel of (`tenders.public.my_panels`, behind the
portal's "Your evaluations"): listed while they sit on it, left out once released, and never a
panel they were not put on."""

from __future__ import annotations

from datetime import timedelta

from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.tenders import public as tenders
from tests.support import Api
from tests.support.call_offs import CALL_OFFS, assign_panel, member, raise_and_publish, scene, settings

__all__ = ["settings"]


def _as_evaluator(api: Api, user_id: int, authority_id: int) -> Context:
    principal = Principal(user_id, f"evaluator{user_id}@council.test", Role.EVALUATOR, OrgKind.AUTHORITY, authority_id)
    return Context(principal, api.clock, api.app.state.settings, api.app.state.store)


async def test_an_evaluator_sees_the_panels_they_sit_on_until_released(api: Api) -> None:
    s = await scene(api)
    one_id, two_id = s.evaluator_ids
    await member(api, s, postcode="BL1 1AA")
    on_panel = await raise_and_publish(api, s, api.clock.now() + timedelta(days=10))
    await raise_and_publish(api, s, api.clock.now() + timedelta(days=11))
    await assign_panel(api, s, on_panel["id"])  # the other request has no panel
    stranger_id, _ = await api.staff("evaluator", s.authority_id)

    assert [c.id for c in await tenders.my_panels(_as_evaluator(api, one_id, s.authority_id))] == [on_panel["id"]]
    assert [c.id for c in await tenders.my_panels(_as_evaluator(api, two_id, s.authority_id))] == [on_panel["id"]]

    released = await api.client.post(
        f"{CALL_OFFS}/{on_panel['id']}/evaluators/{two_id}/release",
        json={"reason": "declared a conflict of interest"},
        headers=api.auth(s.officer),
    )
    assert released.status_code == 200, released.text
    assert await tenders.my_panels(_as_evaluator(api, two_id, s.authority_id)) == []
    assert [c.id for c in await tenders.my_panels(_as_evaluator(api, one_id, s.authority_id))] == [on_panel["id"]]
    assert await tenders.my_panels(_as_evaluator(api, stranger_id, s.authority_id)) == []
