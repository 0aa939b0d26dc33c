"""The audit trail's keyed chain (issue 13 item 8) and its lock-free appends (issue 18).

Appends take no lock; a sealer chains committed events after commit with an HMAC whose key the
database does not hold, and signs checkpoints of the head into the document store. Someone with
full database access cannot rewrite an event and recompute what follows, cut off the newest
events or empty the table without `verify` saying so; the app's own role cannot even try."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from piccolo.querystring import QueryString

from dps.core import audit, audit_chain, db
from dps.core.context import Context
from dps.core.db import DB
from dps.core.settings import Settings
from tests.support import Api, scalar, tamper_with_audit


def system(api: Api) -> Context:
    return Context(None, api.clock, api.app.state.settings, api.app.state.store)


async def as_owner(*statements: str) -> None:
    """Change the audit tables as their owner could, triggers lifted (someone with database access)."""
    async with DB.transaction():
        for table in db.AUDIT_TABLES:
            await DB.run_querystring(QueryString(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for sql in statements:
            await DB.run_querystring(QueryString(sql))
        for table in db.AUDIT_TABLES:
            await DB.run_querystring(QueryString(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


async def three_providers(api: Api) -> int:
    for _ in range(3):
        await api.provider()
    intact = await audit.verify()
    assert intact.ok, intact
    return intact.checked


async def test_an_edited_event_with_recomputed_later_hashes_is_found(api: Api) -> None:
    count = await three_providers(api)
    # The forger edits event 3 and rebuilds every later entry, with any key but the real one.
    await tamper_with_audit("UPDATE audit_events SET after = {}::jsonb WHERE id = 3", '{"legal_name": "Forged"}')
    rows = await DB.run_querystring(
        QueryString(
            "SELECT c.position, e.*, e.before::text AS before, e.after::text AS after FROM audit_chain c"
            " JOIN audit_events e ON e.id = c.event_id ORDER BY c.position"
        )
    )
    prev, rewrites = audit_chain.GENESIS_HASH, []
    for row in rows:
        digest = audit_chain.chain_hash(b"a guessed key", prev, row["position"], row)
        rewrites.append(
            f"UPDATE audit_chain SET prev_hash = '{prev}', hash = '{digest}' WHERE position = {row['position']}"  # noqa: S608
        )
        prev = digest
    await as_owner(*rewrites)

    broken = await audit.verify()
    assert not broken.ok
    assert broken.first_bad_id == 1, "the very first entry no longer matches the real key"
    assert count == len(rows)


async def test_an_edited_event_is_found_even_when_later_entries_are_left_alone(api: Api) -> None:
    await three_providers(api)
    await tamper_with_audit("UPDATE audit_events SET action = 'provider.forged' WHERE id = 3")
    broken = await audit.verify()
    assert (broken.ok, broken.first_bad_id, broken.checked) == (False, 3, 2)
    assert "altered" in (broken.problem or "")


async def test_removing_the_newest_event_and_its_entry_is_found_by_the_checkpoint(api: Api) -> None:
    count = await three_providers(api)
    newest = await scalar("SELECT max(event_id) FROM audit_chain")
    await as_owner(
        f"DELETE FROM audit_chain WHERE event_id = {newest}",  # noqa: S608
        f"DELETE FROM audit_events WHERE id = {newest}",  # noqa: S608
    )
    broken = await audit.verify()
    assert not broken.ok
    assert broken.checked == count - 1
    assert "newest events were removed" in (broken.problem or "")

    # The sealer will not extend a chain that lost its signed head: new events stay unchained, and
    # verify keeps failing instead of a fresh checkpoint papering over the cut.
    await api.provider()
    assert await audit.seal_pending() == 0
    assert not (await audit.verify()).ok


async def test_an_emptied_trail_is_found_and_truncate_is_refused(api: Api) -> None:
    await three_providers(api)
    for table in db.AUDIT_TABLES:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await DB.run_querystring(QueryString(f"TRUNCATE {table}"))
    await as_owner(*(f"DELETE FROM {table}" for table in db.AUDIT_TABLES))  # noqa: S608
    broken = await audit.verify()
    assert (broken.ok, broken.checked) == (False, 0)
    assert "newest events were removed" in (broken.problem or "")


async def test_a_forged_checkpoint_is_found(api: Api) -> None:
    await three_providers(api)
    store = api.app.state.store
    checkpoint = audit_chain.Checkpoint(count=1, hash="0" * 64, signed_at="2026-01-01T00:00:00+00:00", signature="00")
    import msgspec

    await store.put(audit_chain.CHECKPOINT_KEY, msgspec.json.encode(checkpoint), "application/json")
    broken = await audit.verify()
    assert not broken.ok and "signature" in (broken.problem or "")


async def test_the_app_role_may_only_insert_and_read_the_trail(api: Api, clean_database: str) -> None:
    await three_providers(api)
    app_url = db.as_role(clean_database, db.APP_ROLE)
    conn = await asyncpg.connect(app_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM audit_events") >= 3
        for sql in (
            "UPDATE audit_events SET action = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "ALTER TABLE audit_events DISABLE TRIGGER USER",
            "UPDATE audit_chain SET hash = 'x'",
            "DELETE FROM audit_chain",
            "DELETE FROM audit_seals",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql)
        # Appending is allowed; other tables stay writable for the app.
        await conn.execute(
            "INSERT INTO audit_events (occurred_at, action, entity_type, entity_id) VALUES (now(), 'x.y', 'x', '1')"
        )
        await conn.execute("UPDATE providers SET version = version")
    finally:
        await conn.close()
    assert (await audit.verify()).ok


async def test_concurrent_appends_do_not_wait_and_nothing_committed_is_left_unchained(api: Api) -> None:
    """Two transactions append and are open at once; the second is refused any lock wait (so a
    global lock would fail it). They commit in the opposite order of their ids, and a third rolls
    back, leaving a gap: the sealer chains exactly the committed events, none before its commit."""
    ctx = system(api)
    first_in, second_done = asyncio.Event(), asyncio.Event()
    sealed_while_first_open: list[int] = []

    async def first() -> None:
        async with DB.transaction():
            await audit.record(ctx, "test.first", "thing", 1)
            first_in.set()
            await second_done.wait()
            sealed_while_first_open.append(await audit.seal_pending())

    async def second() -> None:
        await first_in.wait()
        try:
            async with DB.transaction():
                await DB.run_querystring(QueryString("SET LOCAL lock_timeout = '1ms'"))
                await audit.record(ctx, "test.second", "thing", 2)
        finally:
            second_done.set()

    async def rolled_back() -> None:
        with pytest.raises(RuntimeError):
            async with DB.transaction():
                await audit.record(ctx, "test.rolled_back", "thing", 3)
                raise RuntimeError("abandoned")

    await asyncio.gather(first(), second())
    # While the first (older) transaction was open, the second's event was not chained ahead of it.
    assert sealed_while_first_open == [0]
    await rolled_back()
    async with DB.transaction():
        await audit.record(ctx, "test.fourth", "thing", 4)

    assert await audit.seal_all() == 3
    chained = await DB.run_querystring(
        QueryString("SELECT e.action FROM audit_chain c JOIN audit_events e ON e.id = c.event_id ORDER BY c.position")
    )
    assert [r["action"] for r in chained] == ["test.first", "test.second", "test.fourth"]
    assert await scalar("SELECT count(*) FROM audit_events") == 3
    assert (await audit.verify()).ok


def test_the_key_is_generated_into_the_var_dir_once_or_taken_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"DPS_VAR_DIR": str(tmp_path / "var")})
    key = audit_chain.load_key(settings)
    assert len(key) == 64
    assert (tmp_path / "var" / "audit.key").stat().st_mode & 0o777 == 0o600
    assert audit_chain.load_key(settings) == key
    given = Settings.from_env({"DPS_VAR_DIR": str(tmp_path / "var"), "DPS_AUDIT_KEY": "from-a-secret-store"})
    assert audit_chain.load_key(given) == b"from-a-secret-store"


async def test_an_event_slipped_in_behind_the_sealer_is_found(api: Api) -> None:
    await three_providers(api)
    await as_owner(
        "INSERT INTO audit_events (occurred_at, action, entity_type, entity_id, writer_xid)"
        " VALUES (now(), 'provider.forged', 'provider', '1', '3'::xid8)"
    )
    forged = await scalar("SELECT id FROM audit_events WHERE action = 'provider.forged'")
    broken = await audit.verify()
    assert (broken.ok, broken.first_bad_id) == (False, forged)
    assert "never chained" in (broken.problem or "")


async def test_listed_events_show_their_chain_hash_once_sealed(api: Api) -> None:
    await api.provider()
    admin = await api.admin()
    before = (await api.client.get("/api/v1/audit", headers=api.auth(admin))).json()["items"]
    assert before and all(e["hash"] is None for e in before)
    await audit.seal_all()
    after = (await api.client.get("/api/v1/audit", headers=api.auth(admin))).json()["items"]
    chain = await DB.run_querystring(QueryString("SELECT event_id, hash FROM audit_chain"))
    assert {e["id"]: e["hash"] for e in after} == {r["event_id"]: r["hash"] for r in chain}
