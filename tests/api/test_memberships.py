"""Memberships: who sees a provider's places on lots, and who suspends, reinstates and removes them."""

from __future__ import annotations

from datetime import date

from tests.support import Api, admit_member, problem
from tests.support.arrangements import add_lot, create
from tests.support.frameworks import waive_publishing_checks

BASE = "/api/v1/memberships"


async def test_officer_suspends_and_reinstates_a_member_who_sees_only_its_own_places(api: Api) -> None:
    lead = await api.authority()
    outsider_council = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", lead)
    _, outsider = await api.staff("commissioner", outsider_council)
    provider_a, token_a = await api.provider()
    provider_b, _ = await api.provider()
    arrangement = await create(api, officer)
    lot = await add_lot(api, officer, arrangement["id"], "LOT-1")
    await waive_publishing_checks(api, officer, arrangement["id"])
    await api.client.post(f"/api/v1/arrangements/{arrangement['id']}/publish", headers=api.auth(officer))
    place_a = await admit_member(arrangement["id"], lot["id"], provider_a, date(2027, 1, 4))
    place_b = await admit_member(arrangement["id"], lot["id"], provider_b, date(2027, 1, 4))

    # A provider lists only its own place and cannot read another's.
    mine = (await api.client.get(BASE, headers=api.auth(token_a))).json()["items"]
    assert [m["id"] for m in mine] == [place_a]
    problem(await api.client.get(f"{BASE}/{place_b}", headers=api.auth(token_a)), 404, "not_found")
    # Staff of a council outside the arrangement see none of its members.
    assert (await api.client.get(BASE, headers=api.auth(outsider))).json()["items"] == []

    # A provider cannot suspend itself or anyone else (another's place does not exist for it); the
    # lead's officer can, with a reason.
    problem(
        await api.client.post(f"{BASE}/{place_b}/suspend", json={"reason": "x"}, headers=api.auth(token_a)),
        404,
        "not_found",
    )
    problem(
        await api.client.post(f"{BASE}/{place_a}/suspend", json={"reason": "x"}, headers=api.auth(token_a)),
        403,
        "permission_denied",
    )
    suspended = await api.client.post(
        f"{BASE}/{place_a}/suspend", json={"reason": "public liability insurance lapsed"}, headers=api.auth(officer)
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["status_reason"] == "public liability insurance lapsed"
    seen = (await api.client.get(f"{BASE}/{place_a}", headers=api.auth(token_a))).json()
    assert seen["status"] == "suspended"

    # Suspending twice is not a step; reinstating is, and removal is final.
    problem(
        await api.client.post(f"{BASE}/{place_a}/suspend", json={"reason": "again"}, headers=api.auth(officer)),
        409,
        "illegal_transition",
    )
    reinstated = await api.client.post(
        f"{BASE}/{place_a}/reinstate", json={"reason": "new certificate verified"}, headers=api.auth(officer)
    )
    assert reinstated.json()["status"] == "active"
    removed = await api.client.post(
        f"{BASE}/{place_b}/remove", json={"reason": "excluded supplier"}, headers=api.auth(officer)
    )
    assert removed.json()["status"] == "removed"
    problem(
        await api.client.post(f"{BASE}/{place_b}/reinstate", json={"reason": "oops"}, headers=api.auth(officer)),
        409,
        "illegal_transition",
    )
    problem(
        await api.client.post(f"{BASE}/{place_a}/suspend", json={"reason": "  "}, headers=api.auth(officer)),
        422,
        "reason_required",
    )

    audit = (
        await api.client.get(f"/api/v1/audit?entity_type=membership&entity_id={place_a}", headers=api.auth(officer))
    ).json()
    assert [e["action"] for e in audit["items"]] == ["membership.suspended", "membership.reinstated"]
