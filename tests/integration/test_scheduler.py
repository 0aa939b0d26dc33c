"""The scheduler on the real database: a year of one consortium's life, day by day, and the
sweep's guarantees (one instance at a time, idempotent, all-or-nothing batches)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
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
from dps.frameworks import tables as ft
from dps.scheduler import engine
from dps.scheduler.engine import HANDLERS, sweep
from tests.support import Api, admit_member, links_to_no_route, scalar
from tests.support.frameworks import waive_publishing_checks

SWEEP_HOUR = 7  # the daily sweep runs at 07:00 UTC


@pytest_asyncio.fixture
async def api(clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path) -> AsyncIterator[Api]:
    """The app over HTTP (as in tests/api), to set the world up the way users do."""
    app = create_app(settings, clock=clock, store=LocalDocumentStore(tmp_path / "documents"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(client, clock, app)


async def rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await DB.run_querystring(QueryString(sql, *args)))


class World:
    """A consortium set up through the API: Bolton leads, two officers and an evaluator, three
    providers of which two hold places on the arrangement's lot."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def build(self, *, windows: list[dict[str, str]] | None = None, providers: int = 3) -> World:
        api = self.api
        self.lead = await api.authority()
        self.officers = [(await api.staff("procurement_officer", self.lead))[0] for _ in range(2)]
        self.evaluator, _ = await api.staff("evaluator", self.lead)
        self.providers = [await api.provider() for _ in range(providers)]
        _, token = await api.staff("procurement_officer", self.lead)
        self.officers.append(await self._user_id(token))
        body = {
            "reference": "NW-DPS-2026",
            "title": "North West residential DPS",
            "service_type": "residential",
            "profile_code": "pcr2015_dps",
            "term_start": "2026-12-01",
            "term_end": "2027-11-30",
            "windows": windows or [],
        }
        made = await api.client.post("/api/v1/arrangements", json=body, headers=api.auth(token))
        assert made.status_code == 201, made.text
        self.arrangement = made.json()["id"]
        lot = await api.client.post(
            f"/api/v1/arrangements/{self.arrangement}/lots",
            json={"code": "LOT-1", "title": "Homes", "age_bands": [{"label": "8-17", "min_age": 8, "max_age": 17}]},
            headers=api.auth(token),
        )
        assert lot.status_code == 201, lot.text
        self.lot = lot.json()["id"]
        await waive_publishing_checks(api, token, self.arrangement)
        published = await api.client.post(f"/api/v1/arrangements/{self.arrangement}/publish", headers=api.auth(token))
        assert published.status_code == 200, published.text
        self.memberships = [
            await admit_member(self.arrangement, self.lot, provider_id, date(2026, 12, 1))
            for provider_id, _ in self.providers[:2]
        ]
        async with DB.transaction():
            await deadlines.track("arrangement", self.arrangement, api.clock.now())
        return self

    async def _user_id(self, token: str) -> int:
        me = await self.api.client.get("/api/v1/me", headers=self.api.auth(token))
        assert me.status_code == 200, me.text
        return int(me.json()["user_id"])

    async def submitted_application(self, provider_index: int, submitted: datetime, due_on: date) -> int:
        """An application submitted with its decision due (the lead's service does this through the
        API; here the row is written directly so the scheduler is tested on its own)."""
        provider_id, _ = self.providers[provider_index]
        inserted = await ft.Application.insert(
            ft.Application(
                arrangement=self.arrangement, provider=provider_id, status="submitted", lot_ids=[self.lot],
                submitted_at=submitted, decision_due_on=due_on, version=2, created_at=submitted,
            )
        ).returning(ft.Application.id)  # fmt: skip
        application_id = int(inserted[0]["id"])
        async with DB.transaction():
            await deadlines.track("application", application_id, submitted)
        return application_id

    def context(self) -> Context:
        app = self.api.app
        return Context(None, self.api.clock, app.state.settings, app.state.store)


async def new_notifications(since_id: int) -> list[dict[str, Any]]:
    return await rows("SELECT id, user_id, key, kind FROM notifications WHERE id > {} ORDER BY id", since_id)


async def run_days(world: World, first: date, last: date) -> dict[date, list[dict[str, Any]]]:
    """A sweep every day at 07:00 UTC from `first` to `last`; the notifications each one created."""
    created: dict[date, list[dict[str, Any]]] = defaultdict(list)
    seen = int(await scalar("SELECT coalesce(max(id), 0) FROM notifications"))  # type: ignore[arg-type]
    day = first
    while day <= last:
        world.api.clock.set(datetime(day.year, day.month, day.day, SWEEP_HOUR, tzinfo=UTC))
        await sweep(world.context())
        fresh = await new_notifications(seen)
        if fresh:
            created[day] = fresh
            seen = fresh[-1]["id"]
        day += timedelta(days=1)
    return created


