"""Where each app's migrations live, and applying them (`dps db upgrade`)."""

from __future__ import annotations

import os
from pathlib import Path

MIGRATIONS_ROOT = Path(__file__).resolve().parents[2] / "migrations"


def folder(app_name: str) -> str:
    return str(MIGRATIONS_ROOT / app_name)


# Arbitrary constant naming the lock that lets one process at a time apply migrations.
MIGRATIONS_LOCK = 7_310_003


async def upgrade() -> None:
    """Apply every pending migration of every app, in registry order, one process at a time:
    any number of processes may start together on one database; the first applies what is
    pending while the others wait, then find nothing left to do."""
    os.environ.setdefault("PICCOLO_CONF", "dps.piccolo_conf")
    import asyncpg
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from dps.core.db import DB, grant_app_role

    holder = await asyncpg.connect(DB.config["dsn"])
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_LOCK)
        result = await run_forwards(app_name="all", migration_id="all", fake=False)
        if not result.success:
            raise RuntimeError(f"migrations failed: {result.message}")
    finally:
        await holder.close()  # closing the session releases its lock
    # The app's role (dps.core.db.APP_ROLE), when there is one, gets its privileges on new tables.
    await grant_app_role(DB.config["dsn"])
