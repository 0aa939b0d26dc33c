"""Applications' guards: who reads an application's audit trail, values the database cannot store,
the decision clock in England's time, marking a withdrawn application."""

from __future__ import annotations

from tests.support import Api, problem
from tests.support.applications import APPS, set_up

AUDIT = "/api/v1/audit"


async def test_another_councils_officers_do_not_read_an_applications_audit_trail(api: Api) -> None:
    world = await set_up(api)
    officer = world["officer"]
    provider_id, provider = await api.provider()
    opened = await api.client.post(
        APPS, json={"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"]}, headers=api.auth(provider)
    )
    assert opened.status_code == 201, opened.text
    salford = await api.authority("Salford City Council", "E08000006")
    _, outsider = await api.staff("procurement_officer", salford)
    _, outside_lawyer = await api.staff("legal_officer", salford)

    arrangement_trail = {"entity_type": "arrangement", "entity_id": str(world["arrangement_id"])}
    seen_by_lead = (await api.client.get(AUDIT, params=arrangement_trail, headers=api.auth(officer))).json()["items"]
    assert "arrangement.published" in [e["action"] for e in seen_by_lead]
    for token in (outsider, outside_lawyer):
        response = await api.client.get(AUDIT, params=arrangement_trail, headers=api.auth(token))
        assert response.status_code == 200, response.text
        assert response.json()["items"] == []
        everything = (await api.client.get(AUDIT, params={"limit": 100}, headers=api.auth(token))).json()["items"]
        assert not any(e["entity_type"] in {"arrangement", "lot", "question"} for e in everything)
        # The lead council's users (their sign-ins) are the lead's business too.
        assert not any(e["actor_org_kind"] == "authority" and e["actor_org_id"] != salford for e in everything)

    # Provider records no council has worked on stay visible to council staff (due diligence).
    provider_trail = {"entity_type": "provider", "entity_id": str(provider_id)}
    seen = await api.client.get(AUDIT, params=provider_trail, headers=api.auth(outsider))
    assert [e["action"] for e in seen.json()["items"]] == ["provider.registered"]


async def test_values_the_database_cannot_store_are_a_400_not_a_500(api: Api) -> None:
    world = await set_up(api)
    _, provider = await api.provider()
    huge = 10**20
    for response in (
        await api.client.post(APPS, json={"arrangement_id": huge, "lot_ids": []}, headers=api.auth(provider)),
        await api.client.post(APPS, json={"arrangement_id": 2**40, "lot_ids": []}, headers=api.auth(provider)),
        await api.client.get(f"{APPS}/{huge}", headers=api.auth(provider)),
        await api.client.get("/api/v1/memberships", params={"lot_id": huge}, headers=api.auth(provider)),
        await api.client.post(
            f"/api/v1/arrangements/{world['arrangement_id']}/clarifications",
            json={"question": "nul \u0000 inside"},
            headers=api.auth(provider),
        ),
        await api.client.get(AUDIT, params={"actor_user_id": huge}, headers=api.auth(world["officer"])),
    ):
        problem(response, 400, "invalid_value")
    # Nothing was half-written by the refused question.
    listed = await api.client.get(
        f"/api/v1/arrangements/{world['arrangement_id']}/clarifications", headers=api.auth(provider)
    )
    assert listed.json()["items"] == []


async def test_the_decision_clock_starts_on_the_day_of_receipt_in_england_not_in_utc(api: Api) -> None:
    from datetime import UTC, datetime

    from tests.support.applications import complete_answers

    world = await set_up(api)
    _, provider = await api.provider()
    body = {"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"]}
    app_id = (await api.client.post(APPS, json=body, headers=api.auth(provider))).json()["id"]
    await complete_answers(api, world, provider, f"{APPS}/{app_id}")
    # 23:30 UTC on Sunday 6 June 2027 is 00:30 BST on Monday 7 June: received on the Monday, so
    # 10 working days later is Monday 21 June (not Friday 18 June, counting from the Sunday).
    api.clock.set(datetime(2027, 6, 6, 23, 30, tzinfo=UTC))
    provider, officer = await api.renew(provider), await api.renew(world["officer"])
    submitted = await api.client.post(f"{APPS}/{app_id}/submit", headers=api.auth(provider))
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["decision_due_on"] == "2027-06-21"
    assert submitted.json()["working_days_left"] == 10
    extended = await api.client.post(
        f"{APPS}/{app_id}/extend-decision", json={"reason": "audited accounts awaited"}, headers=api.auth(officer)
    )
    # 15 working days from Monday 7 June 2027 is Monday 28 June.
    assert extended.json()["decision_due_on"] == "2027-06-28"


async def test_evaluators_cannot_mark_an_application_once_it_is_withdrawn(api: Api) -> None:
    from tests.support.applications import complete_answers

    world = await set_up(api)
    officer, q = world["officer"], world["q"]
    (e1_id, e1), (e2_id, _), _ = world["evaluators"]
    _, provider = await api.provider()
    body = {"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"]}
    url = f"{APPS}/{(await api.client.post(APPS, json=body, headers=api.auth(provider))).json()['id']}"
    await complete_answers(api, world, provider, url)
    assert (await api.client.post(f"{url}/submit", headers=api.auth(provider))).status_code == 200
    await api.client.post(f"{url}/evaluators", json={"evaluator_ids": [e1_id, e2_id]}, headers=api.auth(officer))
    await api.client.post(f"{url}/evaluations/declaration", json={"has_conflict": False}, headers=api.auth(e1))
    marks = {"marks": [{"question_id": q["care"], "score": 4, "rationale": "good"}]}
    assert (await api.client.put(f"{url}/evaluations/marks", json=marks, headers=api.auth(e1))).status_code == 200

    assert (await api.client.post(f"{url}/withdraw", headers=api.auth(provider))).json()["status"] == "withdrawn"
    problem(await api.client.put(f"{url}/evaluations/marks", json=marks, headers=api.auth(e1)), 409, "not_evaluable")
    problem(await api.client.post(f"{url}/evaluations/submit", headers=api.auth(e1)), 409, "not_evaluable")
