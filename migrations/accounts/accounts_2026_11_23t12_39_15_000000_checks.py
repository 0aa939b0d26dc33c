"""Hand-written: rules the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T12:39:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "account rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def account_rules():
        # Hand-written checks the ORM cannot declare; the domain enforces the same rules first,
        # these keep the data right even if a bug slips past it.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """ALTER TABLE users ADD CONSTRAINT users_role_organisation CHECK (
                (role IN ('provider_admin', 'provider_user') AND provider IS NOT NULL AND authority IS NULL)
                OR (role IN ('procurement_officer', 'evaluator', 'legal_officer', 'commissioner')
                    AND authority IS NOT NULL AND provider IS NULL)
                OR (role = 'admin' AND authority IS NULL AND provider IS NULL))""",
            """ALTER TABLE users ADD CONSTRAINT users_status CHECK (status IN ('invited', 'active', 'disabled'))""",
            """ALTER TABLE provider_settings ADD CONSTRAINT provider_settings_ages
                CHECK (min_age >= 0 AND min_age <= max_age AND max_age <= 25)""",
            """ALTER TABLE provider_settings ADD CONSTRAINT provider_settings_capacity CHECK (capacity > 0)""",
            """ALTER TABLE providers ADD CONSTRAINT providers_registered
                CHECK (company_number IS NOT NULL OR charity_number IS NOT NULL)""",
            """ALTER TABLE documents ADD CONSTRAINT documents_owner CHECK (
                (owner_kind = 'provider' AND provider IS NOT NULL AND authority IS NULL)
                OR (owner_kind = 'authority' AND authority IS NOT NULL AND provider IS NULL))""",
            """ALTER TABLE documents ADD CONSTRAINT documents_size CHECK (size_bytes > 0)""",
            "CREATE INDEX auth_tokens_live ON auth_tokens (token_hash) WHERE revoked_at IS NULL",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(account_rules)

    return manager
