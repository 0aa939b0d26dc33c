"""DESIGN.md stories 5 and 6 through the API: an expired certificate suspends and a new one
reinstates, an early renewal keeps the provider compliant; a concern suspends from call-offs and
rescinding restores; with the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dps.compliance.services.checks import on_evidence_expired
from dps.core import deadlines
from dps.core.context import Context
from tests.support import Api, pdfs, problem
from tests.support.compliance import (
    TEN_MILLION,
    Consortium,
    compliance,
    consortium,
    eligibility,
    travel,
    upload_certificate,
)


async def audit_actions(api: Api, token: str, entity_type: str, entity_id: int) -> list[str]:
    response = await api.client.get(
        "/api/v1/audit", params={"entity_type": entity_type, "entity_id": str(entity_id)}, headers=api.auth(token)
    )
    assert response.status_code == 200, response.text
    return [e["action"] for e in response.json()["items"]]


async def test_story_5_an_expired_certificate_suspends_and_a_new_one_reinstates(api: Api) -> None:
    story = await a_member_without_its_certificate_is_not_eligible(api)
    await the_provider_attaches_its_certificate_from_the_pdf(api, story)
    await thirty_days_before_expiry_it_shows_as_expiring(api, story)
    await on_expiry_the_membership_is_suspended(api, story)
    await a_renewed_certificate_reinstates_it(api, story)
    await the_audit_trail_tells_the_story(api, story)
    await an_early_renewal_takes_over_without_a_suspension(api, story)


@dataclass
class Story5:
    """What the steps of story 5 share: the consortium and, as they come, the certificate, its evidence, the
    scheduler's context and the renewal."""

    c: Consortium
    document_id: int = 0
    evidence_id: int = 0
    ctx: Any = None
    renewed: Any = None


async def a_member_without_its_certificate_is_not_eligible(api: Api) -> Story5:
    """With nothing attached the membership is non-compliant and its home cannot be invited."""
    c = await consortium(api)

    # With nothing attached the membership is non-compliant and its home cannot be invited.
    before = await compliance(api, c)
    assert before["compliance_status"] == "non_compliant"
    assert {(x["requirement_id"], x["outcome"]) for x in before["checks"]} == {
        (c.insurance_id, "missing"),
        (c.ofsted_id, "pass"),
    }
    assert "compliance_missing" in [r["code"] for r in (await eligibility(api, c))["reasons"]]
    return Story5(c=c)


async def the_provider_attaches_its_certificate_from_the_pdf(api: Api, story: Story5) -> None:
    """The provider uploads its certificate, confirms the values the PDF proposes and is eligible."""
    c = story.c
    # The provider uploads its certificate; the PDF proposes the values to confirm.
    document_id = await upload_certificate(api, c.provider, pdfs.insurance_schedule())
    proposed = await api.client.post(
        "/api/v1/compliance/extractions",
        json={"document_id": document_id, "kind": "insurance_certificate"},
        headers=api.auth(c.provider),
    )
    assert proposed.status_code == 200, proposed.text
    values = proposed.json()
    assert values["found"] is True
    assert {k: values["covers"][0][k] for k in ("insurance_kind", "limit_pence")} == {
        "insurance_kind": "employers_liability",
        "limit_pence": TEN_MILLION,
    }
    assert (values["starts_on"], values["expires_on"]) == ("2026-04-01", "2027-03-31")

    attached = await api.client.post(
        "/api/v1/compliance/evidence",
        json={
            "requirement_id": c.insurance_id,
            "document_id": document_id,
            "issuer": values["insurer"],
            "starts_on": values["starts_on"],
            "expires_on": values["expires_on"],
            "cover_pence": values["covers"][0]["limit_pence"],
        },
        headers=api.auth(c.provider),
    )
    assert attached.status_code == 201, attached.text
    evidence_id = attached.json()["id"]
    assert attached.json()["insurance_kind"] == "employers_liability"
    assert (await compliance(api, c, c.provider))["compliance_status"] == "compliant"
    assert (await eligibility(api, c)) == {
        "setting_id": c.setting_id,
        "provider_id": c.provider_id,
        "membership_id": c.membership_id,
        "eligible": True,
        "reasons": [],
    }
    story.document_id = document_id
    story.evidence_id = evidence_id


