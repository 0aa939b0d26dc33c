"""A consortium whose council places a child through a call-off, for the contracts of placements (the
IPA, fee variations), and the dps command run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from dps.core.settings import Settings
from tests.support import Api, admit_member
from tests.support.contracts import NO_LIBREOFFICE
from tests.support.frameworks import waive_publishing_checks

CALL_OFFS = "/api/v1/call-offs"


CARD_PRICE = 123_457  # the provider's weekly price for 8-12 / complex: 3.8% on it is 4,691.366p


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The clock moves over months (offer periods, an uplift in April): tokens outlive them."""
    return Settings.from_env(
        {
            "DPS_VAR_DIR": str(tmp_path / "var"),
            "DPS_DOCUMENTS_URL": str(tmp_path / "documents"),
            "DPS_SCHEDULER": "off",
            "DPS_TOKEN_TTL_HOURS": str(24 * 365),
        }
    )


@pytest.fixture(autouse=True)
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    # The PDF path has its own tests (tests/integration/test_contracts_generation.py).
    monkeypatch.setattr("dps.contracts.services.generation.default_converter", lambda: NO_LIBREOFFICE)


@dataclass
class Consortium:
    arrangement_id: int
    lot_id: int
    officer: str  # Bolton, the lead
    legal: str  # Bolton
    wigan_commissioner: str
    wigan_legal: str
    evaluators: list[str]
    provider_id: int
    provider: str
    setting_id: int


async def consortium(api: Api) -> Consortium:
    """Bolton leads a residential DPS that Wigan joins; one provider, a member of the lot, has a
    home in Salford and an approved rate card at GBP 1,234.57 a week for 8-12 / complex."""
    bolton = await api.authority("Bolton Council", "E08000001")
    wigan = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", bolton)
    _, legal = await api.staff("legal_officer", bolton)
    _, wigan_commissioner = await api.staff("commissioner", wigan)
    _, wigan_legal = await api.staff("legal_officer", wigan)
    evaluators = [(await api.staff("evaluator", wigan))[1] for _ in range(2)]
    created = await api.client.post(
        "/api/v1/arrangements",
        json={"reference": "NW-RES-DPS", "title": "North West residential DPS", "service_type": "residential",
              "profile_code": "pcr2015_dps", "term_start": "2026-11-01", "term_end": "2029-02-23",
              "member_authority_ids": [wigan]},
        headers=api.auth(officer),
    )  # fmt: skip
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={"code": "LOT-1", "title": "Children's homes 8-17",
              "age_bands": [{"label": "8-12", "min_age": 8, "max_age": 12},
                            {"label": "13-17", "min_age": 13, "max_age": 17}],
              "need_levels": ["standard", "complex"]},
        headers=api.auth(officer),
    )  # fmt: skip
    assert lot.status_code == 201, lot.text
    lot_id = lot.json()["id"]
    await waive_publishing_checks(api, officer, arrangement_id)
    published = await api.client.post(f"/api/v1/arrangements/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    band = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/price-bands",
        json={"lot_id": lot_id, "age_band": "8-12", "need_level": "complex", "floor_pence": 100_000,
              "ceiling_pence": 130_000, "effective_from": "2026-11-01"},
        headers=api.auth(officer),
    )  # fmt: skip
    assert band.status_code == 201, band.text

    provider_id, provider = await api.provider("Northern Homes & Care <NW> Ltd")
    setting = await api.setting(provider_id, provider, name="Ty'r Bryn House", postcode="M5 4WT")
    await admit_member(arrangement_id, lot_id, provider_id, date(2026, 11, 1))
    card = await api.client.post(
        "/api/v1/rate-cards",
        json={"lot_id": lot_id, "effective_from": "2026-11-01",
              "lines": [{"age_band": "8-12", "need_level": "complex", "weekly_price_pence": CARD_PRICE}]},
        headers=api.auth(provider),
    )  # fmt: skip
    assert card.status_code == 201, card.text
    approved = await api.client.post(
        f"/api/v1/rate-cards/{card.json()['id']}/approve", json={}, headers={**api.auth(officer), "If-Match": '"1"'}
    )
    assert approved.status_code == 200, approved.text
    return Consortium(
        arrangement_id, lot_id, officer, legal, wigan_commissioner, wigan_legal, evaluators, provider_id, provider,
        int(setting["id"]),
    )  # fmt: skip


