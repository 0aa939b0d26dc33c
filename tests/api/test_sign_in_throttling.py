"""Issue 13 item 7: failed sign-ins slow down the client that fails, not the account's owner, and
an unknown address is treated exactly like a real account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx

from tests.support import PASSWORD, Api, problem

LOGIN = "/api/v1/auth/login"


@asynccontextmanager
async def client_at(api: Api, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=api.app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def attempts(client: httpx.AsyncClient, email: str, n: int) -> list[tuple[int, str, str | None]]:
    seen = []
    for _ in range(n):
        response = await client.post(LOGIN, json={"email": email, "password": "not-the-password"})
        seen.append((response.status_code, response.json()["code"], response.headers.get("retry-after")))
    return seen


async def test_an_attackers_failures_do_not_keep_the_real_user_out(api: Api) -> None:
    await api.admin()
    victim = "admin@test.dps"
    async with client_at(api, "203.0.113.66") as attacker, client_at(api, "198.51.100.7") as owner:
        seen = await attempts(attacker, victim, 12)
        assert seen[:4] == [(401, "invalid_credentials", None)] * 4
        assert seen[4] == (401, "invalid_credentials", None)  # the 5th failure starts the delays
        assert all(status == 429 and code == "login_throttled" for status, code, _ in seen[5:])
        # The attacker must wait, even with the right password ...
        problem(await attacker.post(LOGIN, json={"email": victim, "password": PASSWORD}), 429, "login_throttled")
        # ... and the real user, from their own client, signs in at once.
        signed_in = await owner.post(LOGIN, json={"email": victim, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text


async def test_delays_grow_with_each_failure_after_the_wait(api: Api) -> None:
    await api.admin()
    async with client_at(api, "203.0.113.66") as attacker:
        await attempts(attacker, "admin@test.dps", 5)
        waits = []
        for _ in range(4):
            refused = await attacker.post(LOGIN, json={"email": "admin@test.dps", "password": PASSWORD})
            problem(refused, 429, "login_throttled")
            waits.append(int(refused.headers["retry-after"]))
            api.clock.advance(timedelta(seconds=waits[-1]))
            assert (await attempts(attacker, "admin@test.dps", 1))[0][0] == 401
        assert waits == [1, 2, 4, 8]
        # Waiting out the delay, the right password works again from this client too.
        api.clock.advance(timedelta(seconds=16))
        assert (await attacker.post(LOGIN, json={"email": "admin@test.dps", "password": PASSWORD})).status_code == 200


async def test_an_unknown_address_is_answered_exactly_like_an_account(api: Api) -> None:
    await api.admin()
    async with client_at(api, "203.0.113.1") as one, client_at(api, "203.0.113.2") as two:
        real = await attempts(one, "admin@test.dps", 8)
        unknown = await attempts(two, "nobody@nowhere.test", 8)
    assert real == unknown
    assert real[-1][:2] == (429, "login_throttled")


async def test_one_client_failing_on_many_accounts_is_slowed_down(api: Api) -> None:
    await api.admin()
    async with client_at(api, "203.0.113.99") as sprayer, client_at(api, "198.51.100.7") as other:
        for n in range(20):
            assert (await attempts(sprayer, f"guess{n}@council.test", 1))[0][0] == 401
        problem(
            await sprayer.post(LOGIN, json={"email": "admin@test.dps", "password": PASSWORD}), 429, "login_throttled"
        )
        assert (await other.post(LOGIN, json={"email": "admin@test.dps", "password": PASSWORD})).status_code == 200
