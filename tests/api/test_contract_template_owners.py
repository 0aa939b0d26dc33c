"""Contract templates belong to an owner (issue 13, item 4): a council (a consortium's lead for
the consortium) or the national defaults (admins). Only the owner's legal officers approve or
retire, a second legal officer approves (four eyes, per council), and a council's documents are
made from its own version, else its consortium lead's, else the national default."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tests.support import Api, problem
from tests.support.contracts import docx_text, load_templates
from tests.support.placement_contracts import consortium, placed, settings  # noqa: F401 - fixture

BASE = "/api/v1/contract-templates"
CONTRACTS = "/api/v1/contracts"


pytestmark = pytest.mark.usefixtures("no_libreoffice")


def ipa_template(clause: str) -> bytes:
    document = Document()
    document.add_paragraph("Individual Placement Agreement for {{ child.reference }}")
    document.add_paragraph(clause)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def upload(api: Api, token: str, data: bytes, kind: str = "placement_residential") -> dict:
    response = await api.client.post(
        f"{BASE}/{kind}/versions",
        files={"file": (f"{kind}.docx", data, "application/octet-stream")},
        data={"note": "our wording"},
        headers=api.auth(token),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def approve(api: Api, token: str, version_id: int):  # type: ignore[no-untyped-def]
    return await api.client.post(f"{BASE}/versions/{version_id}/approve", headers=api.auth(token))


async def ipa_text(api: Api, placement_id: int, token: str) -> str:
    created = await api.client.post(
        f"{CONTRACTS}/placement-agreements", json={"placement_id": placement_id}, headers=api.auth(token)
    )
    assert created.status_code == 201, created.text
    document = await api.client.get(f"{CONTRACTS}/{created.json()['id']}/document", headers=api.auth(token))
    assert document.status_code == 200, document.text
    return docx_text(document.content)


async def test_another_councils_legal_officer_cannot_approve_retire_or_see_our_template(api: Api) -> None:
    await load_templates(api)
    c = await consortium(api)  # Bolton leads, Wigan is a member
    salford = await api.authority("Salford City Council", "E08000006")
    _, salford_legal = await api.staff("legal_officer", salford)
    wigan = (await api.client.get("/api/v1/authorities", headers=api.auth(await api.admin()))).json()["items"]
    wigan_id = next(a["id"] for a in wigan if a["name"] == "Wigan Council")
    _, wigan_legal2 = await api.staff("legal_officer", wigan_id)

    ours = await upload(api, c.wigan_legal, ipa_template("Clause 9: Wigan's own wording."))
    assert ours["owner_authority_id"] == wigan_id
    # Salford is in no consortium with Wigan: for it our draft does not exist.
    problem(await approve(api, salford_legal, ours["id"]), 404, "not_found")
    problem(await api.client.post(f"{BASE}/versions/{ours['id']}/retire", headers=api.auth(salford_legal)), 404,
            "not_found")  # fmt: skip
    problem(await api.client.get(f"{BASE}/versions/{ours['id']}", headers=api.auth(salford_legal)), 404, "not_found")
    assert ours["id"] not in [
        v["id"] for v in (await api.client.get(BASE, headers=api.auth(salford_legal))).json()["items"]
    ]
    # Bolton leads Wigan's consortium, yet it does not own Wigan's template either.
    problem(await approve(api, c.legal, ours["id"]), 404, "not_found")
    # Admins own the national defaults, not a council's wording.
    problem(await approve(api, await api.admin(), ours["id"]), 403, "permission_denied")

    approved = await approve(api, wigan_legal2, ours["id"])
    assert approved.status_code == 200, approved.text
    problem(await api.client.post(f"{BASE}/versions/{ours['id']}/retire", headers=api.auth(salford_legal)), 404,
            "not_found")  # fmt: skip
    problem(await api.client.post(f"{BASE}/versions/{ours['id']}/retire", headers=api.auth(c.legal)), 404,
            "not_found")  # fmt: skip
    assert (await api.client.get(f"{BASE}/versions/{ours['id']}", headers=api.auth(c.wigan_legal))).json()[
        "status"
    ] == "approved"

    # Wigan sees its consortium lead's wording (its documents may use it) but cannot change it.
    leads = await upload(api, c.legal, ipa_template("Clause 7: the consortium's wording."))
    assert (await api.client.get(f"{BASE}/versions/{leads['id']}", headers=api.auth(c.wigan_legal))).status_code == 200
    problem(await approve(api, c.wigan_legal, leads["id"]), 403, "permission_denied")
    problem(await api.client.post(f"{BASE}/versions/{leads['id']}/retire", headers=api.auth(c.wigan_legal)), 403,
            "permission_denied")  # fmt: skip

    # Nor can a council's legal officer retire (or replace) a national default every council uses.
    national = (await api.client.get(BASE, params={"kind": "decision_letter"}, headers=api.auth(salford_legal))).json()
    [default] = national["items"]
    problem(await api.client.post(f"{BASE}/versions/{default['id']}/retire", headers=api.auth(salford_legal)), 403,
            "permission_denied")  # fmt: skip
    salford_letter = await upload(api, salford_legal, ipa_template("x"), "placement_send")
    assert salford_letter["owner_authority_id"] == salford  # its own, not a national one


async def test_our_placement_agreement_never_contains_another_councils_clause(api: Api) -> None:
    await load_templates(api)
    c = await consortium(api)  # Bolton leads, Wigan places the children
    bolton = await api.authority("Bolton Borough", "E08000099")  # an unrelated council named alike
    salford = await api.authority("Salford City Council", "E08000006")
    admin = await api.admin()
    for council in (bolton, salford):
        put = await api.client.put(f"{BASE}/approval-policies/{council}", json={"four_eyes": False},
                                   headers=api.auth(admin))  # fmt: skip
        assert put.status_code == 200, put.text
    _, salford_legal = await api.staff("legal_officer", salford)
    salford_version = await upload(api, salford_legal, ipa_template("Clause 99: SALFORD ONLY."))
    assert (await approve(api, salford_legal, salford_version["id"])).status_code == 200

    # Salford's approved wording is Salford's: Wigan's agreement comes from the national default.
    first = await placed(api, c)
    text = await ipa_text(api, first["id"], c.wigan_commissioner)
    assert "SALFORD ONLY" not in text
    assert "Wigan Council" in text  # the shipped national template's parties

    # The consortium's lead (Bolton) approves the consortium's wording: Wigan's next IPA uses it.
    lead_version = await upload(api, c.legal, ipa_template("Clause 7: the CONSORTIUM wording."))
    _, bolton_legal2 = await api.staff("legal_officer", lead_version["owner_authority_id"])
    assert (await approve(api, bolton_legal2, lead_version["id"])).status_code == 200
    second = await placed(api, c)
    text = await ipa_text(api, second["id"], c.wigan_commissioner)
    assert "CONSORTIUM wording" in text and "SALFORD ONLY" not in text

    # Wigan's own approved wording comes first; retired, the lead's applies again.
    ours = await upload(api, c.wigan_legal, ipa_template("Clause 8: WIGAN wording."))
    _, wigan_legal2 = await api.staff("legal_officer", ours["owner_authority_id"])
    assert (await approve(api, wigan_legal2, ours["id"])).status_code == 200
    third = await placed(api, c)
    text = await ipa_text(api, third["id"], c.wigan_commissioner)
    assert "WIGAN wording" in text and "CONSORTIUM" not in text and "SALFORD" not in text
    retired = await api.client.post(f"{BASE}/versions/{ours['id']}/retire", headers=api.auth(c.wigan_legal))
    assert retired.status_code == 200, retired.text
    fourth = await placed(api, c)
    assert "CONSORTIUM wording" in await ipa_text(api, fourth["id"], c.wigan_commissioner)


async def test_a_second_legal_officer_approves_unless_the_council_turned_four_eyes_off(api: Api) -> None:
    council = await api.authority()
    uploader_id, uploader = await api.staff("legal_officer", council)
    second_id, second = await api.staff("legal_officer", council)
    draft = await upload(api, uploader, ipa_template("Clause 1."))
    assert draft["uploaded_by"] == uploader_id

    problem(await approve(api, uploader, draft["id"]), 403, "second_approver_required")
    policy = await api.client.get(f"{BASE}/approval-policies/{council}", headers=api.auth(uploader))
    assert policy.json() == {"authority_id": council, "four_eyes": True}
    # A legal officer cannot lift the rule on their own approvals; an admin can, and it is audited.
    problem(await api.client.put(f"{BASE}/approval-policies/{council}", json={"four_eyes": False},
                                 headers=api.auth(uploader)), 403, "permission_denied")  # fmt: skip
    approved = await approve(api, second, draft["id"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_by"] == second_id

    admin = await api.admin()
    off = await api.client.put(
        f"{BASE}/approval-policies/{council}", json={"four_eyes": False}, headers=api.auth(admin)
    )
    assert off.json() == {"authority_id": council, "four_eyes": False}
    events = await api.client.get("/api/v1/audit", params={"action": "contract_template.policy_changed"},
                                  headers=api.auth(admin))  # fmt: skip
    assert [e["after"] for e in events.json()["items"]] == [{"four_eyes": False}]
    alone = await upload(api, uploader, ipa_template("Clause 2."))
    approved_alone = await approve(api, uploader, alone["id"])
    assert approved_alone.status_code == 200, approved_alone.text
    # The one it replaced retired; only one version per owner is approved.
    assert (await api.client.get(f"{BASE}/versions/{draft['id']}", headers=api.auth(second))).json()[
        "status"
    ] == "retired"
