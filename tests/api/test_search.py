"""The regional search: filters, nearest first in miles, and each result's eligibility in a lot."""

from __future__ import annotations

from tests.support import Api, problem
from tests.support.compliance import TEN_MILLION, consortium

SEARCH = "/api/v1/search/settings"


async def test_commissioner_finds_the_nearest_settings_for_an_8_year_old_with_autism(api: Api) -> None:
    c = await consortium(api)  # its home is in Bolton (BL1 1AA), good, ages 8-17, autism
    await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2027-11-30", "cover_pence": TEN_MILLION},
        headers=api.auth(c.provider),
    )
    await api.setting(c.provider_id, c.provider, name="Salford House", postcode="M5 4WT")
    await api.setting(c.provider_id, c.provider, name="Liverpool House", postcode="L1 8JQ")
    too_old = await api.setting(c.provider_id, c.provider, name="Teen House", postcode="M1 1AA", min_age=12)
    no_autism = await api.setting(c.provider_id, c.provider, name="Other needs", postcode="M1 1AA", needs=["adhd"])
    weak = await api.setting(
        c.provider_id, c.provider, name="RI House", postcode="M1 1AA", ofsted_grade="requires_improvement"
    )
    # A provider that is not a member of the lot, closest of all.
    outsider_id, outsider = await api.provider()
    city = await api.setting(outsider_id, outsider, name="City Centre Home", postcode="M1 1AE")

    found = await api.client.get(
        SEARCH,
        params={"near": "M1 1AE", "age": 8, "needs": ["autism"], "min_grade": "good"},
        headers=api.auth(c.commissioner),
    )
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    bolton = await api.client.get(
        f"/api/v1/providers/{c.provider_id}/settings/{c.setting_id}", headers=api.auth(c.provider)
    )
    assert [i["name"] for i in items] == ["City Centre Home", "Salford House", bolton.json()["name"], "Liverpool House"]
    distances = [i["distance_miles"] for i in items]
    assert distances == sorted(distances)
    assert distances[0] == 0.0
    assert 1.0 < distances[1] < 3.0  # Salford Quays is about 2 miles from Piccadilly
    assert 29.0 < distances[3] < 33.0  # Liverpool city centre about 31 miles
    assert {i["setting_id"] for i in items}.isdisjoint({too_old["id"], no_autism["id"], weak["id"]})
    assert all(i["eligible"] is None for i in items)  # no lot asked about

    within = await api.client.get(
        SEARCH,
        params={"near": "M1", "radius_miles": 15, "age": 8, "needs": ["autism"], "min_grade": "good"},
        headers=api.auth(c.commissioner),
    )
    assert "Liverpool House" not in [i["name"] for i in within.json()["items"]]

    in_lot = await api.client.get(
        SEARCH,
        params={"near": "M1 1AE", "age": 8, "needs": ["autism"], "lot_id": c.lot_id},
        headers=api.auth(c.commissioner),
    )
    results = {i["name"]: i for i in in_lot.json()["items"]}
    assert "City Centre Home" not in results  # not a member of the lot
    assert results["Salford House"]["eligible"] is True
    assert results["Salford House"]["reasons"] == []

    # Suspend the membership: every result says why it may not be invited; eligible_only drops them.
    suspended = await api.client.post(
        f"/api/v1/memberships/{c.membership_id}/suspend",
        json={"reason": "under review"},
        headers=api.auth(c.officer),
    )
    assert suspended.status_code == 200, suspended.text
    in_lot = await api.client.get(
        SEARCH, params={"near": "M1 1AE", "lot_id": c.lot_id}, headers=api.auth(c.commissioner)
    )
    for item in in_lot.json()["items"]:
        assert item["eligible"] is False
        assert item["reasons"][0] == {
            "code": "membership_not_active",
            "detail": "the provider's membership is suspended",
        }
    only = await api.client.get(
        SEARCH, params={"near": "M1 1AE", "lot_id": c.lot_id, "eligible_only": "true"}, headers=api.auth(c.commissioner)
    )
    assert only.json()["items"] == []
    assert city["id"] not in [i["setting_id"] for i in in_lot.json()["items"]]


async def test_search_is_for_council_staff_and_checks_its_input(api: Api) -> None:
    _, provider = await api.provider()
    problem(await api.client.get(SEARCH, headers=api.auth(provider)), 403, "permission_denied")
    lead = await api.authority()
    _, commissioner = await api.staff("commissioner", lead)
    problem(
        await api.client.get(SEARCH, params={"near": "not a postcode"}, headers=api.auth(commissioner)),
        400,
        "invalid_postcode",
    )
    problem(
        await api.client.get(SEARCH, params={"near": "M1 9ZZ"}, headers=api.auth(commissioner)),
        422,
        "unknown_postcode",
    )
    problem(
        await api.client.get(SEARCH, params={"needs": ["telepathy"]}, headers=api.auth(commissioner)),
        400,
        "validation_failed",
    )


async def test_a_non_member_council_cannot_read_a_lots_eligibility(api: Api) -> None:
    c = await consortium(api)
    problem(
        await api.client.get(
            f"/api/v1/compliance/lots/{c.lot_id}/eligibility", headers=api.auth(c.outsider_commissioner)
        ),
        403,
        "permission_denied",
    )
    problem(
        await api.client.get(f"/api/v1/compliance/lots/{c.lot_id}/eligibility", headers=api.auth(c.provider)),
        403,
        "permission_denied",
    )
