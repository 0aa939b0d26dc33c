"""Two `dps serve` and two `dps scheduler` processes on one database (issue 18, "done means"):
applications, offers and a deadline driven across both servers, one server killed outright in
the middle; nothing accepted is lost, every notification is emailed once, and the audit trail
verifies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from dps.core.clock import FixedClock, SystemClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import Api, admit_member, scalar
from tests.support.arrangements import add_lot, create
from tests.support.frameworks import waive_publishing_checks
from tests.support.mail import Inbox, free_port

pytestmark = pytest.mark.slow
DPS = [sys.executable, "-m", "dps.cli"]
PROVIDERS = 6
DEADLINE_S = 20.0  # the call-off's deadline, seconds after it is published


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DPS, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    out, _ = process.communicate(timeout=60)
    return out


async def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.3)
    return False


async def healthy(client: httpx.AsyncClient) -> bool:
    try:
        return (await client.get("/health", timeout=2)).status_code == 200
    except httpx.HTTPError:
        return False


async def offer(api: Api, token: str, call_off_id: int, setting_id: int) -> int | None:
    """The id of the accepted offer; None when the server refused it or did not answer."""
    try:
        response = await api.client.post(
            f"/api/v1/call-offs/{call_off_id}/offers",
            json={
                "setting_id": setting_id,
                "weekly_fee_pence": 400_000,
                "start_date": "2027-01-11",
                "answers": [{"question_id": 1, "text": "Our plan"}],
            },
            headers=api.auth(token),
        )
    except httpx.HTTPError:
        return None
    return int(response.json()["id"]) if response.status_code == 201 else None


async def test_two_servers_and_two_schedulers_lose_nothing_when_one_server_is_killed(
    clean_database: str, tmp_path: Path
) -> None:
    async with two_servers_and_two_schedulers(clean_database, tmp_path) as d:
        await a_consortium_is_set_up_through_both_servers(d)
        await providers_register_and_apply_on_alternate_servers(d)
        await a_placement_request_invites_every_member(d)
        await offers_are_kept_when_the_first_server_is_killed_outright(d)
        await the_schedulers_close_the_call_off_at_its_deadline_with_every_offer(d)
        await every_notification_is_emailed_exactly_once(d)
    await the_audit_chain_verifies_after_shutdown(d)


@dataclass
class Deployment:
    """What the steps share: the processes and their environment, a client of each server (`a` and `b`), the SMTP
    inbox and, as they come, the consortium's people and ids, the members, the call-off and the accepted offers."""

    env: dict[str, str]
    inbox: Inbox
    servers: list[subprocess.Popen[str]]
    a: Api
    b: Api
    officer: str = ""
    commissioner: str = ""
    arrangement: int = 0
    lot: int = 0
    members: list[tuple[str, int]] = field(default_factory=list)  # (token, setting id)
    call_off_id: int = 0
    accepted: set[int] = field(default_factory=set)


@asynccontextmanager
async def two_servers_and_two_schedulers(database_url: str, tmp_path: Path) -> AsyncIterator[Deployment]:
    """Two `dps serve` (scheduler off) and two `dps scheduler` processes on one database, mailing a local SMTP
    inbox; an administrator exists. On leaving, every process is stopped and the clients closed."""
    inbox = Inbox()
    smtp_port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPS_")}
    env.update(
        DATABASE_URL=database_url,
        DPS_VAR_DIR=str(tmp_path / "var"),
        DPS_DOCUMENTS_URL=str(tmp_path / "documents"),
        DPS_AUDIT_KEY="scale-out-test-key-0123456789abcdef",
        DPS_SMTP_HOST="127.0.0.1",
        DPS_SMTP_PORT=str(smtp_port),
        DPS_SCHEDULER_INTERVAL_SECONDS="1",
        DPS_LOG_LEVEL="warning",
    )
    ports = [free_port(), free_port()]
    servers = [start(["serve", "--port", str(p), "--workers", "1"], {**env, "DPS_SCHEDULER": "off"}) for p in ports]
    schedulers = [start(["scheduler"], env) for _ in range(2)]
    processes = [*servers, *schedulers]
    settings = Settings.from_env(env)
    app = SimpleNamespace(state=SimpleNamespace(settings=settings, store=LocalDocumentStore(tmp_path / "documents")))
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=30) for p in ports]
    a, b = (Api(c, FixedClock(datetime.now(UTC)), app) for c in clients)  # type: ignore[arg-type]
    try:
        for client, server in zip(clients, servers, strict=True):
            assert await wait_for(lambda c=client: healthy(c), 60), stop(server)
        a.admin_token = b.admin_token = await _admin(a, settings)
        yield Deployment(env=env, inbox=inbox, servers=servers, a=a, b=b)
    finally:
        for process in processes:
            stop(process)
        for client in clients:
            await client.aclose()
        smtp.stop()


