"""The README's walk-through of story 4, replayed call for call on the demo data (issue 12, "dead
ends"): Manchester's commissioner raises a placement request, a member offers, Manchester's
evaluator marks, the commissioner awards, and Manchester's own legal officer issues the IPA and
countersigns it once the provider has signed: no admin, demo users only. Also: a refusal names
the verb attempted, and the author of a document can read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dps.core.context import Context
from dps.core.settings import Settings
from dps.demo import DEMO_PASSWORD, STAFF, seed_demo
from tests.support import Api, problem, settings_for
from tests.support.contracts import NO_LIBREOFFICE
from tests.support.placement_contracts import consortium, placed

COUNCIL_ROLES = {"procurement_officer", "evaluator", "legal_officer", "commissioner"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, token_days=365)


pytestmark = pytest.mark.usefixtures("no_libreoffice")


def test_every_demo_council_has_the_staff_a_real_council_has() -> None:
    roles: dict[int, set[str]] = {}
    for role, _, _, council in STAFF:
        roles.setdefault(council, set()).add(role.value)
    assert roles == {council: COUNCIL_ROLES for council in range(6)}
    emails = [email for _, email, _, _ in STAFF]
    assert len(emails) == len(set(emails))
    assert {"legal.manchester@demo.dps.test", "officer.manchester@demo.dps.test"} <= set(emails)


async def test_story_4_from_the_demo_data_to_a_countersigned_ipa(api: Api) -> None:
    walk = await manchesters_commissioner_finds_the_dps_and_its_lot_1(api)
    await an_urgent_placement_request_is_raised_and_published(api, walk)
    await harbour_house_offers_from_its_bolton_home(api, walk)
    await after_the_deadline_manchesters_evaluator_marks_and_the_commissioner_awards(api, walk)
    await manchesters_legal_officer_issues_the_ipa_the_commissioner_may_not(api, walk)
    await the_provider_signs_and_manchesters_legal_officer_countersigns(api, walk)


@dataclass
class Walk:
    """What the steps of the walk-through share: the demo users' headers as they sign in, the DPS and its lot 1 and,
    as they come, the call-off, the offer, the placement and its IPA."""

    commissioner: dict[str, str]
    dps: dict[str, Any]
    lot: dict[str, Any]
    deadline: datetime | None = None
    call_off: dict[str, Any] = field(default_factory=dict)
    provider: dict[str, str] = field(default_factory=dict)
    offer: dict[str, Any] = field(default_factory=dict)
    placement: dict[str, Any] = field(default_factory=dict)
    legal: dict[str, str] = field(default_factory=dict)
    ipa_id: int = 0


async def login(api: Api, email: str) -> dict[str, str]:
    """The headers of a demo user signed in with the demo password."""
    response = await api.client.post("/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return api.auth(response.json()["token"])


async def ok(response: Any, status: int = 200) -> dict[str, Any]:
    """The body of a response that has this status."""
    assert response.status_code == status, response.text
    return dict(response.json())


async def manchesters_commissioner_finds_the_dps_and_its_lot_1(api: Api) -> Walk:
    """On the demo data, Manchester's commissioner signs in and finds the residential DPS and its lot 1."""
    await seed_demo(Context(None, api.clock, api.app.state.settings, api.app.state.store, converter=NO_LIBREOFFICE))
    c = api.client
    commissioner = await login(api, "commissioner@demo.dps.test")  # Manchester
    arrangements = await ok(await c.get("/api/v1/arrangements", headers=commissioner))
    dps = next(a for a in arrangements["items"] if a["reference"] == "PNW-RES-DPS-2026")
    lots = await ok(await c.get(f"/api/v1/arrangements/{dps['id']}/lots", headers=commissioner))
    lot = next(item for item in lots["items"] if item["code"] == "LOT-1")
    return Walk(commissioner=commissioner, dps=dps, lot=lot)


