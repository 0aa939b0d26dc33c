"""Read replicas (issue 18): reports and searches read from DATABASE_REPLICA_URL when it is set,
fall back to the primary when it is not, and nothing that must read its own write goes there.

The "replica" here is a second pool on the same database: what matters is which pool serves
each read, which the test records on the replica's engine."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from piccolo.engine.postgres import PostgresEngine

from dps.core import replica
from dps.core.db import DB
from dps.core.settings import Settings
from tests.support import Api
from tests.support.compliance import consortium


class ReplicaReads:
    def __init__(self) -> None:
        self.statements: list[str] = []


@pytest_asyncio.fixture
async def replica_reads(clean_database: str) -> AsyncIterator[ReplicaReads]:
    """Open the replica pool on the test database and record every statement it serves."""
    await replica.open_pool(clean_database, max_size=2)
    seen = ReplicaReads()

    class Recording(PostgresEngine):  # type: ignore[misc]
        async def run_querystring(self, querystring: Any, in_pool: bool = True) -> Any:
            seen.statements.append(str(querystring))
            return await super().run_querystring(querystring, in_pool=in_pool)

    opened: Any = DB.extra_nodes[replica.NODE]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recording = Recording(config=opened.config, extensions=(), log_queries=False)
    recording.pool = opened.pool  # the replica's pool, now behind a recording engine
    DB.extra_nodes = {**DB.extra_nodes, replica.NODE: recording}
    try:
        yield seen
    finally:
        await replica.close_pool()


def test_the_replica_url_is_read_from_the_environment() -> None:
    assert (
        Settings.from_env({"DATABASE_REPLICA_URL": "postgresql://r/dps"}).database_replica_url == "postgresql://r/dps"
    )
    assert Settings.from_env({}).database_replica_url is None


async def test_without_a_replica_every_read_goes_to_the_primary(clean_database: str) -> None:
    assert replica.node() is None
    assert replica.reader() is DB


async def test_inside_a_transaction_reads_stay_on_the_primary(replica_reads: ReplicaReads) -> None:
    assert replica.node() == replica.NODE
    async with DB.transaction():
        assert replica.node() is None
        assert replica.reader() is DB


async def test_searches_and_reports_read_from_the_replica_and_writes_never_do(
    api: Api, replica_reads: ReplicaReads
) -> None:
    c = await consortium(api)  # registrations, settings, memberships: writes that read their own rows
    assert replica_reads.statements == []

    found = await api.client.get(
        "/api/v1/search/settings", params={"near": "M1 1AE", "age": 8}, headers=api.auth(c.commissioner)
    )
    assert found.status_code == 200, found.text
    assert found.json()["items"]  # the replica sees the primary's committed rows
    assert any("provider_settings" in s for s in replica_reads.statements)

    before = len(replica_reads.statements)
    year = {"first_day": "2026-01-01", "last_day": "2026-12-31"}
    report = await api.client.get("/api/v1/reports/placements", params=year, headers=api.auth(c.commissioner))
    assert report.status_code == 200, report.text
    assert any("placements" in s for s in replica_reads.statements[before:])

    before = len(replica_reads.statements)
    await api.setting(c.provider_id, c.provider, name="Salford House", postcode="M5 4WT")
    assert replica_reads.statements[before:] == []


@pytest.mark.parametrize("configured", [False, True])
async def test_the_app_opens_and_closes_the_replica_pool_with_its_own(
    configured: bool, clean_database: str, tmp_path: Any
) -> None:
    from dps.core import db

    env = {"DATABASE_URL": clean_database, "DPS_VAR_DIR": str(tmp_path)}
    if configured:
        env["DATABASE_REPLICA_URL"] = clean_database
    settings = Settings.from_env(env)
    await db.close_pool()
    try:
        async with db.connected(settings, pool_size=2):
            assert (replica.node() == replica.NODE) is configured
        assert replica.node() is None
    finally:
        db.point_engine_at(clean_database)
        await db.open_pool(max_size=10)
