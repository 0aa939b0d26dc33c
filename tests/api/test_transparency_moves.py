"""A placement a move made, through the API: its own OCDS contracting process (a call-off without
competition under the arrangement, or a spot purchase outside it), the placement it replaces
terminated in its own process, the notices each calls for, and nothing of the child."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dps.core.settings import Settings
from dps.transparency.domain.merge import compiled_release
from tests.support import Api
from tests.support.placements import SECOND_CARD_PRICE, Consortium, consortium, place
from tests.support.transparency import FORBIDDEN_CHILD_KEYS, all_releases, keys_of, release_errors, system_context

PLACEMENTS = "/api/v1/placements"
SPOT_REASON = "No member home can take him before Christmas; emergency spot purchase"
# The child's profile (tests/support_placements.place), the offer's answer and the spot purchase's
# reason: none may reach a release.
SECRETS = ("Boy, 12", "WN1", "autism", "EHCP", "keyworker", "Christmas", "emergency")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The story moves the clock over months: tokens outlive it."""
    return Settings.from_env(
        {
            "DPS_VAR_DIR": str(tmp_path / "var"),
            "DPS_DOCUMENTS_URL": str(tmp_path / "documents"),
            "DPS_SCHEDULER": "off",
            "DPS_TOKEN_TTL_HOURS": str(24 * 365),
        }
    )


async def move(api: Api, c: Consortium, placement: dict[str, Any], **body: Any) -> dict[str, Any]:
    moved = await api.client.post(
        f"{PLACEMENTS}/{placement['id']}/move",
        json={"kind": "unplanned", "reason_code": "placement_breakdown", **body},
        headers={**api.auth(c.wigan.commissioner), "If-Match": f'"{placement["version"]}"'},
    )
    assert moved.status_code == 201, moved.text
    return dict(moved.json())


def of(releases: list[dict[str, Any]], ocid_end: str) -> list[dict[str, Any]]:
    return [r for r in releases if r["ocid"].endswith(ocid_end)]


