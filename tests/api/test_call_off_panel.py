"""A call-off's evaluation panel over the API (issue 12 items 6 and 8): one evaluator cannot close
the evaluation while another is marking, nobody sees another evaluator's marks before both have
submitted, an evaluator is released or the evaluation reopened only with an audited reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support import Api, problem
from tests.support.call_offs import (
    CALL_OFFS,
    Scene,
    assign_panel,
    member,
    offer_body,
    raise_and_publish,
    scene,
    settings,
)

__all__ = ["settings"]


async def opened_call_off(api: Api, s: Scene, offers: int = 2) -> tuple[str, list[int]]:
    """A published call-off with `offers` offers, its deadline passed; returns (url, offer ids)."""
    members = [await member(api, s, postcode="BL1 1AA") for _ in range(offers)]
    deadline = api.clock.now() + timedelta(days=10)
    url = f"{CALL_OFFS}/{(await raise_and_publish(api, s, deadline))['id']}"
    ids = []
    for _, token, setting in members:
        sent = await api.client.post(f"{url}/offers", json=offer_body(setting, 400_000), headers=api.auth(token))
        assert sent.status_code == 201, sent.text
        ids.append(int(sent.json()["id"]))
    api.clock.set(deadline)
    return url, ids


def marks(score: int, rationale: str) -> dict[str, Any]:
    return {"marks": [{"question_id": q, "score": score, "rationale": rationale} for q in (1, 2)]}


async def mark(api: Api, url: str, offer_id: int, token: str, score: int, rationale: str = "sound plan") -> None:
    sent = await api.client.post(
        f"{url}/offers/{offer_id}/marks", json=marks(score, rationale), headers=api.auth(token)
    )
    assert sent.status_code == 204, sent.text


async def seen_marks(api: Api, url: str, offer_id: int, token: str) -> dict[int | None, list[str]]:
    response = await api.client.get(f"{url}/offers/{offer_id}/marks", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return {m["evaluator_id"]: [x["rationale"] for x in m["marks"]] for m in response.json()}


async def test_the_evaluation_waits_for_every_assigned_evaluator_and_drafts_stay_unseen(api: Api) -> None:
    s = await scene(api)
    url, (first, second) = await opened_call_off(api, s)
    one, two = s.evaluators
    one_id, two_id = s.evaluator_ids
    panel = await assign_panel(api, s, int(url.rsplit("/", 1)[1]))
    assert [(m["evaluator_id"], m["state"]) for m in panel["members"]] == [(one_id, "marking"), (two_id, "marking")]
    inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(two))).json()["items"]
    assert [n["link_path"] for n in inbox if n["kind"] == "call_off.evaluator_assigned"] == [f"{url}/evaluators"]

    # Evaluator 1 marks both offers (submitted); evaluator 2 has marked one (not submitted).
    await mark(api, url, first, one, 4, "ONE-ON-FIRST")
    await mark(api, url, second, one, 3, "ONE-ON-SECOND")
    await mark(api, url, first, two, 4, "TWO-DRAFT-ON-FIRST")
    refused = problem(await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner)),
                      409, "evaluation_incomplete")  # fmt: skip
    assert refused["evaluator_ids"] == [two_id]
    panel = (await api.client.get(f"{url}/evaluators", headers=api.auth(s.officer))).json()
    assert [(m["state"], m["offers_marked"]) for m in panel["members"]] == [("submitted", 2), ("marking", 1)]
    assert panel["complete"] is False

    # Nobody sees evaluator 2's marks before they submit; evaluator 2 does not see evaluator 1's.
    assert await seen_marks(api, url, first, two) == {two_id: ["TWO-DRAFT-ON-FIRST"] * 2}
    assert await seen_marks(api, url, first, one) == {one_id: ["ONE-ON-FIRST"] * 2}
    assert await seen_marks(api, url, first, s.commissioner) == {one_id: ["ONE-ON-FIRST"] * 2}
    trail = await api.client.get("/api/v1/audit?limit=100", headers=api.auth(await api.admin()))
    assert "TWO-DRAFT" not in trail.text and "ONE-ON-FIRST" in trail.text  # in evaluator 1's submission

    # Evaluator 2 submits: both see each other's marks; the evaluation completes.
    await mark(api, url, second, two, 3, "TWO-ON-SECOND")
    assert set(await seen_marks(api, url, second, two)) == {one_id, two_id}
    evaluated = await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))
    assert evaluated.status_code == 200 and evaluated.json()["status"] == "evaluated", evaluated.text

    # The officer reopens the evaluation before the award, with the reason on the record.
    problem(await api.client.post(f"{url}/reopen-evaluation", json={"reason": "x"}, headers=api.auth(one)),
            403, "permission_denied")  # fmt: skip
    reason = "evaluator 2 marked question 2 of the first offer against the wrong answer"
    reopened = await api.client.post(f"{url}/reopen-evaluation", json={"reason": reason}, headers=api.auth(s.officer))
    assert reopened.status_code == 200 and reopened.json()["status"] == "closed", reopened.text
    listed = (await api.client.get(f"{url}/offers", headers=api.auth(s.commissioner))).json()["items"]
    assert [o["score"] for o in listed] == [None, None]  # no stale ranking while it is marked again
    events = await api.client.get("/api/v1/audit", params={"action": "call_off.evaluation_reopened"},
                                  headers=api.auth(s.officer))  # fmt: skip
    assert [e["after"]["reason"] for e in events.json()["items"]] == [reason]
    assert (await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))).status_code == 200
    awarded = await api.client.post(f"{url}/award", json={"offer_id": first}, headers=api.auth(s.commissioner))
    assert awarded.status_code == 200, awarded.text
    problem(await api.client.post(f"{url}/reopen-evaluation", json={"reason": reason}, headers=api.auth(s.officer)),
            409, "not_evaluated")  # fmt: skip


async def test_a_released_evaluator_frees_the_evaluation_but_not_below_the_profiles_minimum(api: Api) -> None:
    s = await scene(api, profile="pa2023_dynamic_market")  # a panel of at least two
    url, (offer,) = await opened_call_off(api, s, offers=1)
    one, two = s.evaluators
    one_id, two_id = s.evaluator_ids
    _, extra = await api.staff("evaluator", s.authority_id)
    problem(await api.client.post(f"{url}/offers/{offer}/marks", json=marks(4, "r"), headers=api.auth(extra)),
            409, "not_on_panel")  # fmt: skip
    wigan = await api.authority("Wigan Council", "E08000010")
    outsider_id, _ = await api.staff("evaluator", wigan)
    problem(await api.client.post(f"{url}/evaluators", json={"evaluator_ids": [outsider_id]},
                                  headers=api.auth(s.commissioner)), 422, "not_an_evaluator")  # fmt: skip
    await assign_panel(api, s, int(url.rsplit("/", 1)[1]))
    await mark(api, url, offer, one, 4)
    problem(await api.client.post(f"{url}/evaluators/{two_id}/release", json={"reason": " "},
                                  headers=api.auth(s.officer)), 422, "reason_required")  # fmt: skip
    conflict = {"reason": "declared a conflict of interest"}
    released = await api.client.post(f"{url}/evaluators/{two_id}/release", json=conflict, headers=api.auth(s.officer))
    assert released.status_code == 200, released.text
    assert [m["state"] for m in released.json()["members"]] == ["submitted", "released"]
    problem(await api.client.post(f"{url}/offers/{offer}/marks", json=marks(4, "r"), headers=api.auth(two)),
            409, "evaluator_released")  # fmt: skip
    refused = problem(await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner)),
                      409, "too_few_evaluators")  # fmt: skip
    assert (refused["minimum"], refused["submitted"]) == (2, 1)
    assert one_id != two_id
