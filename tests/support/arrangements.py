"""Arrangements and lots built through the API: the request bodies and the officer's calls that create them."""

from __future__ import annotations

from typing import Any

from tests.support import Api

BASE = "/api/v1/arrangements"


def arrangement_body(**overrides: Any) -> dict[str, Any]:
    return {
        "reference": "NW-CHILD-DPS-2026",
        "title": "North West children's residential DPS",
        "service_type": "residential",
        "profile_code": "pcr2015_dps",
        "term_start": "2027-01-04",
        "term_end": "2029-02-23",
        **overrides,
    }


def lot_body(code: str, **overrides: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"Lot {code}",
        "age_bands": [{"label": "8-12", "min_age": 8, "max_age": 12}, {"label": "13-17", "min_age": 13, "max_age": 17}],
        "need_levels": ["standard", "complex"],
        "areas": ["E08000001"],
        **overrides,
    }


async def create(api: Api, token: str, **overrides: Any) -> dict[str, Any]:
    response = await api.client.post(BASE, json=arrangement_body(**overrides), headers=api.auth(token))
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"1"'
    return dict(response.json())


async def add_lot(api: Api, token: str, arrangement_id: int, code: str) -> dict[str, Any]:
    response = await api.client.post(f"{BASE}/{arrangement_id}/lots", json=lot_body(code), headers=api.auth(token))
    assert response.status_code == 201, response.text
    return dict(response.json())
