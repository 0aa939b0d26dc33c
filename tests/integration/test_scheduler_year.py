"""A second year of a consortium's life, driven day by day through the scheduler: a call-off that
closes at its deadline and concludes when the standstill ends, a concern's review reminders,
insurance reminders at 30 and 7 days, its expiry suspending the membership and new evidence
reinstating it, and settings whose Ofsted re-inspection falls overdue. Each happens once, on
its day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from piccolo.querystring import QueryString

from dps.app import create_app
from dps.core import deadlines
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.db import DB
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from dps.scheduler.engine import sweep
from tests.support import Api, links_to_no_route, scalar, settings_for
from tests.support.call_offs import CALL_OFFS, insure, mark_all, member, offer_body, raise_and_publish, scene

SWEEP_HOUR = 7


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The clock moves over more than a year; tokens outlive it."""
    return settings_for(tmp_path, token_days=800)


@pytest_asyncio.fixture
async def api(clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path) -> AsyncIterator[Api]:
    app = create_app(settings, clock=clock, store=LocalDocumentStore(tmp_path / "documents"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(client, clock, app)


async def rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in await DB.run_querystring(QueryString(sql, *args))]


class Diary:
    """Runs a sweep at 07:00 UTC each day and keeps, per day, the notifications it created."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.days: dict[date, dict[str, int]] = {}
        self.keys: list[str] = []

    def context(self) -> Context:
        app = self.api.app
        return Context(None, self.api.clock, app.state.settings, app.state.store)

    async def run(self, first: date, last: date) -> None:
        seen = int(await scalar("SELECT coalesce(max(id), 0) FROM notifications"))  # type: ignore[arg-type]
        day = first
        while day <= last:
            self.api.clock.set(datetime(day.year, day.month, day.day, SWEEP_HOUR, tzinfo=UTC))
            await sweep(self.context())
            fresh = await rows("SELECT id, key, kind FROM notifications WHERE id > {} ORDER BY id", seen)
            if fresh:
                counts: dict[str, int] = {}
                for n in fresh:
                    counts[n["kind"]] = counts.get(n["kind"], 0) + 1
                    self.keys.append(n["key"])
                self.days[day] = counts
                seen = fresh[-1]["id"]
            day += timedelta(days=1)


async def membership_status(arrangement_id: int, provider_id: int) -> str:
    found = await rows(
        "SELECT status FROM memberships WHERE arrangement = {} AND provider = {}", arrangement_id, provider_id
    )
    return str(found[0]["status"])


async def test_a_year_of_call_offs_concerns_evidence_and_inspections_each_once_on_its_day(api: Api) -> None:
    # A dynamic market (8 working days' standstill) asking for employer's liability insurance.
    s = await scene(api, profile="pa2023_dynamic_market", insurance=True)
    a_id, a, a_setting = await member(api, s, postcode="BL1 1AA")
    b_id, b, b_setting = await member(api, s)
    await insure(api, s, a, "2027-03-31")  # lapses on Thursday 1 April 2027, in summer time
    await insure(api, s, b, "2028-01-31")
    diary = Diary(api)

    # A placement request with offers until Monday 7 December 2026, 06:00.
    deadline = datetime(2026, 12, 7, 6, tzinfo=UTC)
    call_off_id = (await raise_and_publish(api, s, deadline))["id"]
    url = f"{CALL_OFFS}/{call_off_id}"
    offers = [
        (await api.client.post(f"{url}/offers", json=offer_body(setting, fee), headers=api.auth(token))).json()
        for token, setting, fee in ((a, a_setting, 400_000), (b, b_setting, 380_000))
    ]
    # Bolton (the lead, a member of its own arrangement) issues a concern about B, reviewed 15 February.
    concern = await api.client.post(
        "/api/v1/concerns",
        json={"provider_id": b_id, "category": "quality", "arrangement_ids": [s.arrangement_id],
              "summary": "Staffing below the agreed ratio at night", "review_on": "2027-02-15", "issue": True},
        headers=api.auth(s.commissioner),
    )  # fmt: skip
    assert concern.status_code == 201, concern.text

    await diary.run(date(2026, 11, 24), date(2026, 12, 7))
    # The sweep closed the call-off at its deadline: offers are open to the council.
    opened = await api.client.get(url, headers=api.auth(s.commissioner))
    assert opened.json()["status"] == "closed"

    api.clock.set(datetime(2026, 12, 8, 10, tzinfo=UTC))  # Tuesday: marked, evaluated and awarded
    for offer, marks in zip(offers, ((5, 4), (3, 3)), strict=True):
        await mark_all(api, s, call_off_id, offer["id"], marks)
    assert (await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))).status_code == 200
    award = {"offer_id": offers[0]["id"]}
    awarded = await api.client.post(f"{url}/award", json=award, headers=api.auth(s.commissioner))
    assert awarded.status_code == 200, awarded.text
    # 8 working days beginning with the award day: the last is Thursday 17 December (PA 2023 s.51).
    assert datetime.fromisoformat(awarded.json()["standstill_ends_at"]) == datetime(2026, 12, 18, tzinfo=UTC)

    await diary.run(date(2026, 12, 8), date(2027, 4, 11))
    assert await membership_status(s.arrangement_id, a_id) == "suspended"
    # A attaches its renewed certificate on Monday 12 April: the membership is reinstated.
    api.clock.set(datetime(2027, 4, 12, 9, tzinfo=UTC))
    await insure(api, s, a, "2028-06-30")
    assert await membership_status(s.arrangement_id, a_id) == "active"
    await diary.run(date(2027, 4, 12), date(2027, 11, 23))

    assert diary.days == {
        date(2026, 12, 7): {"call_off.offers_opened": 1},  # to the commissioner who raised it
        date(2026, 12, 18): {"call_off.concluded": 1},
        # The concern's review: a week before and on the day, to Bolton's commissioner and officer.
        date(2027, 2, 8): {"concern.review_due": 2},
        date(2027, 2, 15): {"concern.review_due": 2},
        date(2027, 3, 1): {"evidence.expiring": 1},  # 30 days before 31 March, to A
        # Both children's homes were inspected on 10 March 2026: a year on, overdue (SCCIF).
        date(2027, 3, 11): {"setting.ofsted_overdue": 2},
        date(2027, 3, 24): {"evidence.expiring": 1},  # 7 days before
        # Lapsed: A and Bolton's officer and commissioner are told; the membership is suspended.
        date(2027, 4, 1): {"evidence.expired": 3},
    }
    evidence = (await rows("SELECT min(id) AS id FROM compliance_evidence WHERE provider = {}", a_id))[0]["id"]
    assert {f"call_off:{call_off_id}:offers-opened", f"call_off:{call_off_id}:concluded",
            f"evidence:{evidence}:expiring-30d:2027-03-31", f"evidence:{evidence}:expiring-7d:2027-03-31",
            f"evidence:{evidence}:expired"} <= set(diary.keys)  # fmt: skip
    placement = await rows("SELECT provider, setting FROM placements WHERE call_off = {}", call_off_id)
    assert placement == [{"provider": a_id, "setting": a_setting}]
    assert (await api.client.get(url, headers=api.auth(s.commissioner))).json()["status"] == "concluded"
    assert await membership_status(s.arrangement_id, b_id) == "active"
    suspension = await rows(
        "SELECT action, actor_user_id FROM audit_events WHERE action = 'membership.suspended' ORDER BY id"
    )
    assert suspension == [{"action": "membership.suspended", "actor_user_id": None}]
    # The call-off and the expired evidence are no longer watched; B's certificate and A's new one are.
    watched = {(r["entity_type"], r["entity_id"]) for r in await rows("SELECT * FROM deadline_checks")}
    assert ("call_off", call_off_id) not in watched
    assert sorted(t for t, _ in watched if t == "evidence") == ["evidence", "evidence"]
    assert await deadlines.next_check("concern", concern.json()["id"]) is None
    duplicates = await rows("SELECT key, user_id FROM notifications GROUP BY key, user_id HAVING count(*) > 1")
    assert duplicates == []
    assert await links_to_no_route(api.app) == []  # every message links to a route of the API


async def test_the_annual_refresh_is_requested_then_the_membership_suspended_and_reinstated(api: Api) -> None:
    s = await scene(api, profile="pa2023_dynamic_market", insurance=True)
    a_id, a, _ = await member(api, s)  # admitted 1 November 2026
    await insure(api, s, a, "2028-12-31")  # attached on 23 November 2026: the last verification
    [membership] = await rows("SELECT id FROM memberships WHERE provider = {}", a_id)
    async with DB.transaction():
        await deadlines.track("membership_reaccreditation", membership["id"], api.clock.now())
    diary = Diary(api)

    await diary.run(date(2026, 11, 24), date(2028, 1, 4))
    assert await membership_status(s.arrangement_id, a_id) == "suspended"
    api.clock.set(datetime(2028, 1, 5, 9, tzinfo=UTC))
    await insure(api, s, a, "2029-01-31")  # the refresh comes in late
    await diary.run(date(2028, 1, 6), date(2028, 1, 6))

    assert diary.days == {
        date(2027, 3, 11): {"setting.ofsted_overdue": 1},  # inspected 10 March 2026, a children's home
        # 11 months after 23 November 2026, to A; due on the anniversary, then 30 days' grace.
        date(2027, 10, 23): {"membership.refresh_requested": 1},
        date(2027, 12, 23): {"membership.suspended_for_refresh": 2},  # A and Bolton's officer
        date(2028, 1, 6): {"membership.reinstated": 1},  # A is told its place is back (issue 12)
    }
    assert await membership_status(s.arrangement_id, a_id) == "active"
    assert await links_to_no_route(api.app) == []
    reasons = await rows("SELECT action FROM audit_events WHERE entity_type = 'membership' ORDER BY id")
    assert [r["action"] for r in reasons] == ["membership.suspended", "membership.reinstated"]
    # The next refresh is asked 11 months after the late one.
    assert await deadlines.next_check("membership_reaccreditation", membership["id"]) == datetime(
        2028, 12, 5, tzinfo=UTC
    )
