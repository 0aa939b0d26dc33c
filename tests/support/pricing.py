"""Pricing scenes built through the API: an arrangement with its lot and price bands."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support import Api, admit_member
from tests.support.frameworks import waive_publishing_checks

ARRANGEMENTS = "/api/v1/arrangements"


async def arrangement(api: Api, officer: str, members: list[int]) -> tuple[int, int]:
    """A published arrangement with one lot (ages 8-12 and 13-17 x standard/complex); (id, lot id)."""
    created = await api.client.post(
        ARRANGEMENTS,
        json={
            "reference": "NW-RES-DPS",
            "title": "North West residential DPS",
            "service_type": "residential",
            "profile_code": "pcr2015_dps",
            "term_start": "2026-04-01",
            "term_end": "2029-02-23",
            "member_authority_ids": members,
        },
        headers=api.auth(officer),
    )
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"{ARRANGEMENTS}/{arrangement_id}/lots",
        json={
            "code": "LOT-1",
            "title": "Children's homes",
            "age_bands": [
                {"label": "8-12", "min_age": 8, "max_age": 12},
                {"label": "13-17", "min_age": 13, "max_age": 17},
            ],
            "need_levels": ["standard", "complex"],
        },
        headers=api.auth(officer),
    )
    assert lot.status_code == 201, lot.text
    await waive_publishing_checks(api, officer, arrangement_id)
    published = await api.client.post(f"{ARRANGEMENTS}/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    return arrangement_id, lot.json()["id"]


def band_body(lot_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "lot_id": lot_id,
        "age_band": "13-17",
        "need_level": "complex",
        "floor_pence": 300_000,
        "ceiling_pence": 450_000,
        "effective_from": "2026-04-01",
        **overrides,
    }


async def add_band(api: Api, officer: str, arrangement_id: int, lot_id: int, **overrides: Any) -> dict[str, Any]:
    response = await api.client.post(
        f"{ARRANGEMENTS}/{arrangement_id}/price-bands", json=band_body(lot_id, **overrides), headers=api.auth(officer)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def setup(api: Api) -> dict[str, Any]:
    lead = await api.authority("Bolton Council", "E08000001")
    member = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", lead)
    _, commissioner = await api.staff("commissioner", member)
    arrangement_id, lot_id = await arrangement(api, officer, [member])
    provider_id, provider = await api.provider("Northern Homes Ltd")
    await admit_member(arrangement_id, lot_id, provider_id, date(2026, 4, 1))
    return {
        "lead": lead,
        "member": member,
        "officer": officer,
        "commissioner": commissioner,
        "arrangement_id": arrangement_id,
        "lot_id": lot_id,
        "provider_id": provider_id,
        "provider": provider,
    }
