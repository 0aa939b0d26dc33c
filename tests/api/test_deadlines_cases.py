"""The deadlines view beyond applications: expiring evidence, call-off deadlines and placements'
recorded ends, each seen by the council it concerns and by the provider it concerns, nobody else."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dps.core.settings import Settings
from tests.support import Api, settings_for
from tests.support.call_offs import CALL_OFFS, insure, mark_all, member, offer_body, raise_and_publish, scene


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, token_days=60)


async def _deadlines(api: Api, token: str) -> list[tuple[str, str, str]]:
    response = await api.client.get("/api/v1/deadlines", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return [(d["kind"], d["due_on"], d["link_path"]) for d in response.json()["items"]]


async def test_expiring_evidence_call_off_deadlines_and_placement_ends_reach_the_right_people(api: Api) -> None:
    s = await scene(api, insurance=True)  # a PCR 2015 DPS: no standstill, the award concludes at once
    _, a, a_setting = await member(api, s, postcode="BL1 1AA")
    _, b, _ = await member(api, s)
    await insure(api, s, a, "2026-12-13")
    await insure(api, s, b, "2027-06-30")  # beyond 30 days: not shown
    other_council = await api.authority("Wigan Council", "E08000010")
    _, stranger = await api.staff("procurement_officer", other_council)

    # A first placement request, won by A and ended on a planned date in January.
    first_deadline = datetime(2026, 12, 4, 9, tzinfo=UTC)
    first = (await raise_and_publish(api, s, first_deadline))["id"]
    offer = await api.client.post(f"{CALL_OFFS}/{first}/offers", json=offer_body(a_setting, 400_000),
                                  headers=api.auth(a))  # fmt: skip
    assert offer.status_code == 201, offer.text
    api.clock.set(datetime(2026, 12, 4, 10, tzinfo=UTC))
    await mark_all(api, s, first, offer.json()["id"], (4, 4))
    assert (await api.client.post(f"{CALL_OFFS}/{first}/evaluate", headers=api.auth(s.commissioner))).is_success
    awarded = await api.client.post(f"{CALL_OFFS}/{first}/award", json={"offer_id": offer.json()["id"]},
                                    headers=api.auth(s.commissioner))  # fmt: skip
    assert awarded.json()["status"] == "concluded", awarded.text
    [placement] = (await api.client.get("/api/v1/placements", headers=api.auth(s.commissioner))).json()["items"]
    ended = await api.client.post(
        f"/api/v1/placements/{placement['id']}/end",
        json={"ended_on": "2027-01-15", "kind": "planned"},
        headers={**api.auth(s.commissioner), "If-Match": '"1"'},
    )
    assert ended.status_code == 200, ended.text
    # A second request is open for offers until 18 December.
    second = (await raise_and_publish(api, s, datetime(2026, 12, 18, 12, tzinfo=UTC)))["id"]
    evidence: dict[str, Any] = (await api.client.get("/api/v1/compliance/evidence", headers=api.auth(a))).json()[
        "items"
    ][0]

    expiring = ("evidence_expiry", "2026-12-13", f"/api/v1/compliance/evidence/{evidence['id']}")
    offers_close = ("call_off_deadline", "2026-12-18", f"/api/v1/call-offs/{second}")
    placement_ends = ("placement_end", "2027-01-15", f"/api/v1/placements/{placement['id']}")
    for token in (s.officer, s.commissioner):
        assert await _deadlines(api, token) == [expiring, offers_close, placement_ends]
    assert await _deadlines(api, a) == [expiring, offers_close, placement_ends]
    assert await _deadlines(api, b) == [offers_close]  # invited; its own evidence runs to June
    assert await _deadlines(api, stranger) == []
