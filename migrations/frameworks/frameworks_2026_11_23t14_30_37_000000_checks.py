"""Hand-written: rules the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T14:30:37:000000"
VERSION = "1.38.0"
DESCRIPTION = "arrangement and lot rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="frameworks", description=DESCRIPTION)

    async def framework_rules():
        # Hand-written checks the ORM cannot declare; the domain enforces the same rules first,
        # these keep the data right even if a bug slips past it.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            "ALTER TABLE lots ADD CONSTRAINT lots_arrangement_code_key UNIQUE (arrangement, code)",
            """ALTER TABLE arrangements ADD CONSTRAINT arrangements_status
                CHECK (status IN ('draft', 'open', 'closed', 'expired', 'suspended'))""",
            # One live application per provider and arrangement; a withdrawn or decided one may be
            # followed by a new application (PCR 2015 reg 34: a request may be made at any time).
            """CREATE UNIQUE INDEX applications_one_live_per_provider ON applications (arrangement, provider)
                WHERE status NOT IN ('withdrawn', 'decided')""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(framework_rules)

    return manager
