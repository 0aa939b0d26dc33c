"""Issue 13 items 1, 2 and 10 (part) through the API: only councils holding an arrangement with a
provider record its Ofsted judgements and quality visits and read its due diligence; action items
are followed up by the council that recorded the visit; a provider cannot set its own grade; an
officer's reinstatement tells the provider (issue 12, messages people miss)."""

from __future__ import annotations

from typing import Any

from tests.support import Api, links_to_no_route, problem, scalar
from tests.support.compliance import TEN_MILLION, Consortium, consortium


async def count(sql: str) -> int:
    return int(str(await scalar(sql)))


async def setting_of(api: Api, c: Consortium) -> dict[str, Any]:
    response = await api.client.get(
        f"/api/v1/providers/{c.provider_id}/settings/{c.setting_id}", headers=api.auth(c.provider)
    )
    assert response.status_code == 200, response.text
    return {"etag": response.headers["etag"], **response.json()}


async def membership_status(api: Api, c: Consortium) -> str:
    response = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    return str(response.json()["status"])


async def test_a_council_outside_every_arrangement_cannot_judge_visit_or_suspend(api: Api) -> None:
    c = await consortium(api)
    _, outsider_officer = await api.staff("procurement_officer", c.outsider)
    _, outsider_evaluator = await api.staff("evaluator", c.outsider)

    # Leeds holds no arrangement with the provider: its "inadequate" is refused, nothing changes.
    refused = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "inadequate", "inspection_date": "2026-11-20"},
        headers=api.auth(outsider_officer),
    )
    problem(refused, 403, "no_arrangement_with_provider")
    assert (await setting_of(api, c))["ofsted_grade"] == "good"
    assert await membership_status(api, c) == "active"
    assert await count("SELECT count(*) FROM ofsted_judgements") == 0
    assert await count("SELECT count(*) FROM concerns") == 0
    assert await count("SELECT count(*) FROM compliance_suspensions") == 0

    # Nor a verification or practitioner's visit (forms B-D).
    for token, body in (
        (outsider_officer, {"form": "B", "visited_on": "2026-11-10", "checklist": []}),
        (
            outsider_evaluator,
            {
                "form": "C",
                "visited_on": "2026-11-15",
                "atmosphere": "a",
                "staff_and_children": "b",
                "childrens_views": "c",
                "complaints_route": "d",
                "findings": [{"finding": "x", "owner": "y", "due_on": "2026-12-10"}],
            },
        ),
    ):
        problem(
            await api.client.post(
                f"/api/v1/compliance/settings/{c.setting_id}/visits", json=body, headers=api.auth(token)
            ),
            403,
            "no_arrangement_with_provider",
        )
    assert await count("SELECT count(*) FROM quality_visits") == 0
    assert await count("SELECT count(*) FROM action_plan_items") == 0

    # The lead council's officer may record the judgement (and it suspends, as before).
    recorded = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "inadequate", "inspection_date": "2026-11-20"},
        headers=api.auth(c.officer),
    )
    assert recorded.status_code == 201, recorded.text
    assert await membership_status(api, c) == "suspended"


async def test_action_items_are_followed_up_by_the_council_that_recorded_the_visit(api: Api) -> None:
    c = await consortium(api)
    _, outsider_officer = await api.staff("procurement_officer", c.outsider)
    other_id, other_provider = await api.provider()
    # Wigan, a member council, visits (Form C) and finds something to fix.
    visit = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/visits",
        json={
            "form": "C",
            "visited_on": "2026-11-15",
            "atmosphere": "Warm",
            "staff_and_children": "Respectful",
            "childrens_views": "Children feel safe",
            "complaints_route": "Known to the children",
            "findings": [
                {"finding": "Update the missing-from-care protocol", "owner": "Manager", "due_on": "2026-12-15"}
            ],
        },
        headers=api.auth(c.commissioner),
    )
    assert visit.status_code == 201, visit.text
    (action,) = visit.json()["actions"]
    url = f"/api/v1/compliance/action-items/{action['id']}/status"

    # To an outsider council and another provider the item does not exist; the lead council holds
    # the arrangement but did not record the visit.
    for token in (outsider_officer, other_provider):
        problem(await api.client.post(url, json={"status": "done"}, headers=api.auth(token)), 404, "not_found")
    problem(
        await api.client.post(url, json={"status": "done"}, headers=api.auth(c.officer)), 403, "not_recording_council"
    )
    assert await count("SELECT count(*) FROM action_plan_items WHERE status = 'open'") == 1

    # The recording council and the provider itself move it.
    moved = await api.client.post(url, json={"status": "in_progress"}, headers=api.auth(c.commissioner))
    assert (moved.status_code, moved.json()["status"]) == (200, "in_progress")
    done = await api.client.post(url, json={"status": "done"}, headers=api.auth(c.provider))
    assert (done.status_code, done.json()["status"]) == (200, "done")
    assert other_id != c.provider_id


