"""Where each app's migrations live, and applying them (`dps db upgrade`)."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg

from dps.core import db

MIGRATIONS_ROOT = Path(__file__).resolve().parents[2] / "migrations"


def folder(app_name: str) -> str:
    return str(MIGRATIONS_ROOT / app_name)


async def upgrade() -> None:
    """Apply every pending migration of every app, in registry order, under a PostgreSQL advisory
    lock held on its own connection (issue 18): any number of processes may start at once; the
    first applies the migrations while the others wait, then find nothing left to do. Then grant
    the app's role (dps.core.db.APP_ROLE), when there is one, its privileges on the new tables."""
    os.environ.setdefault("PICCOLO_CONF", "dps.piccolo_conf")
    from piccolo.apps.migrations.commands.forwards import run_forwards

    url = db.DB.config["dsn"]
    holder = await asyncpg.connect(url)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", db.MIGRATIONS_LOCK)
        result = await run_forwards(app_name="all", migration_id="all", fake=False)
        if not result.success:
            raise RuntimeError(f"migrations failed: {result.message}")
    finally:
        await holder.close()  # closing the session releases its lock, also after an error
    await db.grant_app_role(url)
