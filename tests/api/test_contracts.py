"""Contracts over HTTP: generation from a membership and a decision, the lifecycle from issue to
end, who sees what, and electronic signatures tied to the exact document."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.support import Api, pdfs, problem, scalar
from tests.support.contracts import WELSH_PROVIDER, docx_text, load_templates, member, table_rows

BASE = "/api/v1/contracts"


pytestmark = pytest.mark.usefixtures("no_libreoffice")


async def test_membership_agreement_is_generated_issued_signed_activated_and_ended(api: Api) -> None:
    await load_templates(api)
    m = await member(api)

    created = await api.client.post(
        f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.legal)
    )
    assert created.status_code == 201, created.text
    contract = created.json()
    assert contract["kind"] == "membership_agreement"
    assert contract["status"] == "draft"
    assert contract["reference"] == f"MEM-{contract['id']:06d}"
    assert contract["pdf_status"] == "pending"  # LibreOffice absent: pending, not failed
    assert contract["template_kind"] == "membership_agreement"
    template = await api.client.get(
        f"/api/v1/contract-templates/versions/{contract['template_version_id']}", headers=api.auth(m.legal)
    )
    assert template.json()["sha256"] == contract["template_sha256"]
    assert template.json()["status"] == "approved"

    # The document names the parties, the lot and the term exactly as recorded.
    document = await api.client.get(f"{BASE}/{contract['id']}/document", headers=api.auth(m.legal))
    assert document.status_code == 200
    assert document.headers["x-content-sha256"] == contract["document_sha256"]
    assert hashlib.sha256(document.content).hexdigest() == contract["document_sha256"]
    text = docx_text(document.content)
    assert WELSH_PROVIDER in text
    assert "Bolton Council" in text
    assert "LOT-1: Enhanced fostering, 11-15" in text
    assert "Its term runs from 1 December 2026 to 23 February 2029." in text
    assert contract["reference"] in text

    # A draft is the council's work in progress: the provider cannot see it yet.
    problem(await api.client.get(f"{BASE}/{contract['id']}", headers=api.auth(m.provider_token)), 404, "not_found")

    issued = await api.client.post(f"{BASE}/{contract['id']}/issue", headers=api.auth(m.legal))
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued"
    # The provider's users are told.
    told = await api.client.get("/api/v1/notifications", headers=api.auth(m.provider_token))
    assert any(n["kind"] == "contract.issued" for n in told.json()["items"]), told.text

    seen = await api.client.get(BASE, headers=api.auth(m.provider_token))
    assert [c["id"] for c in seen.json()["items"]] == [contract["id"]]

    # A signature must name the document actually sent.
    stale = await api.client.post(
        f"{BASE}/{contract['id']}/sign", json={"document_sha256": "0" * 64}, headers=api.auth(m.provider_token)
    )
    body = problem(stale, 409, "document_hash_mismatch")
    assert body["current_sha256"] == contract["document_sha256"]

    signed = await api.client.post(
        f"{BASE}/{contract['id']}/sign",
        json={"document_sha256": contract["document_sha256"]},
        headers=api.auth(m.provider_token),
    )
    assert signed.status_code == 200, signed.text
    signature = signed.json()["signature"]
    assert signature["method"] == "electronic"
    assert signature["sha256"] == contract["document_sha256"]
    assert signature["at"] == api.clock.now().isoformat().replace("+00:00", "Z")

    # Signing twice is not a step the contract has.
    again = await api.client.post(
        f"{BASE}/{contract['id']}/sign",
        json={"document_sha256": contract["document_sha256"]},
        headers=api.auth(m.provider_token),
    )
    problem(again, 409, "illegal_transition")

    active = await api.client.post(f"{BASE}/{contract['id']}/activate", headers=api.auth(m.officer))
    assert active.json()["status"] == "active"
    ended = await api.client.post(f"{BASE}/{contract['id']}/end", headers=api.auth(m.officer))
    assert ended.json()["status"] == "ended"
    assert ended.headers["etag"] == f'"{ended.json()["version"]}"'

    trail = await api.client.get(
        "/api/v1/audit",
        params={"entity_type": "contract", "entity_id": str(contract["id"])},
        headers=api.auth(await api.admin()),
    )
    assert [e["action"] for e in trail.json()["items"]] == [
        "contract.generated",
        "contract.issued",
        "contract.signed",
        "contract.activated",
        "contract.ended",
    ]

    # Generating it again is refused: one agreement per membership.
    twice = await api.client.post(
        f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.legal)
    )
    assert problem(twice, 409, "already_generated")["contract_id"] == contract["id"]


async def test_other_providers_and_councils_cannot_see_a_contract(api: Api) -> None:
    await load_templates(api)
    m = await member(api)
    contract = (
        await api.client.post(
            f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.officer)
        )
    ).json()
    await api.client.post(f"{BASE}/{contract['id']}/issue", headers=api.auth(m.officer))

    _, other_provider = await api.provider("Another Care Ltd")
    problem(await api.client.get(f"{BASE}/{contract['id']}", headers=api.auth(other_provider)), 404, "not_found")
    problem(
        await api.client.get(f"{BASE}/{contract['id']}/document", headers=api.auth(other_provider)), 404, "not_found"
    )
    assert (await api.client.get(BASE, headers=api.auth(other_provider))).json()["items"] == []

    elsewhere = await api.authority("Manchester City Council", "E08000003")
    _, other_legal = await api.staff("legal_officer", elsewhere)
    problem(await api.client.get(f"{BASE}/{contract['id']}", headers=api.auth(other_legal)), 404, "not_found")
    problem(
        await api.client.post(
            f"{BASE}/{contract['id']}/terminate", json={"reason": "x"}, headers=api.auth(other_legal)
        ),
        404,
        "not_found",
    )
    assert (await api.client.get(BASE, headers=api.auth(other_legal))).json()["items"] == []

    # An evaluator of the lead council does not handle contracts.
    _, evaluator = await api.staff("evaluator", m.lead)
    problem(await api.client.get(f"{BASE}/{contract['id']}", headers=api.auth(evaluator)), 403, "permission_denied")

    # A provider user (not its administrator) may read but not sign.
    own = await api.client.get(f"{BASE}/{contract['id']}", headers=api.auth(m.provider_token))
    assert own.status_code == 200
    problem(
        await api.client.post(
            f"{BASE}/{contract['id']}/sign",
            json={"document_sha256": contract["document_sha256"]},
            headers=api.auth(m.legal),
        ),
        403,
        "permission_denied",
    )


async def test_provider_signs_with_an_uploaded_signed_copy_and_council_terminates_with_reason(api: Api) -> None:
    await load_templates(api)
    m = await member(api)
    contract = (
        await api.client.post(
            f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.legal)
        )
    ).json()
    await api.client.post(f"{BASE}/{contract['id']}/issue", headers=api.auth(m.legal))
    pdf = pdfs.minimal("signed copy")
    uploaded = await api.client.post(
        "/api/v1/documents",
        files={"file": ("signed.pdf", pdf, "application/pdf")},
        data={"document_type": "signed_contract"},
        headers=api.auth(m.provider_token),
    )
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]

    signed = await api.client.post(
        f"{BASE}/{contract['id']}/signed-copy", json={"document_id": document_id}, headers=api.auth(m.provider_token)
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["signature"]["method"] == "signed_copy"
    assert signed.json()["signature"]["document_id"] == document_id
    assert signed.json()["signature"]["sha256"] == hashlib.sha256(pdf).hexdigest()

    problem(
        await api.client.post(f"{BASE}/{contract['id']}/terminate", json={"reason": " "}, headers=api.auth(m.legal)),
        422,
        "reason_required",
    )
    terminated = await api.client.post(
        f"{BASE}/{contract['id']}/terminate",
        json={"reason": "Provider removed from the arrangement"},
        headers=api.auth(m.legal),
    )
    assert terminated.json()["status"] == "terminated"
    assert terminated.json()["termination_reason"] == "Provider removed from the arrangement"
    problem(
        await api.client.post(f"{BASE}/{contract['id']}/activate", headers=api.auth(m.legal)), 409, "illegal_transition"
    )


async def test_decision_letter_lists_every_lot_with_its_reasons(api: Api) -> None:
    from dps.frameworks import tables as fw

    await load_templates(api)
    m = await member(api)
    lot2 = await api.client.post(
        f"/api/v1/arrangements/{m.arrangement_id}/lots",
        json={"code": "LOT-2", "title": "Parent & child", "age_bands": [], "need_levels": [], "areas": []},
        headers=api.auth(m.officer),
    )
    assert lot2.status_code == 201, lot2.text
    submitted = datetime(2026, 11, 2, 9, tzinfo=UTC)
    decided = datetime(2026, 11, 16, 15, tzinfo=UTC)
    rows = await fw.Application.insert(
        fw.Application(
            arrangement=m.arrangement_id,
            provider=m.provider_id,
            status="decided",
            lot_ids=[m.lot_id, lot2.json()["id"]],
            submitted_at=submitted,
            decided_at=decided,
            created_at=submitted,
        )
    ).returning(fw.Application.id)
    application_id = rows[0]["id"]
    await fw.LotDecision.insert(
        fw.LotDecision(
            application=application_id,
            lot=m.lot_id,
            decision="admit",
            reasons="Met every pass/fail question & scored above 60%.",
            weighted_total=Decimal("72.50"),
            decided_at=decided,
        ),
        fw.LotDecision(
            application=application_id,
            lot=lot2.json()["id"],
            decision="reject",
            reasons='Below the 60% threshold on "safeguarding" <section 3>.',
            weighted_total=Decimal("48.00"),
            decided_at=decided,
        ),
    )

    response = await api.client.post(
        f"{BASE}/decision-letters", json={"application_id": application_id}, headers=api.auth(m.officer)
    )
    assert response.status_code == 201, response.text
    letter = response.json()
    assert letter["kind"] == "decision_letter"
    document = await api.client.get(f"{BASE}/{letter['id']}/document", headers=api.auth(m.officer))
    rows_ = table_rows(document.content)
    assert [
        "LOT-1: Enhanced fostering, 11-15",
        "Admitted",
        "72.5%",
        "Met every pass/fail question & scored above 60%.",
    ] in rows_
    assert [
        "LOT-2: Parent & child",
        "Not admitted",
        "48%",
        'Below the 60% threshold on "safeguarding" <section 3>.',
    ] in rows_
    text = docx_text(document.content)
    assert "submitted on 2 November 2026" in text
    assert "decision on 16 November 2026" in text

    await api.client.post(f"{BASE}/{letter['id']}/issue", headers=api.auth(m.officer))
    # A letter is a notice: there is nothing to sign.
    problem(
        await api.client.post(
            f"{BASE}/{letter['id']}/sign",
            json={"document_sha256": letter["document_sha256"]},
            headers=api.auth(m.provider_token),
        ),
        422,
        "not_signable",
    )


async def test_generation_needs_an_approved_template_and_pdf_is_pending_without_libreoffice(api: Api) -> None:
    m = await member(api)
    refused = await api.client.post(
        f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.legal)
    )
    problem(refused, 422, "no_approved_template")
    assert await scalar("SELECT count(*) FROM contracts") == 0

    await load_templates(api)
    contract = (
        await api.client.post(
            f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.legal)
        )
    ).json()
    problem(await api.client.get(f"{BASE}/{contract['id']}/pdf", headers=api.auth(m.legal)), 409, "pdf_not_ready")
