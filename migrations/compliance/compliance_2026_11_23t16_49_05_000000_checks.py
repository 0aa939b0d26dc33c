"""Hand-written: rules and indexes the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T16:49:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "compliance rules and search indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="compliance", description=DESCRIPTION)

    async def compliance_rules():
        # The domain enforces the same rules first; these keep the data right if a bug slips past.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """ALTER TABLE compliance_requirements ADD CONSTRAINT compliance_requirements_kind
                CHECK (kind IN ('insurance', 'credit_score', 'accounts', 'ofsted', 'safeguarding_policy',
                                'dbs_policy', 'data_protection', 'modern_slavery', 'custom'))""",
            """ALTER TABLE compliance_requirements ADD CONSTRAINT compliance_requirements_cover
                CHECK (min_cover_pence IS NULL OR min_cover_pence > 0)""",
            """ALTER TABLE compliance_evidence ADD CONSTRAINT compliance_evidence_status
                CHECK (status IN ('current', 'replaced', 'expired'))""",
            """ALTER TABLE compliance_evidence ADD CONSTRAINT compliance_evidence_dates
                CHECK (starts_on IS NULL OR expires_on IS NULL OR expires_on >= starts_on)""",
            """ALTER TABLE compliance_evidence ADD CONSTRAINT compliance_evidence_amounts
                CHECK ((cover_pence IS NULL OR cover_pence >= 0) AND (turnover_pence IS NULL OR turnover_pence >= 0)
                       AND (credit_score IS NULL OR credit_score BETWEEN 0 AND 100))""",
            # One current piece of evidence per requirement and provider; a new one replaces it.
            """CREATE UNIQUE INDEX compliance_evidence_one_current ON compliance_evidence (requirement, provider)
                WHERE status = 'current'""",
            """ALTER TABLE compliance_overrides ADD CONSTRAINT compliance_overrides_outcome
                CHECK (outcome IN ('pass', 'fail', 'review', 'missing', 'expired'))""",
            """CREATE UNIQUE INDEX compliance_suspensions_one_open ON compliance_suspensions (membership, cause,
                COALESCE(requirement, 0), COALESCE(setting, 0)) WHERE lifted_at IS NULL""",
            """ALTER TABLE concerns ADD CONSTRAINT concerns_status
                CHECK (status IN ('draft', 'issued', 'responded', 'rescinded'))""",
            "CREATE INDEX concerns_arrangement_ids ON concerns USING gin (arrangement_ids)",
            """ALTER TABLE quality_visits ADD CONSTRAINT quality_visits_form CHECK (form IN ('A', 'B', 'C', 'D'))""",
            """ALTER TABLE action_plan_items ADD CONSTRAINT action_plan_items_status
                CHECK (status IN ('open', 'in_progress', 'done'))""",
            # Regional search: a bounding box on the OS grid, then the nearest first.
            "CREATE INDEX provider_settings_grid ON provider_settings (easting, northing)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(compliance_rules)

    return manager
