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
            # One live place per provider and lot; a removed or expired one may be followed by a
            # new admission.
            """CREATE UNIQUE INDEX memberships_one_per_lot ON memberships (lot, provider)
                WHERE status IN ('active', 'suspended')""",
            """ALTER TABLE memberships ADD CONSTRAINT memberships_status
                CHECK (status IN ('active', 'suspended', 'removed', 'expired'))""",
            """ALTER TABLE applications ADD CONSTRAINT applications_status
                CHECK (status IN ('draft', 'submitted', 'under_evaluation', 'decided', 'withdrawn'))""",
            # One mark per evaluator and question, one moderated mark and one decision per lot.
            "ALTER TABLE marks ADD CONSTRAINT marks_one_per_question UNIQUE (assignment, question)",
            "ALTER TABLE moderated_marks ADD CONSTRAINT moderated_one_per_question UNIQUE (application, question)",
            "ALTER TABLE lot_decisions ADD CONSTRAINT lot_decisions_one_per_lot UNIQUE (application, lot)",
            "ALTER TABLE answers ADD CONSTRAINT answers_one_per_question UNIQUE (application, question)",
            """ALTER TABLE evaluator_assignments ADD CONSTRAINT assignments_one_per_evaluator
                UNIQUE (application, evaluator)""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(framework_rules)

    return manager
