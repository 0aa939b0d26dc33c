"""Compliance through the API: requirements and the dynamic-market lock, evidence permissions,
bad PDFs, overrides, Ofsted grade changes, quality visits and action plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.support import Api, admit_member, pdfs, problem
from tests.support.compliance import (
    TEN_MILLION,
    Consortium,
    add_requirement,
    consortium,
    eligibility,
    upload_certificate,
)
from tests.support.frameworks import waive_publishing_checks


async def test_a_dynamic_markets_requirements_are_frozen_once_open(api: Api) -> None:
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    created = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": "DM-1",
            "title": "Dynamic market for supported accommodation",
            "service_type": "supported_accommodation",
            "profile_code": "pa2023_dynamic_market",
            "term_start": "2027-01-04",
            "term_end": "2030-01-03",
        },
        headers=api.auth(officer),
    )
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={"code": "L1", "title": "16-17", "age_bands": [{"label": "16-17", "min_age": 16, "max_age": 17}]},
        headers=api.auth(officer),
    )
    gateway = await add_requirement(
        api,
        officer,
        arrangement_id,
        kind="ofsted",
        title="Outcome 1 or 2",
        accepted_grades=["sa_outcome_1", "sa_outcome_2"],
    )
    assert gateway["accepted_grades"] == ["sa_outcome_1", "sa_outcome_2"]
    assert gateway["per_setting"] is True
    await waive_publishing_checks(api, officer, arrangement_id)
    published = await api.client.post(f"/api/v1/arrangements/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text

    late = await api.client.post(
        f"/api/v1/compliance/arrangements/{arrangement_id}/requirements",
        json={"kind": "dbs_policy", "title": "DBS policy"},
        headers=api.auth(officer),
    )
    problem(late, 409, "conditions_locked")
    removed = await api.client.delete(
        f"/api/v1/compliance/arrangements/{arrangement_id}/requirements/{gateway['id']}", headers=api.auth(officer)
    )
    problem(removed, 409, "conditions_locked")


async def test_requirement_terms_are_checked(api: Api) -> None:
    c = await consortium(api)
    below = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/requirements",
        json={
            "kind": "insurance",
            "title": "EL",
            "insurance_kind": "employers_liability",
            "min_cover_pence": 5_000_000_00 - 1,
        },
        headers=api.auth(c.officer),
    )
    problem(below, 422, "below_statutory_minimum")
    no_bands = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/requirements",
        json={"kind": "credit_score", "title": "Credit"},
        headers=api.auth(c.officer),
    )
    problem(no_bands, 422, "credit_bands_required")
    # A member council's commissioner cannot set the lead's requirements.
    refused = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/requirements",
        json={"kind": "dbs_policy", "title": "DBS"},
        headers=api.auth(c.commissioner),
    )
    problem(refused, 403, "permission_denied")
    listed = await api.client.get(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/requirements", headers=api.auth(c.provider)
    )
    assert [r["kind"] for r in listed.json()["items"]] == ["insurance", "ofsted"]


async def test_a_provider_cannot_see_or_use_another_providers_evidence(api: Api) -> None:
    c = await consortium(api)
    other_id, other = await api.provider()
    document_id = await upload_certificate(api, c.provider, pdfs.insurance_schedule())
    attached = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "document_id": document_id, "expires_on": "2027-03-31"},
        headers=api.auth(c.provider),
    )
    assert attached.status_code == 201, attached.text
    evidence_id = attached.json()["id"]

    # To another provider its evidence does not exist (issue 13 item 10: no 403 that confirms an id).
    problem(
        await api.client.get(f"/api/v1/compliance/evidence/{evidence_id}", headers=api.auth(other)),
        404,
        "not_found",
    )
    problem(
        await api.client.get(
            "/api/v1/compliance/evidence", params={"provider_id": c.provider_id}, headers=api.auth(other)
        ),
        403,
        "permission_denied",
    )
    assert (await api.client.get("/api/v1/compliance/evidence", headers=api.auth(other))).json()["items"] == []
    problem(
        await api.client.get(f"/api/v1/compliance/memberships/{c.membership_id}", headers=api.auth(other)),
        404,
        "not_found",
    )
    # Nor attach someone else's document, nor read values out of it.
    stolen = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "document_id": document_id, "expires_on": "2027-03-31"},
        headers=api.auth(other),
    )
    problem(stolen, 403, "not_your_document")
    peek = await api.client.post(
        "/api/v1/compliance/extractions",
        json={"document_id": document_id, "kind": "insurance_certificate"},
        headers=api.auth(other),
    )
    problem(peek, 404, "not_found")  # another provider's document does not exist for it
    # Council staff read it: checks are done once and shared.
    read = await api.client.get(f"/api/v1/compliance/evidence/{evidence_id}", headers=api.auth(c.commissioner))
    assert read.status_code == 200
    assert read.json()["provider_id"] == c.provider_id
    # Officers do not attach evidence on a provider's behalf.
    problem(
        await api.client.post(
            "/api/v1/compliance/evidence",
            json={"requirement_id": c.insurance_id, "expires_on": "2027-03-31"},
            headers=api.auth(c.officer),
        ),
        403,
        "permission_denied",
    )
    assert other_id != c.provider_id


async def test_bad_pdfs_give_a_clear_answer(api: Api) -> None:
    c = await consortium(api)
    scan = await upload_certificate(api, c.provider, pdfs.image_only())
    nothing = await api.client.post(
        "/api/v1/compliance/extractions",
        json={"document_id": scan, "kind": "insurance_certificate"},
        headers=api.auth(c.provider),
    )
    assert nothing.status_code == 200, nothing.text
    assert nothing.json()["found"] is False
    assert nothing.json()["message"] == "nothing found in the PDF's text"
    assert nothing.json()["covers"] == []
    # A password-protected PDF is refused when uploaded: nobody could read it (nor check it).
    problem(
        await api.client.post(
            "/api/v1/documents",
            files={"file": ("certificate.pdf", pdfs.encrypted(), "application/pdf")},
            data={"document_type": "insurance_certificate"},
            headers=api.auth(c.provider),
        ),
        422,
        "pdf_encrypted",
    )
    report = await upload_certificate(api, c.provider, pdfs.ofsted_childrens_home("SC512345", "outstanding"))
    read = await api.client.post(
        "/api/v1/compliance/extractions",
        json={"document_id": report, "kind": "ofsted_report"},
        headers=api.auth(c.officer),
    )
    assert read.status_code == 200, read.text
    assert {k: read.json()[k] for k in ("urn", "inspection_date", "overall_effectiveness", "pages")} == {
        "urn": "SC512345",
        "inspection_date": "2026-03-12",
        "overall_effectiveness": "outstanding",
        "pages": 3,
    }


async def test_an_officer_overrides_a_review_result_with_a_reason(api: Api) -> None:
    c = await consortium(api)
    credit = await add_requirement(
        api,
        c.officer,
        c.arrangement_id,
        kind="credit_score",
        title="Credit score",
        credit_bands={"accept_from": 51, "review_from": 21},
    )
    await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2027-11-30", "cover_pence": TEN_MILLION},
        headers=api.auth(c.provider),
    )
    scored = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": credit["id"], "credit_score": 50, "issuer": "Creditsafe"},
        headers=api.auth(c.provider),
    )
    assert scored.status_code == 201
    verdict = await eligibility(api, c)
    assert verdict["eligible"] is False
    assert verdict["reasons"][0]["code"] == "compliance_review"
    assert "credit score 50 is in the review band (21-50)" in verdict["reasons"][0]["detail"]

    refused = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/overrides",
        json={"requirement_id": credit["id"], "provider_id": c.provider_id, "outcome": "pass", "reason": "ok"},
        headers=api.auth(c.commissioner),
    )
    problem(refused, 403, "permission_denied")
    overridden = await api.client.post(
        f"/api/v1/compliance/arrangements/{c.arrangement_id}/overrides",
        json={
            "requirement_id": credit["id"],
            "provider_id": c.provider_id,
            "outcome": "pass",
            "reason": "Parent company guarantee seen",
        },
        headers=api.auth(c.officer),
    )
    assert overridden.status_code == 201, overridden.text
    (summary,) = overridden.json()
    assert summary["compliance_status"] == "compliant"
    (check,) = [x for x in summary["checks"] if x["requirement_id"] == credit["id"]]
    assert check == {
        "requirement_id": credit["id"],
        "setting_id": None,
        "mandatory": True,
        "outcome": "pass",
        "reason": "officer override: Parent company guarantee seen",
        "evidence_id": scored.json()["id"],
        "expires_on": None,
        "overridden": True,
        "renewal_id": None,
    }
    assert (await eligibility(api, c))["eligible"] is True
    trail = await api.client.get("/api/v1/audit", params={"action": "check.overridden"}, headers=api.auth(c.officer))
    assert [e["after"]["reason"] for e in trail.json()["items"]] == ["Parent company guarantee seen"]


async def test_an_inadequate_grade_suspends_and_issues_an_ofsted_concern(api: Api) -> None:
    c = await consortium(api)
    await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": c.insurance_id, "expires_on": "2027-11-30", "cover_pence": TEN_MILLION},
        headers=api.auth(c.provider),
    )
    # A provider cannot record its own grade.
    problem(
        await api.client.post(
            f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
            json={"grade": "outstanding", "inspection_date": "2026-11-01"},
            headers=api.auth(c.provider),
        ),
        403,
        "permission_denied",
    )
    recorded = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "inadequate", "inspection_date": "2026-11-12"},
        headers=api.auth(c.officer),
    )
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert body["suspended_membership_ids"] == [c.membership_id]
    (concern_id,) = body["concern_ids"]

    setting = await api.client.get(
        f"/api/v1/providers/{c.provider_id}/settings/{c.setting_id}", headers=api.auth(c.provider)
    )
    assert (setting.json()["ofsted_grade"], setting.json()["last_inspection_date"]) == ("inadequate", "2026-11-12")
    membership = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert membership.json()["status"] == "suspended"
    concern = await api.client.get(f"/api/v1/concerns/{concern_id}", headers=api.auth(c.commissioner))
    assert concern.status_code == 200
    assert (concern.json()["category"], concern.json()["status"], concern.json()["suspends_call_offs"]) == (
        "ofsted_judgement",
        "issued",
        True,
    )
    assert concern.json()["arrangement_ids"] == [c.arrangement_id]
    reasons = {r["code"] for r in (await eligibility(api, c))["reasons"]}
    assert reasons == {"membership_not_active", "grade_gateway", "live_concern"}

    # The re-inspection finds the home good again: the membership is reinstated (the concern stays
    # until the issuing council rescinds it).
    again = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"grade": "good", "inspection_date": "2026-11-20"},
        headers=api.auth(c.officer),
    )
    assert again.status_code == 201
    assert again.json()["suspended_membership_ids"] == []
    membership = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert membership.json()["status"] == "active"
    assert [r["code"] for r in (await eligibility(api, c))["reasons"]] == ["live_concern"]


async def test_the_suspension_on_inadequate_is_configurable_per_arrangement(api: Api) -> None:
    c = await consortium(api)
    # A second residential DPS led by Wigan whose gateway does not suspend automatically.
    _, wigan_officer = await api.staff("procurement_officer", c.member)
    created = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": "WG-RES",
            "title": "Wigan residential DPS",
            "service_type": "residential",
            "profile_code": "pcr2015_dps",
            "term_start": "2026-12-01",
            "term_end": "2029-02-23",
        },
        headers=api.auth(wigan_officer),
    )
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={"code": "L1", "title": "Homes", "age_bands": [{"label": "8-17", "min_age": 8, "max_age": 17}]},
        headers=api.auth(wigan_officer),
    )
    await add_requirement(
        api, wigan_officer, arrangement_id, kind="ofsted", title="Ofsted", suspend_on_failing_grade=False
    )
    other_membership = await admit_member(arrangement_id, lot.json()["id"], c.provider_id, date(2026, 12, 1))

    recorded = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/ofsted-judgements",
        json={"registration_withdrawn": True},
        headers=api.auth(c.officer),
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["suspended_membership_ids"] == [c.membership_id]
    kept = await api.client.get(f"/api/v1/memberships/{other_membership}", headers=api.auth(wigan_officer))
    assert kept.json()["status"] == "active"
    concern = await api.client.get(f"/api/v1/concerns/{recorded.json()['concern_ids'][0]}", headers=api.auth(c.officer))
    assert concern.json()["category"] == "registration_withdrawn"
    assert concern.json()["arrangement_ids"] == [c.arrangement_id]


async def test_quality_visits_forms_a_to_d_and_the_action_plan(api: Api) -> None:
    story = await the_provider_describes_its_home_in_form_a(api)
    await councils_record_forms_b_and_c(api, story)
    await the_visits_are_seen_by_the_councils_that_hold_an_arrangement(api, story)
    await the_provider_completes_the_action(api, story)


@dataclass
class VisitStory:
    """What the steps of the quality visits story share: the consortium, another provider, an evaluator and, once
    found, the action."""

    c: Consortium
    other_id: int
    other: str
    evaluator: str
    action: dict[str, Any] = field(default_factory=dict)


async def the_provider_describes_its_home_in_form_a(api: Api) -> VisitStory:
    """The provider completes Form A, its own description of the home."""
    c = await consortium(api)
    other_id, other = await api.provider()
    _, evaluator = await api.staff("evaluator", c.lead)
    form_a = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/visits",
        json={"form": "A", "visited_on": "2026-11-02", "description": "A four-bed home for children aged 8-17"},
        headers=api.auth(c.provider),
    )
    assert form_a.status_code == 201, form_a.text
    return VisitStory(c=c, other_id=other_id, other=other, evaluator=evaluator)


async def councils_record_forms_b_and_c(api: Api, story: VisitStory) -> None:
    """Only councils record forms B-D: a verification visit with a finding, then a practitioner's visit."""
    c, other, evaluator = story.c, story.other, story.evaluator
    # Only the provider completes Form A; only councils forms B-D.
    problem(
        await api.client.post(
            f"/api/v1/compliance/settings/{c.setting_id}/visits",
            json={"form": "A", "visited_on": "2026-11-02", "description": "fake"},
            headers=api.auth(other),
        ),
        403,
        "permission_denied",
    )
    problem(
        await api.client.post(
            f"/api/v1/compliance/settings/{c.setting_id}/visits",
            json={"form": "B", "visited_on": "2026-11-02", "checklist": []},
            headers=api.auth(c.provider),
        ),
        403,
        "permission_denied",
    )
    form_b = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/visits",
        json={
            "form": "B",
            "visited_on": "2026-11-10",
            "summary": "Verification visit",
            "checklist": [
                {"item": "Registration certificate displayed", "verified": True},
                {"item": "Fire risk assessment in date", "verified": False, "note": "expired in October"},
            ],
            "notes": "Manager cooperative",
            "findings": [
                {"finding": "Renew the fire risk assessment", "owner": "Registered manager", "due_on": "2026-12-10"}
            ],
        },
        headers=api.auth(c.officer),
    )
    assert form_b.status_code == 201, form_b.text
    (action,) = form_b.json()["actions"]
    assert (action["status"], action["owner"], action["due_on"]) == ("open", "Registered manager", "2026-12-10")
    form_c = await api.client.post(
        f"/api/v1/compliance/settings/{c.setting_id}/visits",
        json={
            "form": "C",
            "visited_on": "2026-11-15",
            "atmosphere": "Warm and homely",
            "staff_and_children": "Relaxed, respectful",
            "childrens_views": "Two children said they feel safe and like their rooms",
            "complaints_route": "Children know how to complain and have an advocate",
        },
        headers=api.auth(evaluator),
    )
    assert form_c.status_code == 201, form_c.text
    problem(
        await api.client.post(
            f"/api/v1/compliance/settings/{c.setting_id}/visits",
            json={"form": "D", "visited_on": "2026-11-15", "atmosphere": "wrong form"},
            headers=api.auth(c.officer),
        ),
        422,
        "field_not_in_form",
    )
    problem(
        await api.client.post(
            f"/api/v1/compliance/settings/{c.setting_id}/visits",
            json={"form": "C", "visited_on": "2026-11-15", "atmosphere": "only this"},
            headers=api.auth(c.officer),
        ),
        422,
        "form_incomplete",
    )
    story.action = action


