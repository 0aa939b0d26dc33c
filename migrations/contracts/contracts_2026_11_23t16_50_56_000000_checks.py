"""Hand-written: rules the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T16:50:56:000000"
VERSION = "1.38.0"
DESCRIPTION = "contract template and contract rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contracts", description=DESCRIPTION)

    async def contract_rules():
        # The domain enforces these first; the database keeps the data right if a bug slips past.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """ALTER TABLE contract_template_versions ADD CONSTRAINT contract_template_versions_kind_version_key
                UNIQUE (kind, version)""",
            # Exactly one approved version of a kind renders contracts; approving retires the last.
            """CREATE UNIQUE INDEX contract_template_versions_one_approved ON contract_template_versions (kind)
                WHERE status = 'approved'""",
            """ALTER TABLE contract_template_versions ADD CONSTRAINT contract_template_versions_status
                CHECK (status IN ('draft', 'approved', 'retired'))""",
            """ALTER TABLE contracts ADD CONSTRAINT contracts_status
                CHECK (status IN ('draft', 'issued', 'signed', 'active', 'ended', 'terminated'))""",
            """ALTER TABLE contracts ADD CONSTRAINT contracts_kind
                CHECK (kind IN ('placement_agreement', 'membership_agreement', 'fee_variation', 'decision_letter'))""",
            """ALTER TABLE contracts ADD CONSTRAINT contracts_pdf_status
                CHECK (pdf_status IN ('pending', 'ready', 'failed'))""",
            # A ready PDF has its blob; a signature names who, when and what.
            """ALTER TABLE contracts ADD CONSTRAINT contracts_pdf_ready_has_blob
                CHECK (pdf_status <> 'ready' OR (pdf_key IS NOT NULL AND pdf_sha256 IS NOT NULL))""",
            """ALTER TABLE contracts ADD CONSTRAINT contracts_signature_complete
                CHECK (signature_method IS NULL
                       OR (signed_by IS NOT NULL AND signed_at IS NOT NULL AND signed_sha256 IS NOT NULL))""",
            """ALTER TABLE contracts ADD CONSTRAINT contracts_terminated_has_reason
                CHECK (status <> 'terminated' OR termination_reason IS NOT NULL)""",
            # Council staff list "their" contracts by authority: a GIN index answers `@>`.
            "CREATE INDEX contracts_authority_ids ON contracts USING GIN (authority_ids)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(contract_rules)

    return manager
