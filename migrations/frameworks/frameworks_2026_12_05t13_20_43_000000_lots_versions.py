"""Hand-written: per-lot thresholds, questionnaire versions, conditions recorded at submission and
at decision, withdrawal of lots once open, and recorded waivers of publishing checks (issue 12)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:20:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "per-lot thresholds, questionnaire versions, decided conditions, withdrawn lots, waivers, window reminders"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="frameworks", description=DESCRIPTION)

    async def lots_and_versions():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            # A lot's own pass mark; NULL: the arrangement's.
            "ALTER TABLE lots ADD COLUMN quality_threshold NUMERIC(5, 2) NULL DEFAULT NULL",
            """ALTER TABLE lots ADD CONSTRAINT lots_quality_threshold
                CHECK (quality_threshold IS NULL OR quality_threshold BETWEEN 0 AND 100)""",
            # An open arrangement's lot is withdrawn, never deleted: kept for the record, no longer offered.
            "ALTER TABLE lots ADD COLUMN withdrawn_at TIMESTAMPTZ NULL DEFAULT NULL",
            "ALTER TABLE lots ADD COLUMN withdrawn_reason TEXT NULL DEFAULT NULL",
            # Questionnaire versions: a question belongs to versions from_version..until_version.
            "ALTER TABLE arrangements ADD COLUMN questionnaire_version INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE questions ADD COLUMN from_version INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE questions ADD COLUMN until_version INTEGER NULL DEFAULT NULL",
            """ALTER TABLE questions ADD CONSTRAINT questions_versions
                CHECK (from_version >= 1 AND (until_version IS NULL OR until_version >= from_version - 1))""",
            # The conditions an application was submitted under: its questionnaire version and the
            # pass mark of each lot applied for ({"<lot id>": "60.00"}).
            "ALTER TABLE applications ADD COLUMN questionnaire_version INTEGER NULL DEFAULT NULL",
            "ALTER TABLE applications ADD COLUMN thresholds JSONB NULL DEFAULT NULL",
            # What decided each lot: the pass mark and whether it applied, kept with the decision.
            "ALTER TABLE lot_decisions ADD COLUMN threshold NUMERIC(5, 2) NULL DEFAULT NULL",
            "ALTER TABLE lot_decisions ADD COLUMN threshold_applies BOOLEAN NULL DEFAULT NULL",
            "ALTER TABLE lot_decisions ADD COLUMN failed_gateways BIGINT[] NULL DEFAULT NULL",
            # Publishing checks an officer waived, each with its recorded reason.
            "ALTER TABLE arrangements ADD COLUMN waivers JSONB NOT NULL DEFAULT '[]'::jsonb",
            # How many days before a reopening window opens its reminder goes out.
            """ALTER TABLE arrangements ADD COLUMN window_reminder_days INTEGER NOT NULL DEFAULT 14
                CONSTRAINT arrangements_window_reminder_days CHECK (window_reminder_days BETWEEN 1 AND 365)""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(lots_and_versions)

    return manager
