"""The template registry over HTTP: legal officers upload versions that are checked in a sandbox,
approve them (retiring the previous one), and the variables catalogue tells them what they may use."""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document

from tests.support import Api, problem
from tests.support.contracts import WELSH_PROVIDER, docx_text, load_templates, member

BASE = "/api/v1/contract-templates"


pytestmark = pytest.mark.usefixtures("no_libreoffice")


def template_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def upload(api: Api, token: str, kind: str, data: bytes, note: str = "clause 5 reworded"):  # type: ignore[no-untyped-def]
    return await api.client.post(
        f"{BASE}/{kind}/versions",
        files={"file": (f"{kind}.docx", data, "application/octet-stream")},
        data={"note": note},
        headers=api.auth(token),
    )


async def test_a_legal_officer_uploads_approves_and_new_documents_use_the_new_version(api: Api) -> None:
    await load_templates(api)
    m = await member(api)
    versions = (await api.client.get(BASE, params={"kind": "membership_agreement"}, headers=api.auth(m.legal))).json()
    [shipped] = versions["items"]
    assert (shipped["version"], shipped["status"], shipped["uploaded_by"]) == (1, "approved", None)

    data = template_with("Membership agreement {{ agreement.reference }}", "Between {{ provider.name }} and us.")
    uploaded = await upload(api, m.legal, "membership_agreement", data)
    assert uploaded.status_code == 201, uploaded.text
    draft = uploaded.json()
    # The council's own first version; the shipped one is the national default (no owner).
    assert (draft["version"], draft["status"], draft["note"]) == (1, "draft", "clause 5 reworded")
    assert (draft["owner_authority_id"], shipped["owner_authority_id"]) == (m.lead, None)
    assert draft["sha256"] == hashlib.sha256(data).hexdigest()
    assert draft["uploaded_by"] == m.legal_user

    # A draft is not used: documents still come from the national default. A second legal
    # officer of the council approves it (four eyes).
    second_user, second = await api.staff("legal_officer", m.lead)
    approved = await api.client.post(f"{BASE}/versions/{draft['id']}/approve", headers=api.auth(second))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == second_user
    old = await api.client.get(f"{BASE}/versions/{shipped['id']}", headers=api.auth(m.legal))
    assert old.json()["status"] == "approved"  # other councils still use the national default

    contract = (
        await api.client.post(
            "/api/v1/contracts/membership-agreements",
            json={"membership_id": m.membership_id},
            headers=api.auth(m.legal),
        )
    ).json()
    assert contract["template_version_id"] == draft["id"]
    assert contract["template_sha256"] == draft["sha256"]
    document = await api.client.get(f"/api/v1/contracts/{contract['id']}/document", headers=api.auth(m.legal))
    assert docx_text(document.content).splitlines()[:2] == [
        f"Membership agreement {contract['reference']}",
        f"Between {WELSH_PROVIDER} and us.",
    ]

    content = await api.client.get(f"{BASE}/versions/{draft['id']}/content", headers=api.auth(m.legal))
    assert content.content == data

    # Approved once is approved; a council's legal officer does not touch the national default.
    problem(
        await api.client.post(f"{BASE}/versions/{draft['id']}/approve", headers=api.auth(second)),
        409,
        "illegal_transition",
    )
    problem(
        await api.client.post(f"{BASE}/versions/{shipped['id']}/approve", headers=api.auth(m.legal)),
        403,
        "permission_denied",
    )


async def test_a_template_with_unknown_variables_or_python_internals_is_refused_with_every_reason(api: Api) -> None:
    lead = await api.authority()
    _, legal = await api.staff("legal_officer", lead)
    data = template_with(
        "{{ variation.reference }}",
        "{{ child.name }}",
        "{{ provider.nmae }}",
        "{{ ''.__class__.__mro__ }}",
    )
    body = problem(await upload(api, legal, "fee_variation", data), 422, "template_invalid")
    problems = body["problems"]
    assert sorted(p["kind"] for p in problems) == ["sandbox_violation", "undefined_variable", "undefined_variable"]
    messages = " | ".join(p["message"] for p in problems)
    assert "'child' is undefined" in messages
    assert "nmae" in messages
    assert "__class__" in messages

    syntax = problem(await upload(api, legal, "fee_variation", template_with("{% if %}")), 422, "template_invalid")
    assert [p["kind"] for p in syntax["problems"]] == ["syntax_error"]

    # Nothing was stored.
    assert (await api.client.get(BASE, headers=api.auth(legal))).json()["items"] == []
    # Not a Word document at all.
    problem(await upload(api, legal, "fee_variation", b"%PDF-1.4 not a template"), 415, "unsupported_media_type")


async def test_only_legal_officers_change_templates_and_providers_do_not_read_them(api: Api) -> None:
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    _, provider = await api.provider()
    data = template_with("{{ variation.reference }}")
    problem(await upload(api, officer, "fee_variation", data), 403, "permission_denied")
    problem(await upload(api, provider, "fee_variation", data), 403, "permission_denied")
    problem(await api.client.get(f"{BASE}/variables", headers=api.auth(provider)), 403, "permission_denied")
    problem(await api.client.get(BASE, headers=api.auth(provider)), 403, "permission_denied")
    problem(await upload(api, officer, "no_such_kind", data), 400, "validation_failed")


async def test_the_variables_catalogue_lists_every_kind_with_types_descriptions_and_samples(api: Api) -> None:
    lead = await api.authority()
    _, legal = await api.staff("legal_officer", lead)
    response = await api.client.get(f"{BASE}/variables", headers=api.auth(legal))
    assert response.status_code == 200
    kinds = {k["kind"]: {v["name"]: v for v in k["variables"]} for k in response.json()["kinds"]}
    assert set(kinds) == {
        "placement_fostering",
        "placement_residential",
        "placement_supported_accommodation",
        "placement_send",
        "membership_agreement",
        "fee_variation",
        "decision_letter",
    }
    ipa = kinds["placement_send"]
    assert ipa["placement.notice_days"] == {
        "name": "placement.notice_days",
        "type": "integer",
        "description": "days of notice either party gives to end the placement (28 by default)",
        "sample": 28,
    }
    assert ipa["fee_lines[].weekly_amount"]["type"] == "money"
    assert ipa["child.reference"]["sample"] == "CH-2026-0042"
    assert kinds["fee_variation"]["new_weekly_fee"]["sample"] == "£6,315.77"
    assert kinds["decision_letter"]["decisions[].outcome"]["sample"] == "Admitted"