async def an_urgent_placement_request_is_raised_and_published(api: Api, walk: Walk) -> None:
    """The commissioner raises a placement request with offers due in 90 seconds and publishes it."""
    c, commissioner, dps, lot = api.client, walk.commissioner, walk.dps, walk.lot
    deadline = api.clock.now() + timedelta(seconds=90)
    call_off = await ok(
        await c.post(
            "/api/v1/call-offs",
            json={
                "arrangement_id": dps["id"],
                "lot_id": lot["id"],
                "title": "Young person, 14, residential",
                "child": {"age": 14, "sex": "female", "needs": ["social_emotional_mental_health"],
                          "need_level": "standard", "home_district": "M14", "placement_type": "long_term",
                          "start_date": (api.clock.now().date() + timedelta(days=14)).isoformat()},
                "criteria": {"questions": [{"text": "How will you help her settle?", "max_score": 5,
                                            "weight": "100"}],
                             "quality_weight": "60", "price_weight": "30", "proximity_weight": "10"},
                "deadline": deadline.isoformat(),
                "urgent_reason": "emergency placement; every member agreed a 90-second window (demo)",
            },
            headers=commissioner,
        ),
        201,
    )  # fmt: skip
    published = await ok(await c.post(f"/api/v1/call-offs/{call_off['id']}/publish", headers=commissioner))
    assert published["status"] == "published"
    walk.deadline, walk.call_off = deadline, call_off


async def harbour_house_offers_from_its_bolton_home(api: Api, walk: Walk) -> None:
    """Harbour House Care (provider2, a member of lot 1) offers from its Bolton home."""
    c, call_off = api.client, walk.call_off
    provider = await login(api, "provider2@demo.dps.test")
    me = await ok(await c.get("/api/v1/me", headers=provider))
    settings = await ok(await c.get(f"/api/v1/providers/{me['organisation_id']}/settings", headers=provider))
    offer = await ok(
        await c.post(
            f"/api/v1/call-offs/{call_off['id']}/offers",
            json={"setting_id": settings["items"][0]["id"], "weekly_fee_pence": 490_000,
                  "start_date": call_off["child"]["start_date"],
                  "answers": [{"question_id": 1, "text": "A keyworker she meets before she moves in"}]},
            headers=provider,
        ),
        201,
    )  # fmt: skip
    walk.provider, walk.offer = provider, offer


async def after_the_deadline_manchesters_evaluator_marks_and_the_commissioner_awards(api: Api, walk: Walk) -> None:
    """After the deadline the commissioner puts Manchester's evaluator on the panel, who marks; the commissioner
    evaluates and awards, and the placement is recorded."""
    c, commissioner, call_off, offer = api.client, walk.commissioner, walk.call_off, walk.offer
    assert walk.deadline is not None
    api.clock.set(walk.deadline + timedelta(seconds=1))
    closed = await ok(await c.post(f"/api/v1/call-offs/{call_off['id']}/close", headers=commissioner))
    assert closed["status"] == "closed"
    evaluator = await login(api, "evaluator2@demo.dps.test")  # Manchester
    evaluator_id = (await ok(await c.get("/api/v1/me", headers=evaluator)))["user_id"]
    panel = await c.post(
        f"/api/v1/call-offs/{call_off['id']}/evaluators", json={"evaluator_ids": [evaluator_id]}, headers=commissioner
    )
    assert panel.status_code in (200, 201, 204), panel.text
    marked = await c.post(
        f"/api/v1/call-offs/{call_off['id']}/offers/{offer['id']}/marks",
        json={"marks": [{"question_id": 1, "score": 4, "rationale": "a clear, child-centred plan"}]},
        headers=evaluator,
    )
    assert marked.status_code == 204, marked.text
    await ok(await c.post(f"/api/v1/call-offs/{call_off['id']}/evaluate", headers=commissioner))
    awarded = await ok(
        await c.post(f"/api/v1/call-offs/{call_off['id']}/award", json={"offer_id": offer["id"]}, headers=commissioner)
    )
    assert awarded["status"] == "concluded"
    placements = await ok(await c.get("/api/v1/placements", headers=commissioner))
    walk.placement = next(p for p in placements["items"] if p["call_off_id"] == call_off["id"])


