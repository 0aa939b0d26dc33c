"""Story 7 in OCDS: each fee variation of a placement (the uplift's contract variation, then
another) is one release adding one amendment to the placement's contract, dated, with the day the
new fee applies; the award keeps the fee awarded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dps.core.settings import Settings
from tests.support import Api
from tests.support.contracts import NO_LIBREOFFICE, load_templates
from tests.support.placements import CARD_PRICE, consortium, place
from tests.support.transparency import all_releases, release_errors, system_context

UPLIFTED = 128_148  # CARD_PRICE + 3.8%, half up


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The clock moves over months (an uplift in April): tokens outlive them."""
    return Settings.from_env(
        {
            "DPS_VAR_DIR": str(tmp_path / "var"),
            "DPS_DOCUMENTS_URL": str(tmp_path / "documents"),
            "DPS_SCHEDULER": "off",
            "DPS_TOKEN_TTL_HOURS": str(24 * 365),
        }
    )


@pytest.fixture(autouse=True)
def no_libreoffice(api: Api) -> None:
    api.app.state.converter = NO_LIBREOFFICE


async def test_each_fee_variation_is_one_amendment_of_the_placement_contract(api: Api) -> None:
    c = await consortium(api)
    placement = await place(api, c, c.wigan)
    ocid_end = f"-call-off-{placement['call_off_id']}"
    await load_templates(api)

    # Story 7: Bolton's 3.8% uplift from 1 April; the fee variation is issued, signed and activated.
    defined = await api.client.post(
        "/api/v1/uplifts",
        json={"arrangement_id": c.arrangement_id, "description": "April 2027 uplift", "effective_on": "2027-04-01",
              "method": "flat", "flat_percentage": "3.8"},
        headers=api.auth(c.bolton.officer),
    )  # fmt: skip
    assert defined.status_code == 201, defined.text
    uplift_id = defined.json()["id"]
    applied = await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=api.auth(c.bolton.officer))
    assert applied.status_code == 200, applied.text
    issued = await api.client.post(
        "/api/v1/contracts/fee-variations", json={"uplift_id": uplift_id}, headers=api.auth(c.bolton.officer)
    )
    assert issued.status_code == 200, issued.text
    [variation] = issued.json()["created"]
    before = [r for r in await all_releases(api.client) if r["ocid"].endswith(ocid_end)]
    for step, token in (("issue", c.wigan.officer), ("sign", c.member.token), ("activate", c.wigan.officer)):
        body = {"document_sha256": variation["document_sha256"]} if step == "sign" else None
        done = await api.client.post(f"/api/v1/contracts/{variation['id']}/{step}", json=body, headers=api.auth(token))
        assert done.status_code == 200, done.text
    after_uplift = [r for r in await all_releases(api.client) if r["ocid"].endswith(ocid_end)]
    [new] = after_uplift[len(before) :]
    assert new["tag"] == ["contractAmendment"]
    [amendment] = new["contracts"][0]["amendments"]
    assert amendment["description"] == "Weekly fee changed from £1,234.57 to £1,281.48 from 2027-04-01"
    assert new["contracts"][0]["value"]["amount"] == UPLIFTED / 100

    # A second variation agreed later: one more release, one more amendment; the award stays.
    from dps.tenders.services.placements import vary_weekly_fee

    api.clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    await vary_weekly_fee(system_context(api), placement["id"], 130_000, date(2027, 6, 1))
    releases = [r for r in await all_releases(api.client) if r["ocid"].endswith(ocid_end)]
    assert len(releases) == len(after_uplift) + 1
    latest = releases[-1]
    assert [a["id"] for a in latest["contracts"][0]["amendments"]] == ["fee-variation-1", "fee-variation-2"]
    assert [a["value"]["amount"] for a in latest["contracts"][0]["amendments"]] == [UPLIFTED / 100, 1300]
    assert latest["awards"][0]["value"]["amount"] == CARD_PRICE / 100
    assert [e for r in releases for e in release_errors(r)] == []