async def thirty_days_before_expiry_it_shows_as_expiring(api: Api, story: Story5) -> None:
    """Thirty days before expiry the membership shows as expiring."""
    c = story.c
    # Thirty days before expiry the membership shows as expiring.
    await travel(api, c, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    assert (await compliance(api, c))["compliance_status"] == "expiring"


async def on_expiry_the_membership_is_suspended(api: Api, story: Story5) -> None:
    """The scheduler's rule suspends the membership on the day the certificate lapses, not before."""
    c, evidence_id = story.c, story.evidence_id
    # The scheduler's rule runs on the day the certificate lapses (the day after its expiry date);
    # running it early changes nothing.
    ctx = Context(None, api.clock, api.app.state.settings, api.app.state.store)
    await travel(api, c, datetime(2027, 3, 31, 23, 0, tzinfo=UTC))
    await on_evidence_expired(ctx, evidence_id)
    assert (await eligibility(api, c))["eligible"] is True
    await travel(api, c, datetime(2027, 4, 1, 6, 0, tzinfo=UTC))
    await on_evidence_expired(ctx, evidence_id)
    await on_evidence_expired(ctx, evidence_id)  # idempotent

    membership = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert membership.json()["status"] == "suspended"
    assert "expired on 2027-03-31" in membership.json()["status_reason"]
    after = await compliance(api, c)
    assert after["compliance_status"] == "non_compliant"
    assert [x["outcome"] for x in after["checks"] if x["requirement_id"] == c.insurance_id] == ["expired"]
    verdict = await eligibility(api, c)
    assert verdict["eligible"] is False
    assert [r["code"] for r in verdict["reasons"]] == ["membership_not_active", "compliance_expired"]
    notes = (await api.client.get("/api/v1/notifications", headers=api.auth(c.provider))).json()["items"]
    assert [n["kind"] for n in notes] == ["evidence.expired"]
    story.ctx = ctx


async def a_renewed_certificate_reinstates_it(api: Api, story: Story5) -> None:
    """An expired certificate cannot be attached; one a penny short does not reinstate; a renewed one does."""
    c, document_id, evidence_id = story.c, story.document_id, story.evidence_id
    # An expired certificate cannot be attached; a renewed one reinstates the membership.
    stale = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2027-03-31", "cover_pence": TEN_MILLION},
        headers=api.auth(c.provider),
    )
    problem(stale, 422, "evidence_expired")
    short = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2028-03-31", "cover_pence": TEN_MILLION - 1},
        headers=api.auth(c.provider),
    )
    assert short.status_code == 201
    assert (await eligibility(api, c))["eligible"] is False  # one penny short keeps it suspended
    renewed = await api.client.post(
        "/api/v1/compliance/evidence",
        json={
            "requirement_id": c.insurance_id,
            "document_id": document_id,
            "starts_on": "2027-04-01",
            "expires_on": "2028-03-31",
            "cover_pence": TEN_MILLION,
        },
        headers=api.auth(c.provider),
    )
    assert renewed.status_code == 201, renewed.text
    membership = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert membership.json()["status"] == "active"
    assert (await eligibility(api, c))["eligible"] is True
    history = await api.client.get(
        "/api/v1/compliance/evidence",
        params={"provider_id": c.provider_id, "include_replaced": "true"},
        headers=api.auth(c.officer),
    )
    assert [(e["id"], e["status"]) for e in history.json()["items"]] == [
        (evidence_id, "replaced"),
        (short.json()["id"], "replaced"),
        (renewed.json()["id"], "current"),
    ]
    story.renewed = renewed


async def the_audit_trail_tells_the_story(api: Api, story: Story5) -> None:
    """The membership's and the evidence's audit trails."""
    c, evidence_id = story.c, story.evidence_id
    # The audit trail tells the story.
    assert await audit_actions(api, c.officer, "membership", c.membership_id) == [
        "membership.suspended",
        "membership.reinstated",
    ]
    assert await audit_actions(api, c.officer, "evidence", evidence_id) == ["evidence.attached", "evidence.expired"]


