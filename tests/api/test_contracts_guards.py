"""Contracts' guards: what a hostile or careless request does (never a 500), and who may act on a
contract."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tests.support import Api, problem
from tests.support.contracts import load_templates, member

BASE = "/api/v1/contracts"
TEMPLATES = "/api/v1/contract-templates"


pytestmark = pytest.mark.usefixtures("no_libreoffice")


def template_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_a_template_that_errors_or_would_exhaust_the_server_is_a_422_listing_why(api: Api) -> None:
    m = await member(api)
    for source, kind in [
        ("{{ 1 / 0 }}", "render_error"),
        ("{{ '{0.__class__}'|format(1) }}", "render_error"),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "too_expensive"),
        ("{{ lipsum(n=10**7) }}", "too_expensive"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", "too_expensive"),
        ("{{ '%0999999999d' % 1 }}", "too_expensive"),
    ]:
        response = await api.client.post(
            f"{TEMPLATES}/decision_letter/versions",
            files={"file": ("letter.docx", template_with(source), "application/octet-stream")},
            data={"note": "hostile"},
            headers=api.auth(m.legal),
        )
        body = problem(response, 422, "template_invalid")
        assert [p["kind"] for p in body["problems"]] == [kind], (source, body)
    listed = (await api.client.get(TEMPLATES, headers=api.auth(m.legal))).json()["items"]
    assert listed == []  # nothing stored for a refused upload


@pytest.mark.parametrize("huge", [10**20, -(10**20), 2**63])
async def test_unknown_or_out_of_range_ids_are_404_or_400_never_500(api: Api, huge: int) -> None:
    await load_templates(api)
    m = await member(api)
    for path, field in [
        ("membership-agreements", "membership_id"),
        ("decision-letters", "application_id"),
        ("placement-agreements", "placement_id"),
        ("fee-variations", "uplift_id"),
    ]:
        response = await api.client.post(f"{BASE}/{path}", json={field: huge}, headers=api.auth(m.legal))
        assert response.status_code in (400, 404), (path, response.status_code, response.text)
    contract = (
        await api.client.post(
            f"{BASE}/membership-agreements", json={"membership_id": m.membership_id}, headers=api.auth(m.legal)
        )
    ).json()
    await api.client.post(f"{BASE}/{contract['id']}/issue", headers=api.auth(m.legal))
    response = await api.client.post(
        f"{BASE}/{contract['id']}/signed-copy", json={"document_id": huge}, headers=api.auth(m.provider_token)
    )
    assert response.status_code in (400, 404), response.text
    for url in [f"{BASE}/{huge}", f"{TEMPLATES}/versions/{huge}"]:
        response = await api.client.get(url, headers=api.auth(m.legal))
        assert response.status_code in (400, 404), (url, response.status_code, response.text)
    response = await api.client.get(BASE, params={"parent_id": huge}, headers=api.auth(m.legal))
    assert response.status_code in (200, 400), response.text
