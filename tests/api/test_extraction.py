"""Issue 12: extraction proposes values with the page and line they came from, proposes nothing
where the document says there is no cover, and no grade from an interim inspection."""

from __future__ import annotations

from typing import Any

from tests.support import Api, pdfs


async def read(api: Api, token: str, content: bytes, kind: str) -> dict[str, Any]:
    uploaded = await api.client.post(
        "/api/v1/documents",
        files={"file": ("evidence.pdf", content, "application/pdf")},
        data={"document_type": "insurance_certificate" if kind == "insurance_certificate" else "ofsted_report"},
        headers=api.auth(token),
    )
    assert uploaded.status_code == 201, uploaded.text
    response = await api.client.post(
        "/api/v1/compliance/extractions",
        json={"document_id": uploaded.json()["id"], "kind": kind},
        headers=api.auth(token),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_each_proposed_value_says_the_page_and_line_it_came_from(api: Api) -> None:
    _, provider = await api.provider()

    body = await read(api, provider, pdfs.insurance_letter(), "insurance_certificate")

    assert body["pages"] == 3
    assert body["covers"] == [
        {
            "insurance_kind": "employers_liability",
            "limit_pence": 10_000_000_00,
            "source": {"page": 2, "line": "Section 1 - Employer's Liability"},
            "limit_source": {"page": 2, "line": "Limit of indemnity: GBP 10m any one occurrence including costs"},
        },
        {
            "insurance_kind": "historical_abuse",
            "limit_pence": 5_000_000_00,
            "source": {"page": 2, "line": "Section 2 - Historical Abuse and Molestation"},
            "limit_source": {"page": 2, "line": "Limit of indemnity: £5 million in the aggregate"},
        },
    ]
    assert (body["starts_on"], body["expires_on"]) == ("2026-04-01", "2027-03-31")
    assert body["sources"] == {
        "starts_on": {"page": 2, "line": "Inception date: 1st April 2026"},
        "expires_on": {"page": 2, "line": "Expiry date: 31 March 2027"},
        "insurer": {"page": 2, "line": "Underwritten by: Lexington Care Underwriting Ltd"},
    }


async def test_a_broker_letter_proposes_no_cover_it_says_is_not_insured(api: Api) -> None:
    _, provider = await api.provider()

    body = await read(api, provider, pdfs.broker_letter(), "insurance_certificate")

    assert [(c["insurance_kind"], c["limit_pence"]) for c in body["covers"]] == [("public_liability", 5_000_000_00)]
    assert body["covers"][0]["limit_source"]["line"].startswith("Public liability: limit of indemnity £5,000,000")
    assert body["sources"]["expires_on"] == {"page": 1, "line": "Policy period: 23 August 2025 to 22 August 2026"}


async def test_an_interim_inspection_proposes_no_grade(api: Api) -> None:
    _, provider = await api.provider()

    body = await read(api, provider, pdfs.ofsted_interim(), "ofsted_report")

    assert body["overall_effectiveness"] is None
    assert body["interim_inspection"] is True
    assert body["inspection_date"] == "2026-09-09"
    assert "overall_effectiveness" not in body["sources"]
    assert body["sources"]["urn"] == {"page": 1, "line": "Unique reference number: SC498765"}


async def test_a_supported_accommodation_outcome_sentence_is_read_as_its_outcome(api: Api) -> None:
    _, provider = await api.provider()

    body = await read(api, provider, pdfs.ofsted_supported_accommodation(2), "ofsted_report")

    assert body["overall_effectiveness"] == "sa_outcome_2"
    assert body["sources"]["overall_effectiveness"] == {
        "page": 1,
        "line": "Inconsistent quality of service delivery adversely affects some children's",
    }
