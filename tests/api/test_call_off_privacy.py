"""Children's details in a call-off (issue 13 item 9): identifying free text is refused with the
field named, no title reaches a notification (or its email), and once the call-off has ended the
invited providers that did not win no longer see the child's profile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import Api, problem, scalar
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


@pytest.mark.parametrize(
    ("where", "value", "field", "kind"),
    [
        ("title", "Jane Smith, 12, long term", "title", "name"),
        ("risks", "NHS 943 476 5919; goes missing", "child.risks", "nhs_number"),
        ("education_needs", "EHCP; DOB 03/04/2014", "child.education_needs", "date_of_birth"),
        ("question", "How will you reach her school near BL1 4QR?", "criteria.questions[0].text", "full_postcode"),
    ],
)
async def test_identifying_free_text_is_refused_with_the_field_named(
    api: Api, where: str, value: str, field: str, kind: str
) -> None:
    s = await scene(api)
    body = call_off_body(s, api.clock.now() + timedelta(days=10))
    if where == "title":
        body["title"] = value
    elif where == "question":
        body["criteria"]["questions"][0]["text"] = value
    else:
        body["child"][where] = value
    refused = problem(await api.client.post(CALL_OFFS, json=body, headers=api.auth(s.commissioner)),
                      422, "personal_data_in_free_text")  # fmt: skip
    assert (refused["field"], refused["kind"]) == (field, kind)
    assert refused["detail"].startswith(field) and value not in refused["detail"]
    assert await scalar("SELECT count(*) FROM call_offs") == 0


async def test_a_draft_cannot_be_changed_to_carry_a_name_and_a_cancel_reason_is_checked_too(api: Api) -> None:
    s = await scene(api)
    created = await api.client.post(CALL_OFFS, json=call_off_body(s, api.clock.now() + timedelta(days=10)),
                                    headers=api.auth(s.commissioner))  # fmt: skip
    url = f"{CALL_OFFS}/{created.json()['id']}"
    child = {**call_off_body(s, api.clock.now())["child"], "risks": "contact with Mr Okafor is supervised"}
    headers = {**api.auth(s.commissioner), "If-Match": created.headers["etag"]}
    patched = await api.client.patch(url, json={"child": child}, headers=headers)
    assert problem(patched, 422, "personal_data_in_free_text")["field"] == "child.risks"
    cancelled = await api.client.post(f"{url}/cancel", json={"reason": "Olivia returned home"},
                                      headers=api.auth(s.commissioner))  # fmt: skip
    assert problem(cancelled, 422, "personal_data_in_free_text")["field"] == "reason"


async def test_no_title_in_notifications_and_the_profile_ends_with_the_call_off_for_the_losers(api: Api) -> None:
    s = await scene(api)
    winner_id, winner, winner_setting = await member(api, s, postcode="BL1 1AA")
    _, loser, loser_setting = await member(api, s)
    deadline = api.clock.now() + timedelta(days=10)
    title = "Girl, 12, long term, UNIQUE-TITLE"
    call_off = await raise_and_publish(api, s, deadline, title=title)
    url = f"{CALL_OFFS}/{call_off['id']}"
    inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(loser))).json()["items"]
    [invited] = [n for n in inbox if n["kind"] == "call_off.invited"]
    assert invited["subject"] == "A new placement request" and invited["link_path"] == url
    # While the competition runs, every invited provider reads the profile.
    seen = (await api.client.get(url, headers=api.auth(loser))).json()
    assert seen["child"]["age"] == 12 and seen["title"] == title and seen["profile_withheld"] is False

    asked = await api.client.post(f"{url}/clarifications", json={"question": "Is there a sibling?"},
                                  headers=api.auth(loser))  # fmt: skip
    answer = {"answer": "A younger brother, placed nearby"}
    answered = await api.client.post(f"{url}/clarifications/{asked.json()['id']}/answer", json=answer,
                                     headers=api.auth(s.commissioner))  # fmt: skip
    assert answered.status_code == 200, answered.text
    offers = {}
    for token, setting, fee in ((winner, winner_setting, 400_000), (loser, loser_setting, 450_000)):
        sent = await api.client.post(f"{url}/offers", json=offer_body(setting, fee), headers=api.auth(token))
        offers[token] = sent.json()["id"]
    api.clock.set(deadline)
    await mark_all(api, s, call_off["id"], offers[winner], (5, 5))
    await mark_all(api, s, call_off["id"], offers[loser], (2, 2))
    assert (await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))).status_code == 200
    awarded = await api.client.post(f"{url}/award", json={"offer_id": offers[winner]},
                                    headers=api.auth(s.commissioner))  # fmt: skip
    assert awarded.json()["status"] == "concluded", awarded.text

    lost = await api.client.get(url, headers=api.auth(loser))
    assert lost.status_code == 200, lost.text
    assert lost.json()["child"] is None and lost.json()["profile_withheld"] is True
    assert "UNIQUE-TITLE" not in lost.text and "missing" not in lost.text
    assert (await api.client.get(f"{url}/clarifications", headers=api.auth(loser))).json() == []
    assert len((await api.client.get(f"{url}/clarifications", headers=api.auth(winner))).json()) == 1
    listed = (await api.client.get(CALL_OFFS, headers=api.auth(loser))).json()["items"]
    assert [(c["id"], c["child"]) for c in listed] == [(call_off["id"], None)]
    won = (await api.client.get(url, headers=api.auth(winner))).json()
    assert won["child"]["risks"] == "has gone missing twice" and won["title"] == title and winner_id
    assert (await api.client.get(url, headers=api.auth(s.commissioner))).json()["child"] is not None
    # No notification (nor its queued email) carries the title.
    for token in (winner, loser, s.commissioner):
        assert "UNIQUE-TITLE" not in (await api.client.get("/api/v1/notifications", headers=api.auth(token))).text
    for sql in (
        "SELECT count(*) FROM notifications WHERE subject LIKE '%UNIQUE%' OR body LIKE '%UNIQUE%'",
        "SELECT count(*) FROM outbound_emails WHERE subject LIKE '%UNIQUE%' OR body LIKE '%UNIQUE%'",
    ):
        assert await scalar(sql) == 0
    assert await scalar("SELECT count(*) FROM outbound_emails WHERE subject = 'A new placement request'") == 2
