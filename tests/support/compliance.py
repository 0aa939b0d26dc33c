"""A consortium for compliance tests built through the API: requirements, members, certificates
uploaded, the clock moved, eligibility read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tests.support import Api, admit_member
from tests.support.frameworks import waive_publishing_checks

TEN_MILLION = 10_000_000_00


@dataclass
class Consortium:
    lead: int
    member: int
    outsider: int
    officer: str
    commissioner: str
    outsider_commissioner: str
    arrangement_id: int
    lot_id: int
    provider_id: int
    provider: str
    setting_id: int
    membership_id: int
    insurance_id: int
    ofsted_id: int
    emails: dict[str, str] = field(default_factory=dict)


TOKENS = ("officer", "commissioner", "outsider_commissioner", "provider")


async def travel(api: Api, c: Consortium, at: datetime) -> None:
    """Move the clock; bearer tokens last 12 hours, so everyone signs in again."""
    if not c.emails:
        for name in TOKENS:
            me = await api.client.get("/api/v1/me", headers=api.auth(getattr(c, name)))
            c.emails[name] = me.json()["email"]
    api.clock.set(at)
    for name in TOKENS:
        setattr(c, name, await api.login(c.emails[name]))


async def consortium(api: Api) -> Consortium:
    """Bolton leads a residential DPS with Wigan as a member; Leeds takes no part. One provider with
    one children's home is an active member of the lot. The DPS asks for GBP 10m employer's
    liability cover and a not-Inadequate Ofsted grade."""
    lead = await api.authority("Bolton Council", "E08000001")
    member = await api.authority("Wigan Council", "E08000010")
    outsider = await api.authority("Leeds City Council", "E08000035")
    _, officer = await api.staff("procurement_officer", lead)
    _, commissioner = await api.staff("commissioner", member)
    _, outsider_commissioner = await api.staff("commissioner", outsider)
    created = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": "NW-RES-DPS",
            "title": "North West residential DPS",
            "service_type": "residential",
            "profile_code": "pcr2015_dps",
            "term_start": "2026-12-01",
            "term_end": "2029-02-23",
            "member_authority_ids": [member],
        },
        headers=api.auth(officer),
    )
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={
            "code": "LOT-1",
            "title": "Residential 8-17",
            "age_bands": [{"label": "8-17", "min_age": 8, "max_age": 17}],
            "need_levels": ["standard"],
            "areas": [],
        },
        headers=api.auth(officer),
    )
    assert lot.status_code == 201, lot.text
    insurance = await add_requirement(
        api,
        officer,
        arrangement_id,
        kind="insurance",
        title="Employer's liability GBP 10m",
        insurance_kind="employers_liability",
        min_cover_pence=TEN_MILLION,
    )
    ofsted = await add_requirement(api, officer, arrangement_id, kind="ofsted", title="Ofsted: not Inadequate")
    await waive_publishing_checks(api, officer, arrangement_id)
    published = await api.client.post(f"/api/v1/arrangements/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    provider_id, provider = await api.provider("Brightside Children's Homes Ltd")
    setting = await api.setting(provider_id, provider, postcode="BL1 1AA", ofsted_grade="good")
    membership_id = await admit_member(arrangement_id, lot.json()["id"], provider_id, date(2026, 12, 1))
    return Consortium(
        lead,
        member,
        outsider,
        officer,
        commissioner,
        outsider_commissioner,
        arrangement_id,
        lot.json()["id"],
        provider_id,
        provider,
        setting["id"],
        membership_id,
        insurance["id"],
        ofsted["id"],
    )


async def add_requirement(api: Api, token: str, arrangement_id: int, **body: Any) -> dict[str, Any]:
    response = await api.client.post(
        f"/api/v1/compliance/arrangements/{arrangement_id}/requirements", json=body, headers=api.auth(token)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def upload_certificate(api: Api, token: str, content: bytes) -> int:
    response = await api.client.post(
        "/api/v1/documents",
        files={"file": ("certificate.pdf", content, "application/pdf")},
        data={"document_type": "insurance_certificate"},
        headers=api.auth(token),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def eligibility(api: Api, c: Consortium) -> dict[str, Any]:
    response = await api.client.get(f"/api/v1/compliance/lots/{c.lot_id}/eligibility", headers=api.auth(c.commissioner))
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["setting_id"] == c.setting_id
    return dict(item)


async def compliance(api: Api, c: Consortium, token: str | None = None) -> dict[str, Any]:
    response = await api.client.get(
        f"/api/v1/compliance/memberships/{c.membership_id}", headers=api.auth(token or c.officer)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())
