"""Needs marked essential (a filter through the eligibility function) or preferred (scored as a
quality criterion) over the API; a need without a mark stays essential (issue 12)."""

from __future__ import annotations

from datetime import timedelta

from tests.support import Api, problem
from tests.support.call_offs import (
    CALL_OFFS,
    call_off_body,
    mark_all,
    member,
    offer_body,
    raise_and_publish,
    scene,
    settings,
)

__all__ = ["settings"]
NEEDS = ["autism", {"need": "adhd", "priority": "preferred"}]


async def test_a_preferred_need_is_scored_not_filtered_and_an_essential_one_filters(api: Api) -> None:
    s = await scene(api)
    _, both, both_setting = await member(api, s, postcode="BL1 1AA", needs=["autism", "adhd"])
    _, autism, autism_setting = await member(api, s, postcode="BL1 1AA", needs=["autism"])
    _, _, adhd_setting = await member(api, s, postcode="BL1 1AA", needs=["adhd"])
    deadline = api.clock.now() + timedelta(days=10)
    body = call_off_body(s, deadline)
    body["child"]["needs"] = NEEDS
    problem(await api.client.post(CALL_OFFS, json=body, headers=api.auth(s.commissioner)),
            422, "preferred_needs_without_weight")  # fmt: skip
    body["child"]["needs"] = ["adhd", *NEEDS]
    body["criteria"]["preferred_needs_weight"] = "100"
    problem(await api.client.post(CALL_OFFS, json=body, headers=api.auth(s.commissioner)),
            422, "need_both_essential_and_preferred")  # fmt: skip

    criteria = {**body["criteria"], "preferred_needs_weight": "100"}
    call_off = await raise_and_publish(api, s, deadline, child={**body["child"], "needs": NEEDS}, criteria=criteria)
    assert (call_off["child"]["needs"], call_off["child"]["preferred_needs"]) == (["autism"], ["adhd"])
    url = f"{CALL_OFFS}/{call_off['id']}"
    rows = (await api.client.get(f"{url}/invitations", headers=api.auth(s.commissioner))).json()["items"]
    by_setting = {r["setting_id"]: r for r in rows}
    assert (by_setting[both_setting]["invited"], by_setting[both_setting]["preferred_needs_met"]) == (True, ["adhd"])
    assert (by_setting[autism_setting]["invited"], by_setting[autism_setting]["preferred_needs_met"]) == (True, [])
    assert by_setting[adhd_setting]["invited"] is False  # autism is essential
    assert [r["code"] for r in by_setting[adhd_setting]["reasons"]] == ["needs"]

    offers = {}
    for token, setting in ((both, both_setting), (autism, autism_setting)):
        sent = await api.client.post(f"{url}/offers", json=offer_body(setting, 400_000), headers=api.auth(token))
        offers[setting] = sent.json()["id"]
    api.clock.set(deadline)
    for offer_id in offers.values():
        await mark_all(api, s, call_off["id"], offer_id, (4, 4))
    assert (await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))).status_code == 200
    scored = (await api.client.get(f"{url}/offers", headers=api.auth(s.commissioner))).json()["items"]
    quality = {o["setting_id"]: o["score"]["quality_score"] for o in scored}
    # Questions 60 + 40 at 4/5 each = 80; the preferred need weighs 100 beside them: met, (80 + 100) / 200
    # = 90% of 50; not met, 80 / 200 = 40% of 50.
    assert quality == {both_setting: "45.00", autism_setting: "20.00"}
    ranks = {o["setting_id"]: o["score"]["rank"] for o in scored}
    assert (ranks[both_setting], ranks[autism_setting]) == (1, 2)