async def manchesters_legal_officer_issues_the_ipa_the_commissioner_may_not(api: Api, walk: Walk) -> None:
    """Manchester's legal officer makes the IPA (or finds the one the scheduler made) and issues it; the
    commissioner's attempt is refused with a reason that names the verb attempted."""
    c, commissioner = api.client, walk.commissioner
    legal = await login(api, "legal.manchester@demo.dps.test")
    made = await c.post("/api/v1/contracts/placement-agreements", json={"placement_id": walk.placement["id"]},
                        headers=legal)  # fmt: skip
    ipa_id = made.json().get("id") or made.json()["contract_id"]
    assert made.status_code in (201, 409), made.text
    # A commissioner may raise and award, but issuing is for officers and legal officers; the
    # refusal says what was attempted.
    refused = problem(await c.post(f"/api/v1/contracts/{ipa_id}/issue", headers=commissioner), 403,
                      "permission_denied")  # fmt: skip
    assert "may issue this" in refused["detail"] and "generate" not in refused["detail"]
    issued = await ok(await c.post(f"/api/v1/contracts/{ipa_id}/issue", headers=legal))
    assert issued["status"] == "issued"
    walk.legal, walk.ipa_id = legal, ipa_id


async def the_provider_signs_and_manchesters_legal_officer_countersigns(api: Api, walk: Walk) -> None:
    """The provider signs the exact document; Manchester's legal officer countersigns and the IPA is active."""
    c, provider, legal, ipa_id = api.client, walk.provider, walk.legal, walk.ipa_id
    contract = await ok(await c.get(f"/api/v1/contracts/{ipa_id}", headers=provider))
    signed = await ok(
        await c.post(f"/api/v1/contracts/{ipa_id}/sign", json={"document_sha256": contract["document_sha256"]},
                     headers=provider)
    )  # fmt: skip
    assert signed["status"] == "signed"
    active = await ok(await c.post(f"/api/v1/contracts/{ipa_id}/activate", headers=legal))
    assert active["status"] == "active" and active["authority_ids"] == [walk.placement["authority_id"]]


async def test_the_officer_who_generated_a_fee_variation_can_read_it(api: Api) -> None:
    from tests.support.contracts import load_templates

    await load_templates(api)
    c = await consortium(api)  # Bolton leads; Wigan places
    await placed(api, c)
    uplift = await api.client.post(
        "/api/v1/uplifts",
        json={"arrangement_id": c.arrangement_id, "description": "April 2027 uplift", "effective_on": "2027-04-01",
              "method": "flat", "flat_percentage": "3.8"},
        headers=api.auth(c.officer),
    )  # fmt: skip
    assert uplift.status_code == 201, uplift.text
    applied = await api.client.post(f"/api/v1/uplifts/{uplift.json()['id']}/apply", headers=api.auth(c.officer))
    assert applied.status_code == 200, applied.text
    issued = await api.client.post(
        "/api/v1/contracts/fee-variations", json={"uplift_id": uplift.json()["id"]}, headers=api.auth(c.officer)
    )
    assert issued.status_code == 200, issued.text
    [variation] = issued.json()["created"]
    assert variation["authority_ids"] != []  # Wigan's placement, generated by Bolton's officer

    read = await api.client.get(f"/api/v1/contracts/{variation['id']}", headers=api.auth(c.officer))
    assert read.status_code == 200, read.text
    document = await api.client.get(f"/api/v1/contracts/{variation['id']}/document", headers=api.auth(c.officer))
    assert document.status_code == 200, document.text
    listed = await api.client.get("/api/v1/contracts", params={"kind": "fee_variation"}, headers=api.auth(c.officer))
    assert [v["id"] for v in listed.json()["items"]] == [variation["id"]]
    # Bolton's legal officer, who did not generate it, still does not see Wigan's variation: to a
    # council not party to it, it does not exist.
    problem(await api.client.get(f"/api/v1/contracts/{variation['id']}", headers=api.auth(c.legal)), 404,
            "not_found")  # fmt: skip
