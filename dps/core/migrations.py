"""Where each app's migrations live, and applying them (`dps db upgrade`)."""

from __future__ import annotations

import os
from pathlib import Path

MIGRATIONS_ROOT = Path(__file__).resolve().parents[2] / "migrations"


def folder(app_name: str) -> str:
    return str(MIGRATIONS_ROOT / app_name)


async def upgrade() -> None:
    """Apply every pending migration of every app, in registry order."""
    os.environ.setdefault("PICCOLO_CONF", "dps.piccolo_conf")
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")
