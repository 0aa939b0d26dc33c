"""Hand-written: which of a call-off's preferred needs each invited setting met at publication."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "call-off invitations record the preferred needs each setting met when invited"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenders", description=DESCRIPTION)

    async def preferred_needs():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        await DB.run_querystring(
            QueryString(
                "ALTER TABLE call_off_invitations ADD COLUMN preferred_needs_met VARCHAR(40)[] NOT NULL DEFAULT ARRAY[]::VARCHAR(40)[]"
            )
        )

    manager.add_raw(preferred_needs)

    return manager