async def a_consortium_is_set_up_through_both_servers(d: Deployment) -> None:
    """A lead council, its officer and commissioner, an arrangement with one lot, published: each call on
    either server."""
    a, b = d.a, d.b
    lead = await a.authority()
    _, officer = await b.staff("procurement_officer", lead)
    _, commissioner = await a.staff("commissioner", lead)
    arrangement = (await create(b, officer, term_start=date.today().isoformat()))["id"]
    lot = (await add_lot(a, officer, arrangement, "LOT-1"))["id"]
    await waive_publishing_checks(a, officer, arrangement)
    published = await b.client.post(f"/api/v1/arrangements/{arrangement}/publish", headers=b.auth(officer))
    assert published.status_code == 200, published.text
    d.officer, d.commissioner, d.arrangement, d.lot = officer, commissioner, arrangement, lot


async def providers_register_and_apply_on_alternate_servers(d: Deployment) -> None:
    """Six providers register, describe a setting, apply and submit, each step on alternate servers; each is
    admitted to the lot."""
    a, b, arrangement, lot = d.a, d.b, d.arrangement, d.lot
    for n in range(PROVIDERS):
        here, there = (a, b) if n % 2 else (b, a)
        provider_id, token = await here.provider(postcode="M1 1AE")
        setting = await there.setting(provider_id, token, postcode="M5 4WT")
        applied = await here.client.post(
            "/api/v1/applications",
            json={"arrangement_id": arrangement, "lot_ids": [lot]},
            headers=here.auth(token),
        )
        assert applied.status_code == 201, applied.text
        submitted = await there.client.post(
            f"/api/v1/applications/{applied.json()['id']}/submit", headers=there.auth(token)
        )
        assert submitted.status_code == 200, submitted.text
        await admit_member(arrangement, lot, provider_id, date.today())
        d.members.append((token, setting["id"]))


async def a_placement_request_invites_every_member(d: Deployment) -> None:
    """A placement request with a deadline DEADLINE_S away is raised on one server and published on the other;
    every member is invited."""
    a, b, commissioner = d.a, d.b, d.commissioner
    deadline = datetime.now(UTC) + timedelta(seconds=DEADLINE_S)
    call_off = await a.client.post(
        "/api/v1/call-offs",
        json={
            "arrangement_id": d.arrangement,
            "lot_id": d.lot,
            "title": "Boy, 13, long term",
            "child": {
                "age": 13,
                "sex": "male",
                "needs": ["autism"],
                "home_district": "M5",
                "placement_type": "long_term",
                "start_date": "2027-01-11",
            },
            "criteria": {
                "questions": [{"text": "Your plan", "max_score": 5, "weight": "1"}],
                "quality_weight": "50",
                "price_weight": "30",
                "proximity_weight": "20",
            },
            "deadline": deadline.isoformat(),
            "urgent_reason": "A test of the deployment",
        },
        headers=a.auth(commissioner),
    )
    assert call_off.status_code == 201, call_off.text
    call_off_id = call_off.json()["id"]
    published = await b.client.post(f"/api/v1/call-offs/{call_off_id}/publish", headers=b.auth(commissioner))
    assert published.status_code == 200, published.text
    d.call_off_id = call_off_id


