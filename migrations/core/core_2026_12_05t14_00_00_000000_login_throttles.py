"""Hand-written: sign-in failures counted per key with growing delays, instead of locking the
account (issue 13 item 7, dps.core.throttling)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "login throttles"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def login_throttles():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        await DB.run_querystring(
            QueryString(
                """
                CREATE TABLE login_throttles (
                    key varchar(200) PRIMARY KEY,
                    failures integer NOT NULL CHECK (failures >= 0),
                    last_failure_at timestamptz NULL,
                    blocked_until timestamptz NULL
                )
                """
            )
        )

    manager.add_raw(login_throttles)

    return manager
