"""Issue 18: migrations run under a PostgreSQL advisory lock, so any number of processes may
start on a new database at once (before, the second died on `relation ... already exists`)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg

from dps.core import db

# A database where an earlier start got as far as the core app's migrations: the others remain.
CORE_ONLY = """
import asyncio, sys
from dps.core import db
from piccolo.apps.migrations.commands.forwards import run_forwards
db.point_engine_at(sys.argv[1])
assert asyncio.run(run_forwards(app_name="core", migration_id="all", fake=False)).success
"""
# Each process loads everything first, says it is ready, and starts `dps db upgrade` on the go
# signal, so all of them reach the migrations at the same moment (imports alone would stagger them).
STARTER = """
import sys
import dps.cli, dps.piccolo_conf, piccolo.apps.migrations.commands.forwards
print("ready", flush=True)
sys.stdin.readline()
sys.exit(dps.cli.main(["db", "upgrade"]))
"""
PROCESSES = 4


async def test_several_upgrades_started_together_on_a_new_database_all_succeed(database: str, tmp_path: Path) -> None:
    fresh = db.with_database(database, f"dps_fresh_{uuid.uuid4().hex[:8]}")
    await db.ensure_database_exists(fresh)
    env = {**os.environ, "DATABASE_URL": fresh, "DPS_VAR_DIR": str(tmp_path / "var")}
    pipe = asyncio.subprocess.PIPE
    core = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CORE_ONLY, fresh, env=env, stdout=pipe, stderr=pipe
    )
    assert await core.wait() == 0
    started = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", STARTER, env=env, stdin=pipe, stdout=pipe, stderr=pipe
        )
        for _ in range(PROCESSES)
    ]
    try:
        for process in started:
            assert process.stdout is not None
            assert await process.stdout.readline() == b"ready\n"
        for process in started:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        for process in started:
            out, err = await process.communicate()
            assert process.returncode == 0, (out + err).decode()
            assert b"database is up to date" in out
        conn = await asyncpg.connect(fresh)
        try:
            applied = await conn.fetchval("SELECT count(*) FROM migration")
            distinct = await conn.fetchval("SELECT count(DISTINCT (app_name, name)) FROM migration")
        finally:
            await conn.close()
        assert applied == distinct, "each migration was applied once"
    finally:
        for process in started:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await db.drop_database(fresh)