async def test_due_diligence_is_read_only_by_the_councils_holding_an_arrangement(api: Api) -> None:
    c = await consortium(api)
    attached = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2027-11-30", "cover_pence": TEN_MILLION},
        headers=api.auth(c.provider),
    )
    assert attached.status_code == 201, attached.text
    evidence_id = attached.json()["id"]
    visit = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/visits",
        json={"form": "B", "visited_on": "2026-11-10", "checklist": [{"item": "Registration", "verified": True}]},
        headers=api.auth(c.officer),
    )
    assert visit.status_code == 201, visit.text
    reads = {
        "evidence": f"/api/v1/compliance/evidence/{evidence_id}",
        "evidence_list": f"/api/v1/compliance/evidence?provider_id={c.provider_id}",
        "membership": f"/api/v1/compliance/memberships/{c.membership_id}",
        "overview": f"/api/v1/compliance/arrangements/{c.arrangement_id}/memberships",
        "visits": f"/api/v1/compliance/settings/{c.setting_id}/visits",
    }
    # The lead and member councils, the provider itself and admins read everything.
    for token in (c.officer, c.commissioner, await api.admin()):
        for name, url in reads.items():
            response = await api.client.get(url, headers=api.auth(token))
            assert response.status_code == 200, (name, response.text)
    for name in ("evidence", "evidence_list", "membership", "visits"):
        assert (await api.client.get(reads[name], headers=api.auth(c.provider))).status_code == 200, name

    # Leeds, in no arrangement with the provider: records by id do not exist, the rest is refused.
    outsider = api.auth(c.outsider_commissioner)
    problem(await api.client.get(reads["evidence"], headers=outsider), 404, "not_found")
    problem(await api.client.get(reads["membership"], headers=outsider), 404, "not_found")
    problem(await api.client.get(reads["evidence_list"], headers=outsider), 403, "no_arrangement_with_provider")
    problem(await api.client.get(reads["visits"], headers=outsider), 403, "no_arrangement_with_provider")
    problem(await api.client.get(reads["overview"], headers=outsider), 403, "permission_denied")


async def test_a_provider_cannot_set_its_own_ofsted_grade(api: Api) -> None:
    c = await consortium(api)
    recorded = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "inadequate", "inspection_date": "2026-11-20"},
        headers=api.auth(c.officer),
    )
    assert recorded.status_code == 201, recorded.text
    before = await setting_of(api, c)
    url = f"/api/v1/providers/{c.provider_id}/settings/{c.setting_id}"
    headers = {**api.auth(c.provider), "If-Match": before["etag"]}
    for body in (
        {"ofsted_grade": "outstanding"},
        {"last_inspection_date": "2026-11-21"},
        {"ofsted_grade": "good", "last_inspection_date": "2026-11-21", "capacity": 5},
    ):
        refused = problem(await api.client.patch(url, json=body, headers=headers), 403, "ofsted_facts_read_only")
        assert "ofsted-judgements" in refused["detail"]
    after = await setting_of(api, c)
    assert (after["ofsted_grade"], after["last_inspection_date"], after["capacity"], after["version"]) == (
        "inadequate",
        "2026-11-20",
        before["capacity"],
        before["version"],
    )
    assert await membership_status(api, c) == "suspended"
    # Other fields stay the provider's to change.
    changed = await api.client.patch(url, json={"capacity": 5}, headers=headers)
    assert (changed.status_code, changed.json()["capacity"]) == (200, 5)


async def test_an_officer_reinstating_a_member_tells_the_provider(api: Api) -> None:
    c = await consortium(api)
    suspended = await api.client.post(
        f"/api/v1/memberships/{c.membership_id}/suspend", json={"reason": "audit"}, headers=api.auth(c.officer)
    )
    assert suspended.status_code == 200, suspended.text
    reinstated = await api.client.post(
        f"/api/v1/memberships/{c.membership_id}/reinstate",
        json={"reason": "audit closed"},
        headers=api.auth(c.officer),
    )
    assert reinstated.status_code == 200, reinstated.text
    notes = (await api.client.get("/api/v1/notifications", headers=api.auth(c.provider))).json()["items"]
    assert [(n["kind"], n["link_path"]) for n in notes] == [
        ("membership.reinstated", f"/api/v1/memberships/{c.membership_id}")
    ]
    assert "audit closed" in notes[0]["body"]
    # A second suspension and reinstatement is told again (a key per reinstatement).
    await api.client.post(
        f"/api/v1/memberships/{c.membership_id}/suspend", json={"reason": "again"}, headers=api.auth(c.officer)
    )
    await api.client.post(
        f"/api/v1/memberships/{c.membership_id}/reinstate", json={"reason": "fine"}, headers=api.auth(c.officer)
    )
    notes = (await api.client.get("/api/v1/notifications", headers=api.auth(c.provider))).json()["items"]
    assert [n["kind"] for n in notes] == ["membership.reinstated", "membership.reinstated"]
    assert await links_to_no_route(api.app) == []
