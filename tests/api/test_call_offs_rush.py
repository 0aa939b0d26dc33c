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

from dps.accounts import repository as accounts
from dps.core.auth import new_token, token_digest
from dps.core.clock import FixedClock
from dps.core.db import DB
from tests.api.test_call_offs import CALL_OFFS, Scene, offer_body, raise_and_publish, scene
from tests.conftest import START
from tests.support import Api

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
