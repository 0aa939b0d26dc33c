"""Hand-written: a published arrangement's price bands and additional services are withdrawn, not
deleted (kept for the record and audited, no longer offered); a withdrawn band no longer blocks
a replacement for the same period."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "withdrawn price bands and additional services"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="pricing", description=DESCRIPTION)

    async def withdrawals():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            "ALTER TABLE price_bands ADD COLUMN withdrawn_at TIMESTAMPTZ NULL DEFAULT NULL",
            "ALTER TABLE price_bands ADD COLUMN withdrawn_reason TEXT NULL DEFAULT NULL",
            "ALTER TABLE additional_services ADD COLUMN withdrawn_at TIMESTAMPTZ NULL DEFAULT NULL",
            "ALTER TABLE additional_services ADD COLUMN withdrawn_reason TEXT NULL DEFAULT NULL",
            "ALTER TABLE price_bands DROP CONSTRAINT price_bands_no_overlap",
            """ALTER TABLE price_bands ADD CONSTRAINT price_bands_no_overlap EXCLUDE USING gist (
                lot WITH =, age_band WITH =, need_level WITH =, area WITH =,
                daterange(effective_from, effective_to, '[]') WITH &&)
                WHERE (withdrawn_at IS NULL)""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(withdrawals)

    return manager
