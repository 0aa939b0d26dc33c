"""The deadline rush: many providers offer at once in the last moments before a call-off's deadline,
and some just after it, through the real app on real PostgreSQL (issue 6).

Every request runs concurrently (asyncio.gather through the ASGI client, sharing the database
pool). The server clock is read per request: each concurrent request carries the instant it
reached the server, so the 200 early ones and the 50 late ones interleave instead of running in
two waves."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

import pytest
from piccolo.querystring import QueryString

from dps.core.clock import FixedClock
from dps.core.db import DB
from tests.conftest import START
from tests.support import Api
from tests.support.call_offs import CALL_OFFS, offer_body, raise_and_publish, scene, seed_members

BEFORE = 200
AFTER = 50

_arrival: ContextVar[datetime | None] = ContextVar("arrival", default=None)


class ArrivalClock(FixedClock):
    """The fixed clock, except inside a request sent with `arriving(at)`: there it reads `at`."""

    def now(self) -> datetime:
        return _arrival.get() or super().now()


@pytest.fixture
def clock() -> FixedClock:
    return ArrivalClock(START)


@contextmanager
def arriving(at: datetime) -> Iterator[None]:
    """Requests sent inside reach the server at `at` (the task's own time; others are unaffected)."""
    token = _arrival.set(at)
    try:
        yield
    finally:
        _arrival.reset(token)


def moments(deadline: datetime, rng: random.Random) -> Iterator[tuple[bool, datetime]]:
    """(early, arrival) for every request: the early ones within the last two seconds before the
    deadline (the last one a microsecond before it), the late ones within two seconds after it
    (the first exactly at it), shuffled together."""
    early = [deadline - timedelta(microseconds=rng.randrange(1, 2_000_000)) for _ in range(BEFORE - 1)]
    early.append(deadline - timedelta(microseconds=1))
    late = [deadline + timedelta(microseconds=rng.randrange(0, 2_000_000)) for _ in range(AFTER - 1)]
    late.append(deadline)
    mixed = [(True, at) for at in early] + [(False, at) for at in late]
    rng.shuffle(mixed)
    return iter(mixed)


async def test_200_offers_in_the_last_seconds_are_all_kept_and_50_just_after_are_all_refused(api: Api) -> None:
    s = await scene(api)
    members = await seed_members(s, BEFORE + AFTER)
    deadline = api.clock.now() + timedelta(days=10)
    call_off_id = (await raise_and_publish(api, s, deadline))["id"]
    invited = await DB.run_querystring(
        QueryString("SELECT count(*) AS n FROM call_off_invitations WHERE call_off = {} AND invited", call_off_id)
    )
    assert invited[0]["n"] == BEFORE + AFTER

    rng = random.Random(6)
    plan = [(member, early, at) for member, (early, at) in zip(members, moments(deadline, rng), strict=True)]
    api.clock.set(deadline - timedelta(hours=1))  # what every other read sees

    async def offer(member: tuple[int, int, str], at: datetime) -> tuple[int, dict[str, object]]:
        provider_id, setting_id, token = member
        with arriving(at):
            response = await api.client.post(
                f"{CALL_OFFS}/{call_off_id}/offers",
                json=offer_body(setting_id, 400_000 + provider_id),
                headers=api.auth(token),
            )
        return response.status_code, response.json()

    answers = await asyncio.gather(*(offer(member, at) for member, _, at in plan))

    accepted = {}
    for (member, early, at), (status, body) in zip(plan, answers, strict=True):
        if early:
            assert status == 201, (at, body)
            accepted[body["id"]] = (member[0], member[1], 400_000 + member[0])
        else:
            assert (status, body["code"]) == (409, "deadline_passed"), (at, body)
    assert len(accepted) == BEFORE
    stored = await DB.run_querystring(QueryString("SELECT count(*) AS n FROM offers WHERE call_off = {}", call_off_id))
    assert stored[0]["n"] == BEFORE

    # After the deadline the council reads every accepted offer, exactly as it was sent.
    api.clock.set(deadline + timedelta(seconds=5))
    commissioner, officer = await api.renew(s.commissioner), await api.renew(s.officer)  # 10 days on
    listing = await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers", headers=api.auth(commissioner))
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert (body["sealed"], body["submitted"], body["withdrawn"]) == (False, BEFORE, 0)
    read = {o["id"]: (o["provider_id"], o["setting_id"], o["weekly_fee_pence"]) for o in body["items"]}
    assert read == accepted
    some = rng.sample(sorted(accepted), 5)
    for offer_id in some:
        one = await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers/{offer_id}", headers=api.auth(officer))
        assert one.status_code == 200 and one.json()["weekly_fee_pence"] == accepted[offer_id][2], one.text
    # Reading never closes it (issue 14): the scheduler's sweep does; reads show it past its deadline.
    read = (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(commissioner))).json()
    assert (read["status"], read["past_deadline"]) == ("published", True)
