"""Hand-written: contract templates belong to an owner (issue 13, item 4).

A version is owned by a council (a consortium's lead authority owns the consortium's wording) or,
with no owner, is a national default owned by the platform's admins. Exactly one version of a kind
is approved per owner, and versions are numbered per owner. Existing versions become national
defaults (they were platform-wide). `contract_template_policies` holds a council's approval rule
(four eyes unless it says otherwise).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:21:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "contract template owners and approval policies"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contracts", description=DESCRIPTION)

    async def template_owners():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """ALTER TABLE contract_template_versions ADD COLUMN owner_authority BIGINT NULL DEFAULT NULL
                REFERENCES authorities (id) ON DELETE RESTRICT""",
            """CREATE INDEX contract_template_versions_owner_authority
                ON contract_template_versions (owner_authority)""",
            "ALTER TABLE contract_template_versions DROP CONSTRAINT contract_template_versions_kind_version_key",
            """CREATE UNIQUE INDEX contract_template_versions_kind_version_key
                ON contract_template_versions (kind, COALESCE(owner_authority, 0), version)""",
            "DROP INDEX contract_template_versions_one_approved",
            """CREATE UNIQUE INDEX contract_template_versions_one_approved
                ON contract_template_versions (kind, COALESCE(owner_authority, 0)) WHERE status = 'approved'""",
            """CREATE TABLE contract_template_policies (
                id SERIAL PRIMARY KEY,
                authority BIGINT NOT NULL UNIQUE REFERENCES authorities (id) ON DELETE RESTRICT,
                four_eyes BOOLEAN NOT NULL DEFAULT TRUE,
                updated_at TIMESTAMPTZ NOT NULL,
                updated_by BIGINT NULL DEFAULT NULL REFERENCES users (id) ON DELETE RESTRICT
            )""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(template_owners)

    return manager