async def test_a_moved_placement_is_a_process_of_its_own_under_the_arrangement_or_outside_it(api: Api) -> None:
    c = await consortium(api)
    first = await place(api, c, c.wigan)
    releases = await all_releases(api.client)
    arrangement_ocid = of(releases, f"-arrangement-{c.arrangement_id}")[0]["ocid"]
    call_off_ocid = of(releases, f"-call-off-{first['call_off_id']}")[0]["ocid"]

    # Within the framework: a call-off without competition, related to the arrangement and
    # replacing the call-off's placement, whose own process reports the contract's end.
    within = await move(
        api, c, first, ended_on="2026-12-20", start_date="2026-12-20",
        setting_id=c.second.setting_id, weekly_fee_pence=SECOND_CARD_PRICE,
    )  # fmt: skip
    releases = await all_releases(api.client)
    [moved] = of(releases, f"-placement-{within['id']}")
    assert moved["tag"] == ["award", "contract"]
    assert [(r["relationship"], r["identifier"]) for r in moved["relatedProcesses"]] == [
        (["framework"], arrangement_ocid),
        (["prior"], call_off_ocid),
    ]
    assert (moved["tender"]["procurementMethod"], moved["tender"]["competitive"]) == ("direct", False)
    assert moved["tender"]["lots"][0]["id"] == str(c.lot_id)
    assert moved["awards"][0]["value"] == {"amount": SECOND_CARD_PRICE / 100, "currency": "GBP"}
    assert moved["awards"][0]["suppliers"][0]["id"] == f"provider-{c.second.id}"
    assert moved["contracts"][0]["id"] == f"placement-{within['id']}"
    origin = of(releases, f"-call-off-{first['call_off_id']}")[-1]
    assert origin["tag"] == ["contractTermination"]
    assert origin["relatedProcesses"][-1]["relationship"] == ["replacementProcess"]
    assert origin["relatedProcesses"][-1]["identifier"] == moved["ocid"]
    assert origin["contracts"][0]["status"] == "terminated"
    assert origin["contracts"][0]["period"]["endDate"] == "2026-12-20T00:00:00Z"

    # A fee variation of the moved placement amends its contract, in its own process.
    from dps.tenders.services.placements import vary_weekly_fee

    await vary_weekly_fee(system_context(api), within["id"], 127_500, date(2026, 12, 20))
    varied = of(await all_releases(api.client), f"-placement-{within['id']}")[-1]
    assert varied["tag"] == ["contractAmendment"] and varied["contracts"][0]["value"]["amount"] == 1275
    assert varied["awards"][0]["value"]["amount"] == SECOND_CARD_PRICE / 100  # the award stays as agreed
    [amendment] = varied["contracts"][0]["amendments"]
    assert amendment["description"] == "Weekly fee changed from £1,250.00 to £1,275.00 from 2026-12-20"
    within = (await api.client.get(f"{PLACEMENTS}/{within['id']}", headers=api.auth(c.wigan.commissioner))).json()

    # Outside the framework, on purpose: a direct award with no framework relationship and no lot,
    # replacing the moved placement; the reason the commissioner wrote is not published.
    spot = await move(
        api, c, within, ended_on="2027-01-10", start_date="2027-01-10", setting_id=c.outsider.setting_id,
        weekly_fee_pence=150_000, off_framework=True, off_framework_reason=SPOT_REASON,
    )  # fmt: skip
    releases = await all_releases(api.client)
    [bought] = of(releases, f"-placement-{spot['id']}")
    assert [(r["relationship"], r["identifier"]) for r in bought["relatedProcesses"]] == [(["prior"], moved["ocid"])]
    assert bought["tender"]["procurementMethod"] == "direct" and "lots" not in bought["tender"]
    assert bought["awards"][0]["suppliers"][0]["id"] == f"provider-{c.outsider.id}"
    replaced = of(releases, f"-placement-{within['id']}")[-1]
    assert replaced["tag"] == ["contractTermination"]
    assert [(r["relationship"], r["identifier"]) for r in replaced["relatedProcesses"]] == [
        (["framework"], arrangement_ocid),
        (["prior"], call_off_ocid),
        (["replacementProcess"], bought["ocid"]),
    ]

    # Every release validates; none holds the child, the offer or the spot purchase's reason.
    assert [e for r in releases for e in release_errors(r)] == []
    text = json.dumps(releases)
    assert [s for s in SECRETS if s in text] == []
    assert keys_of(releases) & FORBIDDEN_CHILD_KEYS == set()

    # Each moved placement's record is the merge of its releases.
    for ocid in (moved["ocid"], bought["ocid"]):
        record = await api.client.get(f"/api/v1/ocds/records/{ocid}")
        assert record.status_code == 200, record.text
        [rec] = record.json()["records"]
        assert rec["compiledRelease"] == compiled_release(of(releases, ocid))
        assert release_errors(rec["compiledRelease"]) == []

    # Wigan's officers file the notices: F03 for the call-off under the DPS (PCR 2015 reg 50), and
    # for the spot purchase the Act's direct award notices, the justification left to them.
    items = (await api.client.get("/api/v1/notices", headers=api.auth(c.wigan.officer))).json()["items"]
    by_process = {(n["ocid"], n["notice_type"]): n for n in items}
    assert (moved["ocid"], "F03") in by_process
    assert by_process[(moved["ocid"], "F03")]["due_on"] == "2027-01-02"
    assert {t for o, t in by_process if o == bought["ocid"]} == {"UK5", "UK6", "UK7"}
    uk5 = by_process[(bought["ocid"], "UK5")]
    assert uk5["draft"]["supplier_name"] == "Spot Beds Ltd" and uk5["draft"]["award_value"] == 1500
    assert "direct award justification (PA 2023 Schedule 5)" in uk5["missing"]
    assert all(n["call_off_id"] is None for (o, _), n in by_process.items() if "-placement-" in o)