async def an_early_renewal_takes_over_without_a_suspension(api: Api, story: Story5) -> None:
    """Next year's certificate attached early takes over at the expiry: nothing is suspended."""
    c, ctx, renewed = story.c, story.ctx, story.renewed
    # Early renewal (issue 12): a month before the next expiry the provider attaches next year's
    # certificate; it is held alongside, the membership stays compliant and eligible, and the
    # expiry suspends nothing because the renewal takes over the next day.
    await travel(api, c, datetime(2028, 3, 1, 9, 0, tzinfo=UTC))
    early = await api.client.post(
        "/api/v1/compliance/evidence",
        json={
            "requirement_id": c.insurance_id,
            "starts_on": "2028-04-01",
            "expires_on": "2029-03-31",
            "cover_pence": TEN_MILLION,
        },
        headers=api.auth(c.provider),
    )
    assert early.status_code == 201, early.text
    assert (await compliance(api, c, c.provider))["compliance_status"] == "compliant"
    assert (await eligibility(api, c))["eligible"] is True
    await travel(api, c, datetime(2028, 4, 1, 6, 0, tzinfo=UTC))
    await on_evidence_expired(ctx, renewed.json()["id"])
    membership = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert membership.json()["status"] == "active"
    checks = (await compliance(api, c))["checks"]
    assert [(x["outcome"], x["evidence_id"]) for x in checks if x["requirement_id"] == c.insurance_id] == [
        ("pass", early.json()["id"])
    ]


async def test_story_6_a_concern_suspends_from_call_offs_until_rescinded(api: Api) -> None:
    story = await an_insured_member_is_eligible(api)
    await a_member_council_drafts_a_concern(api, story)
    await the_issued_concern_suspends_the_provider_from_call_offs(api, story)
    await the_provider_responds(api, story)
    await the_issuing_council_rescinds_it(api, story)


@dataclass
class Story6:
    """What the steps of story 6 share: the consortium, another provider and, once raised, the concern."""

    c: Consortium
    other_provider_id: int
    other_provider: str
    concern: dict[str, Any] = field(default_factory=dict)


async def an_insured_member_is_eligible(api: Api) -> Story6:
    """The member attaches its insurance and is eligible; another provider registers."""
    c = await consortium(api)
    await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2027-11-30", "cover_pence": TEN_MILLION},
        headers=api.auth(c.provider),
    )
    assert (await eligibility(api, c))["eligible"] is True
    other_provider_id, other_provider = await api.provider()
    return Story6(c=c, other_provider_id=other_provider_id, other_provider=other_provider)


async def a_member_council_drafts_a_concern(api: Api, story: Story6) -> None:
    """Wigan (a member council) drafts a safeguarding concern; only Wigan sees the draft."""
    c = story.c
    # Wigan (a member council) drafts a safeguarding concern; only Wigan sees the draft.
    raised = await api.client.post(
        "/api/v1/concerns",
        json={
            "provider_id": c.provider_id,
            "setting_id": c.setting_id,
            "category": "safeguarding",
            "arrangement_ids": [c.arrangement_id],
            "summary": "Allegation against a member of staff; LADO referral made",
            "actions_taken": "Placements reviewed; no new placements while the LADO enquiry runs",
            "review_on": "2027-01-15",
            "suspends_call_offs": True,
        },
        headers=api.auth(c.commissioner),
    )
    assert raised.status_code == 201, raised.text
    concern = raised.json()
    assert (concern["status"], concern["issuing_authority_id"]) == ("draft", c.member)
    problem(await api.client.get(f"/api/v1/concerns/{concern['id']}", headers=api.auth(c.officer)), 404, "not_found")
    problem(await api.client.get(f"/api/v1/concerns/{concern['id']}", headers=api.auth(c.provider)), 404, "not_found")
    assert (await eligibility(api, c))["eligible"] is True  # a draft suspends nothing
    story.concern = concern