async def placed(api: Api, c: Consortium, *, fee: int = CARD_PRICE, services: bool = False) -> dict:
    """Wigan's commissioner places a 12-year-old with complex needs through a call-off that the
    provider wins; returns the placement."""
    deadline = api.clock.now() + timedelta(days=10)
    raised = await api.client.post(
        CALL_OFFS,
        json={
            "arrangement_id": c.arrangement_id,
            "lot_id": c.lot_id,
            "title": "Boy, 12, long term",
            "child": {"age": 12, "sex": "male", "needs": ["autism"], "need_level": "complex", "home_district": "WN1",
                      "education_needs": "EHCP", "risks": "none known", "placement_type": "long_term",
                      "start_date": "2026-12-14", "expected_duration_weeks": 52},
            "criteria": {"questions": [{"text": "How will you meet his needs?", "max_score": 5, "weight": "100"}],
                         "quality_weight": "60", "price_weight": "30", "proximity_weight": "10"},
            "deadline": deadline.isoformat(),
        },
        headers=api.auth(c.wigan_commissioner),
    )  # fmt: skip
    assert raised.status_code == 201, raised.text
    call_off_id = raised.json()["id"]
    published = await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(c.wigan_commissioner))
    assert published.status_code == 200, published.text
    extras = [{"description": "1:1 education support & transport", "weekly_fee_pence": 35_000}] if services else []
    offer = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/offers",
        json={"setting_id": c.setting_id, "weekly_fee_pence": fee, "additional_services": extras,
              "start_date": "2026-12-14", "answers": [{"question_id": 1, "text": "A keyworker trained in autism"}]},
        headers=api.auth(c.provider),
    )  # fmt: skip
    assert offer.status_code == 201, offer.text
    api.clock.set(deadline + timedelta(seconds=1))
    panel = [(await api.client.get("/api/v1/me", headers=api.auth(t))).json()["user_id"] for t in c.evaluators]
    assigned = await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluators", json={"evaluator_ids": panel},
                                     headers=api.auth(c.wigan_commissioner))  # fmt: skip
    assert assigned.status_code == 200, assigned.text
    for token in c.evaluators:
        marked = await api.client.post(
            f"{CALL_OFFS}/{call_off_id}/offers/{offer.json()['id']}/marks",
            json={"marks": [{"question_id": 1, "score": 4, "rationale": "clear plan"}]},
            headers=api.auth(token),
        )
        assert marked.status_code == 204, marked.text
    evaluated = await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluate", headers=api.auth(c.wigan_commissioner))
    assert evaluated.status_code == 200, evaluated.text
    awarded = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/award",
        json={"offer_id": offer.json()["id"]},
        headers=api.auth(c.wigan_commissioner),
    )
    assert awarded.status_code == 200 and awarded.json()["status"] == "concluded", awarded.text
    listed = await api.client.get("/api/v1/placements", headers=api.auth(c.wigan_commissioner))
    return next(p for p in listed.json()["items"] if p["call_off_id"] == call_off_id) | {"call_off_id": call_off_id}


def dps(database_url: str, tmp_path: Path, *args: str, soffice: str) -> subprocess.CompletedProcess[str]:
    """The `dps` command on the test's database and document folder, as an operator runs it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DPS_VAR_DIR": str(tmp_path / "var"),
        "DPS_DOCUMENTS_URL": str(tmp_path / "documents"),
        "DPS_SOFFICE": soffice,
    }
    return subprocess.run(
        [sys.executable, "-m", "dps.cli", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