def summary(created: dict[date, list[dict[str, Any]]]) -> dict[date, dict[str, int]]:
    """Per day: notification kind -> how many people got it."""
    out: dict[date, dict[str, int]] = {}
    for day, items in created.items():
        counts: dict[str, int] = defaultdict(int)
        for n in items:
            counts[n["kind"]] += 1
        out[day] = dict(counts)
    return out


async def test_a_year_of_a_consortium_each_reminder_and_transition_once_on_its_day(api: Api) -> None:
    world = await World(api).build(
        windows=[{"opens_at": "2027-06-01T09:00:00Z", "closes_at": "2027-06-30T17:00:00Z"}],
    )
    officers, members = len(world.officers), 2
    # Submitted Monday 14 December 2026: 10 working days (Christmas Day and Boxing Day, moved to
    # Monday 28, are bank holidays) make the decision due Wednesday 30 December.
    christmas = await world.submitted_application(0, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))
    # Submitted Thursday 18 March 2027: Good Friday (26 March) and Easter Monday (29 March) skipped,
    # due Monday 5 April.
    easter = await world.submitted_application(1, datetime(2027, 3, 18, 10, tzinfo=UTC), date(2027, 4, 5))
    # Decided in time: no reminder at all.
    decided = await world.submitted_application(2, datetime(2027, 2, 1, 10, tzinfo=UTC), date(2027, 2, 15))
    await rows("UPDATE applications SET status = 'decided', decided_at = {} WHERE id = {}",
               datetime(2027, 2, 5, tzinfo=UTC), decided)  # fmt: skip

    created = await run_days(world, date(2026, 11, 23), date(2027, 12, 3))

    assert summary(created) == {
        # Two working days left: Thursday 24 December (Wednesday 23 still had three).
        date(2026, 12, 24): {"application.decision_warning": officers},
        # The provider whose decision is overdue is told too (issue 12).
        date(2026, 12, 31): {"application.decision_overdue": officers, "application.decision_overdue_provider": 1},
        # Two working days left before Monday 5 April: Thursday 1 April, before the Easter weekend.
        date(2027, 4, 1): {"application.decision_warning": officers},
        date(2027, 4, 6): {"application.decision_overdue": officers, "application.decision_overdue_provider": 1},
        # 14 days before the window opens (09:00 on 1 June): 18 May 09:00, after that day's sweep.
        date(2027, 5, 19): {"arrangement.window_reminder": officers + members},
        date(2027, 5, 30): {"arrangement.term_ending": officers},  # 6 months before 30 November
        # The window opened at 09:00 on 1 June, after that day's 07:00 sweep.
        date(2027, 6, 2): {"arrangement.window_opened": officers + members},
        date(2027, 7, 1): {"arrangement.window_closed": officers + members},
        date(2027, 8, 30): {"arrangement.term_ending": officers},  # 3 months (a bank holiday: no matter)
        date(2027, 10, 30): {"arrangement.term_ending": officers},  # 1 month
        # The day after the last day of the term the arrangement expires and its members are told.
        date(2027, 12, 1): {"arrangement.expired": officers + members},
    }
    keys = [n["key"] for items in created.values() for n in items]
    assert f"application:{christmas}:decision-warning:2026-12-30" in keys
    assert f"application:{easter}:decision-overdue:2027-04-05" in keys
    assert not any(k.startswith(f"application:{decided}:") for k in keys)
    # The evaluator and the provider without a place heard nothing.
    recipients = {n["user_id"] for items in created.values() for n in items}
    assert world.evaluator not in recipients

    arrangement = (await rows("SELECT status, version FROM arrangements WHERE id = {}", world.arrangement))[0]
    assert arrangement["status"] == "expired"
    statuses = await rows("SELECT status, status_reason FROM memberships ORDER BY id")
    assert [s["status"] for s in statuses] == ["expired", "expired"]
    assert statuses[0]["status_reason"] == "the arrangement's term ended on 30 November 2027"
    audit = await rows(
        "SELECT action, actor_user_id FROM audit_events WHERE action IN ('arrangement.expired', 'membership.expired')"
    )
    assert sorted(a["action"] for a in audit) == ["arrangement.expired", "membership.expired", "membership.expired"]
    assert {a["actor_user_id"] for a in audit} == {None}
    # Nothing is left to watch but the standing daily Ofsted census; one email per notification.
    assert await scalar("SELECT entity_type FROM deadline_checks") == "setting_ofsted"
    assert await scalar("SELECT count(*) FROM outbound_emails") == await scalar("SELECT count(*) FROM notifications")
    assert await links_to_no_route(api.app) == []  # every message links to a route of the API


async def test_after_downtime_one_sweep_catches_up_once_with_the_latest_reminder(api: Api) -> None:
    world = await World(api).build()
    application = await world.submitted_application(0, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))

    # Down from 20 December to 8 January: the warning (24 Dec) and the overdue flag (31 Dec) were missed.
    before = await run_days(world, date(2026, 12, 14), date(2026, 12, 19))
    assert before == {}
    after = await run_days(world, date(2027, 1, 8), date(2027, 1, 12))

    assert list(after) == [date(2027, 1, 8)]
    assert {n["key"] for n in after[date(2027, 1, 8)]} == {
        f"application:{application}:decision-overdue:2026-12-30",
        f"application:{application}:decision-overdue:2026-12-30:provider",
    }