async def the_issued_concern_suspends_the_provider_from_call_offs(api: Api, story: Story6) -> None:
    """Wigan issues the concern: the members and the provider see it; the provider drops out of new call-offs."""
    c, other_provider, concern = story.c, story.other_provider, story.concern
    # Only the issuing council issues it (to others the draft does not exist, as for reading it);
    # then every member council and the provider see it.
    problem(
        await api.client.post(f"/api/v1/concerns/{concern['id']}/issue", headers=api.auth(c.officer)),
        404,
        "not_found",
    )
    issued = await api.client.post(f"/api/v1/concerns/{concern['id']}/issue", headers=api.auth(c.commissioner))
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued"
    assert await deadlines.next_check("concern", concern["id"]) == api.clock.now()  # its review date is watched
    for token in (c.officer, c.commissioner, c.provider):
        seen = await api.client.get("/api/v1/concerns", headers=api.auth(token))
        assert [x["id"] for x in seen.json()["items"]] == [concern["id"]], token
    # Never another provider, never a council outside the arrangement.
    for token in (other_provider, c.outsider_commissioner):
        assert (await api.client.get("/api/v1/concerns", headers=api.auth(token))).json()["items"] == []
        problem(await api.client.get(f"/api/v1/concerns/{concern['id']}", headers=api.auth(token)), 404, "not_found")
    problem(
        await api.client.get(
            "/api/v1/concerns", params={"provider_id": c.provider_id}, headers=api.auth(other_provider)
        ),
        403,
        "permission_denied",
    )
    officer_notes = (await api.client.get("/api/v1/notifications", headers=api.auth(c.officer))).json()["items"]
    assert [n["kind"] for n in officer_notes] == ["concern.issued"]

    verdict = await eligibility(api, c)
    assert verdict["eligible"] is False
    assert verdict["reasons"] == [
        {"code": "live_concern", "detail": f"concern {concern['id']} suspends the provider from new call-offs"}
    ]
    # The membership itself stays active: the concern keeps the provider out of new call-offs only.
    membership = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert membership.json()["status"] == "active"


async def the_provider_responds(api: Api, story: Story6) -> None:
    """The provider responds; to another provider the concern does not exist."""
    c, other_provider, concern = story.c, story.other_provider, story.concern
    # The provider responds; to another provider the concern does not exist.
    problem(
        await api.client.post(
            f"/api/v1/concerns/{concern['id']}/respond", json={"response": "not us"}, headers=api.auth(other_provider)
        ),
        404,
        "not_found",
    )
    responded = await api.client.post(
        f"/api/v1/concerns/{concern['id']}/respond",
        json={"response": "Staff member suspended; LADO enquiry closed with no further action"},
        headers=api.auth(c.provider),
    )
    assert responded.status_code == 200, responded.text
    assert responded.json()["status"] == "responded"


async def the_issuing_council_rescinds_it(api: Api, story: Story6) -> None:
    """Only the issuing council rescinds; eligibility returns; the trail is the issuing council's."""
    c, other_provider_id, concern = story.c, story.other_provider_id, story.concern
    # Only the issuing council rescinds; eligibility returns.
    problem(
        await api.client.post(
            f"/api/v1/concerns/{concern['id']}/rescind", json={"reason": "rectified"}, headers=api.auth(c.officer)
        ),
        403,
        "not_issuing_authority",
    )
    rescinded = await api.client.post(
        f"/api/v1/concerns/{concern['id']}/rescind",
        json={"reason": "LADO enquiry closed; safer recruitment audit satisfactory"},
        headers=api.auth(c.commissioner),
    )
    assert rescinded.status_code == 200, rescinded.text
    assert rescinded.json()["status"] == "rescinded"
    assert rescinded.headers["etag"] == '"4"'
    assert (await eligibility(api, c))["eligible"] is True
    problem(
        await api.client.post(
            f"/api/v1/concerns/{concern['id']}/rescind", json={"reason": "again"}, headers=api.auth(c.commissioner)
        ),
        409,
        "illegal_transition",
    )
    # The trail is the issuing council's (the audit is scoped to the councils that acted on a record).
    _, member_officer = await api.staff("procurement_officer", c.member)
    assert await audit_actions(api, member_officer, "concern", concern["id"]) == [
        "concern.created",
        "concern.issued",
        "concern.responded",
        "concern.rescinded",
    ]
    assert other_provider_id != c.provider_id


async def test_a_non_member_council_cannot_raise_a_concern_about_the_arrangement(api: Api) -> None:
    c = await consortium(api)
    refused = await api.client.post(
        "/api/v1/concerns",
        json={
            "provider_id": c.provider_id,
            "category": "quality",
            "arrangement_ids": [c.arrangement_id],
            "summary": "Complaint from a child's social worker",
        },
        headers=api.auth(c.outsider_commissioner),
    )
    problem(refused, 403, "not_a_member_authority")
