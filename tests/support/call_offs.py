"""A call-off scene built through the API: a published arrangement with one lot, its staff and members,
call-offs raised and published, offers, marks and the panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from piccolo.querystring import QueryString

from dps.accounts import repository as accounts
from dps.core.credentials import new_token, token_digest
from dps.core.db import DB
from dps.core.settings import Settings
from tests.conftest import START
from tests.support import Api, admit_member, settings_for
from tests.support.frameworks import waive_publishing_checks

CALL_OFFS = "/api/v1/call-offs"


TEN_MILLION = 1_000_000_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """These tests move the clock over weeks (offer periods, standstills): tokens outlive them."""
    return settings_for(tmp_path, token_days=60)


@dataclass
class Scene:
    arrangement_id: int
    lot_id: int
    authority_id: int
    officer: str
    commissioner: str
    evaluators: list[str]
    evaluator_ids: list[int]


async def scene(api: Api, profile: str = "pcr2015_dps", *, insurance: bool = False, **arrangement: Any) -> Scene:
    """A published arrangement led by Bolton with one lot, a commissioner, an officer, two evaluators;
    with `insurance`, members must hold employer's liability cover of GBP 10m."""
    authority_id = await api.authority()
    _, officer = await api.staff("procurement_officer", authority_id)
    _, commissioner = await api.staff("commissioner", authority_id)
    staff = [await api.staff("evaluator", authority_id) for _ in range(2)]
    evaluators, evaluator_ids = [token for _, token in staff], [user_id for user_id, _ in staff]
    created = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": "NW-RES-DPS",
            "title": "North West residential DPS",
            "service_type": "residential",
            "profile_code": profile,
            "term_start": "2026-11-01",
            "term_end": "2029-02-23" if profile == "pcr2015_dps" else "2029-10-31",
            **arrangement,
        },
        headers=api.auth(officer),
    )
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={
            "code": "LOT-1",
            "title": "Children's homes 8-17",
            "age_bands": [
                {"label": "8-12", "min_age": 8, "max_age": 12},
                {"label": "13-17", "min_age": 13, "max_age": 17},
            ],
            "need_levels": ["standard", "complex"],
        },
        headers=api.auth(officer),
    )
    assert lot.status_code == 201, lot.text
    if insurance:
        requirement = await api.client.post(
            f"/api/v1/compliance/arrangements/{arrangement_id}/requirements",
            json={"kind": "insurance", "title": "Employer's liability GBP 10m",
                  "insurance_kind": "employers_liability", "min_cover_pence": TEN_MILLION},
            headers=api.auth(officer),
        )  # fmt: skip
        assert requirement.status_code == 201, requirement.text
    await waive_publishing_checks(api, officer, arrangement_id)
    published = await api.client.post(f"/api/v1/arrangements/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    return Scene(arrangement_id, lot.json()["id"], authority_id, officer, commissioner, evaluators, evaluator_ids)


async def member(api: Api, s: Scene, postcode: str = "M5 4WT", **setting: Any) -> tuple[int, str, int]:
    """A provider admitted to the lot with one setting; returns (provider id, token, setting id)."""
    provider_id, token = await api.provider()
    created = await api.setting(provider_id, token, postcode=postcode, **setting)
    await admit_member(s.arrangement_id, s.lot_id, provider_id, date(2026, 11, 1))
    return provider_id, token, int(created["id"])


def call_off_body(s: Scene, deadline: datetime, **overrides: Any) -> dict[str, Any]:
    return {
        "arrangement_id": s.arrangement_id,
        "lot_id": s.lot_id,
        "title": "Girl, 12, long term",
        "child": {
            "age": 12,
            "sex": "female",
            "needs": ["autism"],
            "need_level": "complex",
            "home_district": "BL1",
            "education_needs": "EHCP; needs a school place within 30 minutes",
            "risks": "has gone missing twice",
            "placement_type": "long_term",
            "start_date": "2026-12-14",
            "expected_duration_weeks": 52,
        },
        "criteria": {
            "min_grade": "good",
            "questions": [
                {"text": "How will you meet her autism needs?", "max_score": 5, "weight": "60"},
                {"text": "How will you keep her in education?", "max_score": 5, "weight": "40"},
            ],
            "quality_weight": "50",
            "price_weight": "30",
            "proximity_weight": "20",
        },
        "deadline": deadline.isoformat(),
        **overrides,
    }


async def raise_and_publish(api: Api, s: Scene, deadline: datetime, **overrides: Any) -> dict[str, Any]:
    created = await api.client.post(
        CALL_OFFS, json=call_off_body(s, deadline, **overrides), headers=api.auth(s.commissioner)
    )
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    published = await api.client.post(f"{CALL_OFFS}/{created.json()['id']}/publish", headers=api.auth(s.commissioner))
    assert published.status_code == 200, published.text
    return dict(published.json())


def offer_body(setting_id: int, fee: int, **overrides: Any) -> dict[str, Any]:
    return {
        "setting_id": setting_id,
        "weekly_fee_pence": fee,
        "additional_services": [{"description": "1:1 education support", "weekly_fee_pence": 35_000}],
        "start_date": "2026-12-14",
        "answers": [
            {"question_id": 1, "text": f"SECRET-PLAN-{setting_id}: staff trained in autism"},
            {"question_id": 2, "text": "Links with the virtual school head"},
        ],
        **overrides,
    }


async def assign_panel(api: Api, s: Scene, call_off_id: int) -> dict[str, Any]:
    """The commissioner puts both evaluators on the call-off's panel (again: no change)."""
    assigned = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/evaluators", json={"evaluator_ids": s.evaluator_ids},
        headers=api.auth(s.commissioner),
    )  # fmt: skip
    assert assigned.status_code == 200, assigned.text
    return dict(assigned.json())