async def test_a_second_sweep_at_the_same_moment_sends_nothing_new(api: Api) -> None:
    world = await World(api).build()
    await world.submitted_application(0, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))
    api.clock.set(datetime(2026, 12, 24, 7, tzinfo=UTC))
    await deadlines_now(world)

    first = await sweep(world.context())
    count = await scalar("SELECT count(*) FROM notifications")
    second = await sweep(world.context())

    assert first.checked == 3 and count == len(world.officers)  # with the daily Ofsted census
    assert second.checked == 0
    assert await scalar("SELECT count(*) FROM notifications") == count


async def deadlines_now(world: World) -> None:
    """Ask for every tracked row to be looked at now (a re-track does not change what is due)."""
    await rows("UPDATE deadline_checks SET next_check_at = {}", world.api.clock.now())


async def test_two_schedulers_at_once_create_each_notification_exactly_once(api: Api) -> None:
    world = await World(api).build(providers=6)
    for n in range(6):
        await world.submitted_application(n, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))
    api.clock.set(datetime(2026, 12, 24, 7, tzinfo=UTC))
    await deadlines_now(world)

    results = await asyncio.gather(*(sweep(world.context(), batch_size=2) for _ in range(4)))

    assert sum(r.checked for r in results) >= 8  # 6 applications, the arrangement, the Ofsted census
    assert any(r.skipped for r in results) or sum(r.checked for r in results) == 8
    duplicates = await rows(
        "SELECT key, user_id, count(*) FROM notifications GROUP BY key, user_id HAVING count(*) > 1"
    )
    assert duplicates == []
    assert await scalar("SELECT count(*) FROM notifications") == 6 * len(world.officers)
    # Whatever a skipped instance left is done by the next sweep, still once.
    await sweep(world.context())
    assert await scalar("SELECT count(*) FROM notifications") == 6 * len(world.officers)
    assert await scalar("SELECT count(*) FROM outbound_emails") == 6 * len(world.officers)


async def test_a_sweep_that_fails_halfway_keeps_nothing_of_its_batch_and_the_next_finishes_once(api: Api) -> None:
    world = await World(api).build(providers=5)
    ids = [
        await world.submitted_application(n, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))
        for n in range(5)
    ]
    now = datetime(2026, 12, 24, 7, tzinfo=UTC)
    api.clock.set(now)
    await deadlines_now(world)
    broken = ids[3]

    async def failing(ctx: Context, application_id: int, at: datetime) -> datetime | None:
        if application_id == broken:
            raise RuntimeError("the rule broke")
        return await HANDLERS["application"](ctx, application_id, at)

    with pytest.raises(RuntimeError, match="the rule broke"):
        await sweep(world.context(), handlers={**HANDLERS, "application": failing})

    assert await scalar("SELECT count(*) FROM notifications") == 0
    assert await scalar("SELECT count(*) FROM outbound_emails") == 0
    assert await deadlines.next_check("application", broken) == now + engine.FAILURE_RETRY

    finished = await sweep(world.context())
    assert finished.checked == 6  # the four other applications, the arrangement and the Ofsted census
    assert await scalar("SELECT count(*) FROM notifications") == 4 * len(world.officers)

    api.clock.set(now + engine.FAILURE_RETRY)
    await sweep(world.context())
    assert await scalar("SELECT count(*) FROM notifications") == 5 * len(world.officers)
    duplicates = await rows("SELECT key, user_id FROM notifications GROUP BY key, user_id HAVING count(*) > 1")
    assert duplicates == []


async def test_an_unknown_entity_type_is_put_off_a_day_and_never_stops_the_sweep(api: Api) -> None:
    world = await World(api).build()
    application = await world.submitted_application(0, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))
    now = datetime(2026, 12, 24, 7, tzinfo=UTC)
    api.clock.set(now)
    async with DB.transaction():
        await deadlines.track("no_such_thing", 1, now - timedelta(hours=1))

    result = await sweep(world.context())

    assert result.unknown == 1 and result.checked == 4
    assert await deadlines.next_check("no_such_thing", 1) == now + engine.UNKNOWN_TYPE_RETRY
    assert await deadlines.next_check("application", application) == datetime(2026, 12, 31, tzinfo=UTC)


async def test_a_deleted_or_decided_application_stops_being_tracked(api: Api) -> None:
    world = await World(api).build()
    application = await world.submitted_application(0, datetime(2026, 12, 14, 10, tzinfo=UTC), date(2026, 12, 30))
    await rows("UPDATE applications SET status = 'withdrawn' WHERE id = {}", application)
    api.clock.set(datetime(2026, 12, 15, 7, tzinfo=UTC))

    await sweep(world.context())

    assert await deadlines.next_check("application", application) is None
