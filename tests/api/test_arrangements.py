"""Arrangements and lots: who sets them up, who sees them, and the profiles' rules."""

from __future__ import annotations

from tests.support import Api, problem
from tests.support.arrangements import BASE, add_lot, arrangement_body, create, lot_body
from tests.support.frameworks import waive_publishing_checks


async def test_officer_sets_up_and_publishes_an_arrangement_a_provider_then_sees(api: Api) -> None:
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    _, provider = await api.provider()

    created = await create(api, officer)
    assert created["status"] == "draft"
    assert created["lead_authority_id"] == lead
    arrangement_id = created["id"]
    lots = [await add_lot(api, officer, arrangement_id, code) for code in ("LOT-1", "LOT-2")]
    assert [lot["code"] for lot in lots] == ["LOT-1", "LOT-2"]
    assert lots[0]["age_bands"][1] == {"label": "13-17", "min_age": 13, "max_age": 17}

    # A draft is the lead council's work in progress: providers neither read nor list it.
    problem(await api.client.get(f"{BASE}/{arrangement_id}", headers=api.auth(provider)), 403, "permission_denied")
    assert (await api.client.get(BASE, headers=api.auth(provider))).json()["items"] == []

    # Publishing checks the arrangement is complete (issue 12): every gap is listed at once.
    publish = f"{BASE}/{arrangement_id}/publish"
    gaps = problem(await api.client.post(publish, headers=api.auth(officer)), 422, "not_ready_to_publish")["gaps"]
    assert [g["check"] for g in gaps] == ["price_bands", "questionnaire", "compliance_requirements"]
    assert gaps[0]["lot_ids"] == [lots[0]["id"], lots[1]["id"]]
    question = await api.client.post(
        f"{BASE}/{arrangement_id}/questions",
        json={"section": "Safeguarding", "position": 1, "text": "Safeguarding policy?", "kind": "pass_fail"},
        headers=api.auth(officer),
    )
    assert question.status_code == 201, question.text
    for lot in lots:
        band = await api.client.post(
            f"{BASE}/{arrangement_id}/price-bands",
            json={
                "lot_id": lot["id"],
                "age_band": "8-12",
                "need_level": "standard",
                "floor_pence": 420_000,
                "ceiling_pence": 560_000,
                "effective_from": "2027-01-04",
            },
            headers=api.auth(officer),
        )
        assert band.status_code == 201, band.text
    publish = f"{BASE}/{arrangement_id}/publish"
    gaps = problem(await api.client.post(publish, headers=api.auth(officer)), 422, "not_ready_to_publish")["gaps"]
    assert [g["check"] for g in gaps] == ["compliance_requirements"]
    # Due diligence done elsewhere may be waived, with the reason recorded.
    waived = await api.client.post(
        f"{BASE}/{arrangement_id}/waivers",
        json={"check": "compliance_requirements", "reason": "due diligence by the regional framework NW-2025"},
        headers=api.auth(officer),
    )
    assert waived.status_code == 200, waived.text
    published = await api.client.post(f"{BASE}/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "open"
    assert published.headers["etag"] == '"2"'
    assert [(w["check"], w["reason"]) for w in published.json()["waivers"]] == [
        ("compliance_requirements", "due diligence by the regional framework NW-2025")
    ]

    read = await api.client.get(f"{BASE}/{arrangement_id}", headers=api.auth(provider))
    assert read.status_code == 200
    assert read.json()["title"] == "North West children's residential DPS"
    assert read.headers["etag"] == '"2"'
    listed = (await api.client.get(BASE, headers=api.auth(provider))).json()
    assert [a["id"] for a in listed["items"]] == [arrangement_id]
    provider_lots = (await api.client.get(f"{BASE}/{arrangement_id}/lots", headers=api.auth(provider))).json()
    assert [lot["code"] for lot in provider_lots["items"]] == ["LOT-1", "LOT-2"]

    # Publishing twice is not a step the arrangement's life has.
    twice = problem(
        await api.client.post(f"{BASE}/{arrangement_id}/publish", headers=api.auth(officer)), 409, "illegal_transition"
    )
    assert twice["current_state"] == "open"

    # Every change is in the audit trail, in order.
    trail = await api.client.get(
        "/api/v1/audit",
        params={"entity_type": "arrangement", "entity_id": str(arrangement_id)},
        headers=api.auth(officer),
    )
    assert trail.status_code == 200, trail.text
    assert [e["action"] for e in trail.json()["items"]] == [
        "arrangement.created",
        "arrangement.check_waived",
        "arrangement.published",
    ]
    assert trail.json()["items"][2]["after"]["status"] == "open"


async def test_only_the_lead_authoritys_officers_manage_its_lots(api: Api) -> None:
    lead = await api.authority()
    other = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", lead)
    _, outsider = await api.staff("procurement_officer", other)
    arrangement_id = (await create(api, officer))["id"]

    problem(
        await api.client.post(f"{BASE}/{arrangement_id}/lots", json=lot_body("LOT-1"), headers=api.auth(outsider)),
        403,
        "permission_denied",
    )
    # An officer cannot start an arrangement in another council's name either.
    problem(
        await api.client.post(BASE, json=arrangement_body(lead_authority_id=lead), headers=api.auth(outsider)),
        403,
        "permission_denied",
    )


async def test_publishing_needs_a_lot(api: Api) -> None:
    _, officer = await api.staff("procurement_officer", await api.authority())
    arrangement_id = (await create(api, officer))["id"]
    problem(await api.client.post(f"{BASE}/{arrangement_id}/publish", headers=api.auth(officer)), 422, "no_lots")
    still = await api.client.get(f"{BASE}/{arrangement_id}", headers=api.auth(officer))
    assert still.json()["status"] == "draft"


async def test_a_dynamic_markets_lots_are_frozen_once_open(api: Api) -> None:
    _, officer = await api.staff("procurement_officer", await api.authority())
    market = await create(
        api, officer, reference="NW-DM-2027", profile_code="pa2023_dynamic_market", term_end="2031-01-03"
    )
    lot = await add_lot(api, officer, market["id"], "LOT-1")
    await waive_publishing_checks(api, officer, market["id"])
    assert (await api.client.post(f"{BASE}/{market['id']}/publish", headers=api.auth(officer))).status_code == 200

    # Procurement Act 2023: the conditions for membership cannot change once the market is open.
    problem(
        await api.client.post(f"{BASE}/{market['id']}/lots", json=lot_body("LOT-2"), headers=api.auth(officer)),
        409,
        "conditions_locked",
    )
    problem(
        await api.client.patch(
            f"{BASE}/{market['id']}/lots/{lot['id']}", json={"title": "Changed"}, headers=api.auth(officer)
        ),
        409,
        "conditions_locked",
    )


async def test_a_pcr2015_dps_cannot_run_past_23_february_2029(api: Api) -> None:
    _, officer = await api.staff("procurement_officer", await api.authority())
    response = await api.client.post(BASE, json=arrangement_body(term_end="2029-02-24"), headers=api.auth(officer))
    body = problem(response, 422, "term_too_long")
    assert body["latest_end"] == "2029-02-23"
    # The last allowed day itself is fine.
    assert (await create(api, officer, term_end="2029-02-23"))["term_end"] == "2029-02-23"


async def test_updates_need_the_current_version(api: Api) -> None:
    _, officer = await api.staff("procurement_officer", await api.authority())
    arrangement_id = (await create(api, officer))["id"]
    url = f"{BASE}/{arrangement_id}"

    problem(
        await api.client.patch(url, json={"title": "No version"}, headers=api.auth(officer)),
        428,
        "precondition_required",
    )
    first = await api.client.patch(url, json={"title": "Renamed"}, headers={**api.auth(officer), "If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    assert first.json()["title"] == "Renamed"

    stale = await api.client.patch(url, json={"title": "Lost update"}, headers={**api.auth(officer), "If-Match": '"1"'})
    assert problem(stale, 412, "stale_version")["current_version"] == 2
    assert (await api.client.get(url, headers=api.auth(officer))).json()["title"] == "Renamed"


async def test_a_published_term_moves_only_by_a_recorded_extension(api: Api) -> None:
    _, officer = await api.staff("procurement_officer", await api.authority())
    arrangement_id = (await create(api, officer, term_end="2028-12-31"))["id"]
    await add_lot(api, officer, arrangement_id, "LOT-1")
    await waive_publishing_checks(api, officer, arrangement_id)
    await api.client.post(f"{BASE}/{arrangement_id}/publish", headers=api.auth(officer))
    url = f"{BASE}/{arrangement_id}"

    headers = {**api.auth(officer), "If-Match": '"2"'}
    problem(
        await api.client.patch(url, json={"term_end": "2029-02-23"}, headers=headers), 422, "extension_reason_required"
    )
    problem(
        await api.client.patch(url, json={"term_end": "2029-03-01", "extension_reason": "demand"}, headers=headers),
        422,
        "term_too_long",
    )
    extended = await api.client.patch(
        url, json={"term_end": "2029-02-23", "extension_reason": "re-procurement under the Act"}, headers=headers
    )
    assert extended.status_code == 200, extended.text
    assert extended.json()["extensions"] == [
        {
            "previous_end": "2028-12-31",
            "new_end": "2029-02-23",
            "reason": "re-procurement under the Act",
            "at": "2026-11-23T10:00:00Z",
        }
    ]
