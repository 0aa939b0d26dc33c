"""Compliance's guards: existence of another organisation's concerns is not revealed, the regional
search does not show a lot's concerns to councils outside it, and out-of-range figures are refused
with a problem instead of a server error."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support import Api, admit_member, problem
from tests.support.compliance import Consortium, add_requirement, consortium


async def _issued_concern(api: Api, c: Consortium, **body: Any) -> dict[str, Any]:
    response = await api.client.post(
        "/api/v1/concerns",
        json={
            "provider_id": c.provider_id,
            "category": "safeguarding",
            "arrangement_ids": [c.arrangement_id],
            "summary": "Allegation under investigation",
            "suspends_call_offs": True,
            "issue": True,
            **body,
        },
        headers=api.auth(c.commissioner),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_outsiders_acting_on_a_concern_learn_nothing_of_it(api: Api) -> None:
    """A concern is 404 to anyone who may not see it (ISP), for actions as for reads: a council
    outside the arrangement or another provider gets the same answer as for an unknown id."""
    c = await consortium(api)
    concern = await _issued_concern(api, c)
    other_provider_id, other_provider = await api.provider("Elsewhere Care Ltd")
    unknown = concern["id"] + 1000
    for token in (c.outsider_commissioner, other_provider):
        for concern_id in (concern["id"], unknown):
            problem(
                await api.client.post(f"/api/v1/concerns/{concern_id}/issue", headers=api.auth(token)),
                404,
                "not_found",
            )
            problem(
                await api.client.post(
                    f"/api/v1/concerns/{concern_id}/rescind", json={"reason": "x"}, headers=api.auth(token)
                ),
                404,
                "not_found",
            )
            problem(
                await api.client.post(
                    f"/api/v1/concerns/{concern_id}/respond", json={"response": "x"}, headers=api.auth(token)
                ),
                404,
                "not_found",
            )
    # A member council that may see it, but did not issue it, is refused openly.
    problem(
        await api.client.post(
            f"/api/v1/concerns/{concern['id']}/rescind", json={"reason": "x"}, headers=api.auth(c.officer)
        ),
        403,
        "not_issuing_authority",
    )
    seen = await api.client.get(f"/api/v1/concerns/{concern['id']}", headers=api.auth(c.provider))
    assert seen.json()["status"] == "issued"
    assert other_provider_id != c.provider_id


async def test_the_search_shows_a_lots_eligibility_only_to_its_councils(api: Api) -> None:
    """With `lot_id` the search says why each member may not be invited, naming live concerns:
    only the arrangement's councils may learn that (as for the lot's eligibility list)."""
    c = await consortium(api)
    concern = await _issued_concern(api, c)
    inside = await api.client.get(
        "/api/v1/search/settings", params={"lot_id": c.lot_id}, headers=api.auth(c.commissioner)
    )
    assert inside.status_code == 200, inside.text
    assert "live_concern" in [r["code"] for r in inside.json()["items"][0]["reasons"]]
    assert str(concern["id"]) in inside.text
    outside = await api.client.get(
        "/api/v1/search/settings", params={"lot_id": c.lot_id}, headers=api.auth(c.outsider_commissioner)
    )
    problem(outside, 403, "permission_denied")
    # Without a lot the regional database stays open to every council.
    plain = await api.client.get("/api/v1/search/settings", headers=api.auth(c.outsider_commissioner))
    assert [r["setting_id"] for r in plain.json()["items"]] == [c.setting_id]
    assert plain.json()["items"][0]["reasons"] == []


async def test_amounts_beyond_a_bigint_are_refused_not_crashing(api: Api) -> None:
    c = await consortium(api)
    for field in ("cover_pence", "turnover_pence"):
        response = await api.client.post(
            "/api/v1/compliance/evidence",
            json={"requirement_id": c.insurance_id, "expires_on": "2027-03-31", field: 2**63},
            headers=api.auth(c.provider),
        )
        assert response.status_code in (400, 422), response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    response = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/requirements",
        json={"kind": "insurance", "title": "PL", "insurance_kind": "public_liability", "min_cover_pence": 2**63},
        headers=api.auth(c.officer),
    )
    assert response.status_code in (400, 422), response.text


async def test_current_ratios_must_be_finite_positive_and_fit(api: Api) -> None:
    """A current ratio is a positive number with two decimals (stored as numeric(8, 2)); NaN,
    infinities, negative or enormous values are refused and never poison the checks."""
    c = await consortium(api)
    for bad in ("NaN", "Infinity", "-1", "1E+7", "1.195"):
        response = await api.client.post(
            f"/api/v1/compliance/arrangements/{c.arrangement_id}/requirements",
            json={"kind": "accounts", "title": "Accounts", "min_current_ratio": bad},
            headers=api.auth(c.officer),
        )
        problem(response, 422, "invalid_current_ratio")
    accounts = await add_requirement(
        api, c.officer, c.arrangement_id, kind="accounts", title="Accounts", min_current_ratio="1.2"
    )
    # 1.195 would be stored as 1.20 and pass a minimum of 1.2 it does not meet.
    for bad in ("NaN", "-Infinity", "-0.5", "1E+7", "1.195"):
        response = await api.client.post(
            "/api/v1/compliance/evidence",
            json={"requirement_id": accounts["id"], "current_ratio": bad},
            headers=api.auth(c.provider),
        )
        problem(response, 422, "invalid_current_ratio")
    good = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": accounts["id"], "current_ratio": "1.25"},
        headers=api.auth(c.provider),
    )
    assert good.status_code == 201, good.text
    checks = await api.client.get(f"/api/v1/compliance/memberships/{c.membership_id}", headers=api.auth(c.provider))
    assert checks.status_code == 200, checks.text
    outcome = next(x for x in checks.json()["checks"] if x["requirement_id"] == accounts["id"])
    assert outcome["outcome"] == "pass"


async def test_an_ofsted_concern_recorded_by_a_council_outside_an_affected_arrangement_is_issued_by_its_lead(
    api: Api,
) -> None:
    """Only councils holding an arrangement with the provider record its Ofsted judgements (issue 13
    item 1); the concern a judgement raises belongs to the affected arrangements: a recording
    council that is not in every one of them is not made the issuer (it would then rescind a
    concern about an arrangement it takes no part in), the first arrangement's lead is."""
    c = await consortium(api)
    _, outside_officer = await api.staff("procurement_officer", c.outsider)
    refused = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "inadequate", "inspection_date": "2026-11-20"},
        headers=api.auth(outside_officer),
    )
    problem(refused, 403, "no_arrangement_with_provider")
    # Leeds now leads its own residential DPS with the provider as a member.
    created = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": "LD-RES",
            "title": "Leeds residential DPS",
            "service_type": "residential",
            "profile_code": "pcr2015_dps",
            "term_start": "2026-12-01",
            "term_end": "2029-02-23",
        },
        headers=api.auth(outside_officer),
    )
    assert created.status_code == 201, created.text
    lot = await api.client.post(
        f"/api/v1/arrangements/{created.json()['id']}/lots",
        json={"code": "L1", "title": "Homes", "age_bands": [{"label": "8-17", "min_age": 8, "max_age": 17}]},
        headers=api.auth(outside_officer),
    )
    await add_requirement(api, outside_officer, created.json()["id"], kind="ofsted", title="Ofsted")
    await admit_member(created.json()["id"], lot.json()["id"], c.provider_id, date(2026, 12, 1))
    recorded = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "inadequate", "inspection_date": "2026-11-20"},
        headers=api.auth(outside_officer),
    )
    assert recorded.status_code == 201, recorded.text
    [concern_id] = recorded.json()["concern_ids"]
    concern = await api.client.get(f"/api/v1/concerns/{concern_id}", headers=api.auth(c.officer))
    assert concern.json()["issuing_authority_id"] == c.lead
    assert concern.json()["arrangement_ids"] == [c.arrangement_id, created.json()["id"]]


async def test_an_override_for_an_unknown_provider_is_refused(api: Api) -> None:
    c = await consortium(api)
    response = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/overrides",
        json={"requirement_id": c.insurance_id, "provider_id": 999_999, "outcome": "pass", "reason": "seen it"},
        headers=api.auth(c.officer),
    )
    assert response.status_code in (404, 422), response.text
