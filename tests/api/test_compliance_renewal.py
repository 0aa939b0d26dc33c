"""Issue 12 item 1 through the API: an early renewal keeps a compliant provider compliant and
eligible; a renewal covering the expiry stops the reminders and the suspension; a renewal that
leaves a gap lets the membership be suspended at the expiry and reinstated on its start day."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from dps.core.context import Context
from dps.scheduler.engine import sweep
from tests.support import Api, links_to_no_route
from tests.support.compliance import (
    TEN_MILLION,
    Consortium,
    compliance,
    consortium,
    eligibility,
    travel,
)


async def attach(api: Api, c: Consortium, starts_on: str, expires_on: str) -> int:
    response = await api.client.post(
        "/api/v1/compliance/evidence",
        json={
            "requirement_id": c.insurance_id,
            "issuer": "Zurich",
            "starts_on": starts_on,
            "expires_on": expires_on,
            "cover_pence": TEN_MILLION,
        },
        headers=api.auth(c.provider),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def run_scheduler(api: Api) -> None:
    await sweep(Context(None, api.clock, api.app.state.settings, api.app.state.store))


async def notes(api: Api, token: str) -> list[tuple[str, str]]:
    response = await api.client.get("/api/v1/notifications", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return [(n["kind"], n["link_path"]) for n in response.json()["items"]]


async def membership(api: Api, c: Consortium) -> dict[str, Any]:
    response = await api.client.get(f"/api/v1/memberships/{c.membership_id}", headers=api.auth(c.officer))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def held(api: Api, c: Consortium) -> list[tuple[int, str]]:
    response = await api.client.get(
        "/api/v1/compliance/evidence",
        params={"provider_id": c.provider_id, "include_replaced": "true"},
        headers=api.auth(c.officer),
    )
    assert response.status_code == 200, response.text
    return [(e["id"], e["status"]) for e in response.json()["items"]]


async def evidence_deadlines(api: Api, token: str) -> list[int]:
    response = await api.client.get("/api/v1/deadlines", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return [d["entity_id"] for d in response.json()["items"] if d["kind"] == "evidence_expiry"]


async def test_an_early_renewal_keeps_the_provider_compliant_and_covers_the_expiry(api: Api) -> None:
    c = await consortium(api)
    current = await attach(api, c, "2026-04-01", "2027-03-31")
    assert (await compliance(api, c))["compliance_status"] == "compliant"

    # A month before the expiry the provider is reminded, and the deadline shows.
    await travel(api, c, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    await run_scheduler(api)
    assert (await compliance(api, c))["compliance_status"] == "expiring"
    assert await notes(api, c.provider) == [("evidence.expiring", f"/api/v1/compliance/evidence/{current}")]
    assert await evidence_deadlines(api, c.provider) == [current]

    # It attaches the renewal, whose cover starts the day after the current one ends: it is held
    # alongside, the current certificate stays in force, and nothing is expiring any more.
    renewal = await attach(api, c, "2027-04-01", "2028-03-31")
    assert await held(api, c) == [(current, "current"), (renewal, "current")]
    status = await compliance(api, c, c.provider)
    assert status["compliance_status"] == "compliant"
    (check,) = [x for x in status["checks"] if x["requirement_id"] == c.insurance_id]
    assert (check["outcome"], check["evidence_id"], check["expires_on"], check["renewal_id"]) == (
        "pass",
        current,
        "2027-03-31",
        renewal,
    )
    assert (await eligibility(api, c))["eligible"] is True
    assert await evidence_deadlines(api, c.provider) == []
    assert await evidence_deadlines(api, c.officer) == []

    # No 7-day reminder: the renewal covers the expiry.
    await travel(api, c, datetime(2027, 3, 24, 9, 0, tzinfo=UTC))
    await run_scheduler(api)
    assert [kind for kind, _ in await notes(api, c.provider)] == ["evidence.expiring"]

    # On the renewal's start day it takes over; no suspension, the old certificate is history.
    await travel(api, c, datetime(2027, 4, 1, 6, 0, tzinfo=UTC))
    await run_scheduler(api)
    assert (await membership(api, c))["status"] == "active"
    assert await held(api, c) == [(current, "replaced"), (renewal, "current")]
    status = await compliance(api, c)
    assert status["compliance_status"] == "compliant"
    assert [x["evidence_id"] for x in status["checks"] if x["requirement_id"] == c.insurance_id] == [renewal]
    assert (await eligibility(api, c))["eligible"] is True
    assert [kind for kind, _ in await notes(api, c.provider)] == ["evidence.expiring"]
    assert await links_to_no_route(api.app) == []


async def test_a_renewal_that_leaves_a_gap_suspends_at_the_expiry_and_reinstates_on_its_start(api: Api) -> None:
    c = await consortium(api)
    current = await attach(api, c, "2026-04-01", "2027-03-31")
    # The renewal starts a week after the current cover ends.
    await travel(api, c, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    renewal = await attach(api, c, "2027-04-08", "2028-04-07")
    assert (await compliance(api, c))["compliance_status"] == "expiring"  # the gap is still ahead
    assert (await eligibility(api, c))["eligible"] is True
    assert await evidence_deadlines(api, c.provider) == [current]

    await travel(api, c, datetime(2027, 4, 1, 6, 0, tzinfo=UTC))
    await run_scheduler(api)
    suspended = await membership(api, c)
    assert suspended["status"] == "suspended"
    assert "expired on 2027-03-31" in suspended["status_reason"]
    assert (await eligibility(api, c))["eligible"] is False

    # The day before the renewal starts: still suspended.
    await travel(api, c, datetime(2027, 4, 7, 23, 0, tzinfo=UTC))
    await run_scheduler(api)
    assert (await membership(api, c))["status"] == "suspended"

    # Its start day: in force, the membership reinstated and the provider told.
    await travel(api, c, datetime(2027, 4, 8, 0, 30, tzinfo=UTC))
    await run_scheduler(api)
    assert (await membership(api, c))["status"] == "active"
    assert (await eligibility(api, c))["eligible"] is True
    assert await held(api, c) == [(current, "replaced"), (renewal, "current")]
    provider_notes = await notes(api, c.provider)
    # Newest first; the scheduler first ran at the lapse, so only the lapse and the return are told.
    assert provider_notes == [
        ("membership.reinstated", f"/api/v1/memberships/{c.membership_id}"),
        ("evidence.expired", f"/api/v1/compliance/evidence/{current}"),
    ]
    await run_scheduler(api)  # idempotent: told once
    assert len(await notes(api, c.provider)) == 2
    assert await links_to_no_route(api.app) == []


async def test_two_attachments_at_once_leave_one_piece_per_start_day(api: Api) -> None:
    """Attachments for one requirement are serialised (an advisory lock per requirement and
    provider): two sent at once for the same start day both succeed, the later corrects the
    earlier, and exactly one piece is in force."""
    c = await consortium(api)
    first, second = await asyncio.gather(
        attach(api, c, "2026-04-01", "2027-03-31"), attach(api, c, "2026-04-01", "2027-03-31")
    )
    statuses = dict(await held(api, c))
    assert sorted(statuses.values()) == ["current", "replaced"]
    assert statuses[max(first, second)] == "current"
    assert (await compliance(api, c))["compliance_status"] == "compliant"