async def mark_all(api: Api, s: Scene, call_off_id: int, offer_id: int, scores: tuple[int, int]) -> None:
    await assign_panel(api, s, call_off_id)
    for token in s.evaluators:
        response = await api.client.post(
            f"{CALL_OFFS}/{call_off_id}/offers/{offer_id}/marks",
            json={"marks": [{"question_id": i, "score": v, "rationale": "evidence in the answer"}
                            for i, v in enumerate(scores, start=1)]},
            headers=api.auth(token),
        )  # fmt: skip
        assert response.status_code == 204, response.text


async def insure(api: Api, s: Scene, token: str, expires_on: str) -> None:
    requirements = await api.client.get(
        f"/api/v1/compliance/arrangements/{s.arrangement_id}/requirements", headers=api.auth(s.officer)
    )
    [requirement] = requirements.json()["items"]
    attached = await api.client.post(
        "/api/v1/compliance/evidence",
        json={"requirement_id": requirement["id"], "expires_on": expires_on, "cover_pence": TEN_MILLION},
        headers=api.auth(token),
    )
    assert attached.status_code == 201, attached.text


async def seed_members(s: Scene, count: int) -> list[tuple[int, int, str]]:
    """`count` providers admitted to the lot, each with one good children's home near Bolton and
    one signed-in user: (provider id, setting id, token). Written in bulk: registering hundreds of
    providers through the API would take minutes and test nothing new."""
    await DB.run_querystring(
        QueryString(
            "INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at) "
            "SELECT 'Rush Provider ' || g, lpad((90000000 + g)::text, 8, '0'), g || ' High Street', 'M1 1AE', "
            "'[]', 1, {} FROM generate_series(1, {}) g",
            START,
            count,
        )
    )
    await DB.run_querystring(
        QueryString(
            "INSERT INTO provider_settings (provider, name, setting_type, ofsted_urn, ofsted_grade, "
            "last_inspection_date, postcode, local_authority_code, easting, northing, capacity, min_age, "
            "max_age, needs, version, created_at) "
            "SELECT p.id, 'Home ' || p.id, 'childrens_home', 'SC' || lpad(p.id::text, 7, '0'), 'good', "
            "DATE '2026-03-10', 'BL1 1AA', 'E08000001', 371000 + (p.id % 50) * 100, 409000 + (p.id % 30) * 100, "
            "4, 8, 17, ARRAY['autism'], 1, {} FROM providers p WHERE p.legal_name LIKE 'Rush Provider %'",
            START,
        )
    )
    await DB.run_querystring(
        QueryString(
            "INSERT INTO memberships (arrangement, lot, provider, application, status, started_on, status_reason, "
            "version) SELECT {}, {}, p.id, NULL, 'active', DATE '2026-11-01', NULL, 1 FROM providers p "
            "WHERE p.legal_name LIKE 'Rush Provider %'",
            s.arrangement_id,
            s.lot_id,
        )
    )
    users = await DB.run_querystring(
        QueryString(
            "INSERT INTO users (email, full_name, password_hash, role, status, authority, provider, failed_logins, "
            "locked_until, invitation_hash, invitation_expires_at, created_at) "
            "SELECT 'rush' || p.id || '@provider.test', 'Rush user', NULL, 'provider_admin', 'active', NULL, p.id, "
            "0, NULL, NULL, NULL, {} FROM providers p WHERE p.legal_name LIKE 'Rush Provider %' "
            "RETURNING id, provider",
            START,
        )
    )
    settings = await DB.run_querystring(
        QueryString(
            "SELECT s.id, s.provider FROM provider_settings s JOIN providers p ON p.id = s.provider "
            "WHERE p.legal_name LIKE 'Rush Provider %'"
        )
    )
    setting_of = {r["provider"]: r["id"] for r in settings}
    members = []
    for row in sorted(users, key=lambda r: r["provider"]):
        token = new_token()
        await accounts.insert_token(row["id"], token_digest(token), START, START + timedelta(days=60))
        members.append((row["provider"], setting_of[row["provider"]], token))
    return members
