"""A consortium whose council places a child through a call-off, for the contracts of placements (the
IPA, fee variations), and the dps command run as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from dps.core.settings import Settings
from tests.support import Api, admit_member, settings_for
from tests.support.placements import approved_card, place_child, residential_dps

CALL_OFFS = "/api/v1/call-offs"


CARD_PRICE = 123_457  # the provider's weekly price for 8-12 / complex: 3.8% on it is 4,691.366p


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The clock moves over months (offer periods, an uplift in April): tokens outlive them."""
    return settings_for(tmp_path, token_days=365)


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
    arrangement_id, lot_id = await residential_dps(api, officer, [wigan])

    provider_id, provider = await api.provider("Northern Homes & Care <NW> Ltd")
    setting = await api.setting(provider_id, provider, name="Ty'r Bryn House", postcode="M5 4WT")
    await admit_member(arrangement_id, lot_id, provider_id, date(2026, 11, 1))
    await approved_card(api, lot_id, provider, officer, CARD_PRICE)
    return Consortium(
        arrangement_id, lot_id, officer, legal, wigan_commissioner, wigan_legal, evaluators, provider_id, provider,
        int(setting["id"]),
    )  # fmt: skip


async def placed(api: Api, c: Consortium, *, fee: int = CARD_PRICE, services: bool = False) -> dict:
    """Wigan's commissioner places a 12-year-old with complex needs through a call-off that the
    provider wins; returns the placement."""
    extras = [{"description": "1:1 education support & transport", "weekly_fee_pence": 35_000}] if services else []
    return await place_child(
        api, c.arrangement_id, c.lot_id, c.wigan_commissioner, c.evaluators, c.setting_id, c.provider, fee=fee,
        additional_services=extras,
    )  # fmt: skip


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
