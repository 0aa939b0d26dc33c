"""Shared fixtures. Unit tests need none of these; integration and API tests get a real
PostgreSQL (the embedded server, or DATABASE_URL when set) with one throwaway database per run."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from dps.core import db, migrations
from dps.core.clock import FixedClock
from dps.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest_asyncio.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    """A fresh database with every migration applied, dropped at the end of the run."""
    name = f"dps_test_{uuid.uuid4().hex[:10]}"
    if os.environ.get("DATABASE_URL"):
        url = db.with_database(os.environ["DATABASE_URL"], name)
    else:
        import asyncio

        server_url = await asyncio.to_thread(db.embedded_server_uri, REPO / "var" / "pg-test", "postgres")
        url = db.with_database(server_url, name)
    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    await migrations.upgrade()
    await db.open_pool(max_size=10)
    try:
        yield url
    finally:
        await db.close_pool()
        await db.drop_database(url)


@pytest_asyncio.fixture
async def clean_database(database: str) -> AsyncIterator[str]:
    """Every table emptied before the test, so tests never see each other's rows. The audit tables
    refuse TRUNCATE (dps.core.audit_chain); as their owner the fixture lifts that for a moment."""
    from piccolo.querystring import QueryString

    rows = await db.DB.run_querystring(_table_names())
    names = ", ".join(f'"{r["tablename"]}"' for r in rows)
    guarded = [r["tablename"] for r in rows if r["tablename"] in db.AUDIT_TABLES]
    async with db.DB.transaction():
        for table in guarded:
            await db.DB.run_querystring(QueryString(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate"))
        await db.DB.run_querystring(_truncate(names))
        for table in guarded:
            await db.DB.run_querystring(QueryString(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate"))
    yield database


def _table_names():  # type: ignore[no-untyped-def]
    from piccolo.querystring import QueryString

    return QueryString("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'")


def _truncate(names: str):  # type: ignore[no-untyped-def]
    from piccolo.querystring import QueryString

    return QueryString(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "DPS_VAR_DIR": str(tmp_path / "var"),
            "DPS_DOCUMENTS_URL": str(tmp_path / "documents"),
            "DPS_MAX_UPLOAD_MB": "1",
            "DPS_SCHEDULER": "off",
        }
    )