async def offers_are_kept_when_the_first_server_is_killed_outright(d: Deployment) -> None:
    """Offers go to both servers at once: a first wave, then a second during which the first server is killed
    outright; what it did not answer goes to the survivor (a client's retry). At least half are accepted."""
    a, b, members, call_off_id, servers = d.a, d.b, d.members, d.call_off_id, d.servers
    half = PROVIDERS // 2

    async def kill_first() -> None:
        await asyncio.sleep(0.05)
        stop(servers[0], signal.SIGKILL)

    first_wave = await asyncio.gather(
        *(offer(a if n % 2 else b, token, call_off_id, setting) for n, (token, setting) in enumerate(members[:half]))
    )
    *second_wave, _ = await asyncio.gather(
        *(offer(a if n % 2 else b, token, call_off_id, setting) for n, (token, setting) in enumerate(members[half:])),
        kill_first(),
    )
    assert servers[0].poll() == -signal.SIGKILL
    answers = [*first_wave, *second_wave]
    accepted = {offer_id for offer_id in answers if offer_id is not None}
    for (token, setting), answer in zip(members, answers, strict=True):
        if answer is None:
            retried = await offer(b, token, call_off_id, setting)
            if retried is not None:
                accepted.add(retried)
    assert len(accepted) >= half
    d.accepted = accepted


async def the_schedulers_close_the_call_off_at_its_deadline_with_every_offer(d: Deployment) -> None:
    """After the deadline the schedulers close the call-off; every accepted offer is there."""
    b, commissioner, call_off_id = d.b, d.commissioner, d.call_off_id

    async def closed() -> bool:
        got = await b.client.get(f"/api/v1/call-offs/{call_off_id}", headers=b.auth(commissioner))
        return bool(got.json()["status"] != "published")

    assert await wait_for(closed, DEADLINE_S + 30), "the call-off was not closed at its deadline"
    listed = await b.client.get(f"/api/v1/call-offs/{call_off_id}/offers", headers=b.auth(commissioner))
    assert listed.status_code == 200, listed.text
    assert d.accepted <= {o["id"] for o in listed.json()["items"]}


async def every_notification_is_emailed_exactly_once(d: Deployment) -> None:
    """The outbox drains; every notification is emailed, each exactly once, and none is recorded twice."""

    async def outbox_drained() -> bool:
        return await scalar("SELECT count(*) FROM outbound_emails WHERE status <> 'sent'") == 0

    assert await wait_for(outbox_drained, 30)
    emails = await scalar("SELECT count(*) FROM outbound_emails")
    assert emails == len(d.inbox.messages) > 0
    sent = Counter((m["To"], m["Subject"], m.get_payload()) for m in d.inbox.messages)
    assert all(n == 1 for n in sent.values()), sent.most_common(3)
    assert await scalar("SELECT count(*) FROM notifications") == await scalar(
        "SELECT count(DISTINCT (user_id, key)) FROM notifications"
    )


async def the_audit_chain_verifies_after_shutdown(d: Deployment) -> None:
    """With every process stopped, `dps audit verify` finds the audit chain intact."""
    verified = await asyncio.to_thread(
        subprocess.run, [*DPS, "audit", "verify"], env=d.env, capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit chain intact" in verified.stdout


async def _admin(api: Api, settings: Settings) -> str:
    from dps.accounts.services.users import create_user_with_password
    from dps.core.auth import Role
    from dps.core.context import Context
    from tests.support import PASSWORD

    ctx = Context(None, SystemClock(), settings, api.app.state.store)
    await create_user_with_password(ctx, "admin@test.dps", "Test Admin", Role.ADMIN, PASSWORD)
    return await api.login("admin@test.dps")