async def the_visits_are_seen_by_the_councils_that_hold_an_arrangement(api: Api, story: VisitStory) -> None:
    """Recorded once, seen by every council holding an arrangement with the provider and by the provider."""
    c, other = story.c, story.other
    # Recorded once, seen by every council holding an arrangement with the provider and by the
    # provider; not by other providers nor councils outside (issue 13 item 10).
    for token in (c.commissioner, c.provider):
        listed = await api.client.get(f"/api/v1/compliance/settings/{c.setting_id}/visits", headers=api.auth(token))
        assert [v["form"] for v in listed.json()["items"]] == ["A", "B", "C"]
    problem(
        await api.client.get(
            f"/api/v1/compliance/settings/{c.setting_id}/visits", headers=api.auth(c.outsider_commissioner)
        ),
        403,
        "no_arrangement_with_provider",
    )
    problem(
        await api.client.get(f"/api/v1/compliance/settings/{c.setting_id}/visits", headers=api.auth(other)),
        403,
        "permission_denied",
    )
    listed = await api.client.get(f"/api/v1/compliance/settings/{c.setting_id}/visits", headers=api.auth(c.officer))
    assert listed.json()["items"][1]["details"]["checklist"][1] == {
        "item": "Fire risk assessment in date",
        "verified": False,
        "note": "expired in October",
    }


async def the_provider_completes_the_action(api: Api, story: VisitStory) -> None:
    """The provider marks the finding's action done; no one else moves it."""
    c, other_id, other, action = story.c, story.other_id, story.other, story.action
    moved = await api.client.post(
        f"/api/v1/compliance/action-items/{action['id']}/status", json={"status": "done"}, headers=api.auth(c.provider)
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.json()["version"]) == ("done", 2)
    problem(
        await api.client.post(
            f"/api/v1/compliance/action-items/{action['id']}/status", json={"status": "open"}, headers=api.auth(other)
        ),
        404,
        "not_found",
    )
    problem(
        await api.client.post(
            f"/api/v1/compliance/action-items/{action['id']}/status",
            json={"status": "open"},
            headers=api.auth(c.provider),
        ),
        409,
        "illegal_transition",
    )
    assert other_id != c.provider_id
