"""Hand-written: rules the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T16:50:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "call-off, offer and placement rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenders", description=DESCRIPTION)

    async def tender_rules():
        # The domain enforces the same rules first; these keep the data right if a bug slips past.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """ALTER TABLE call_offs ADD CONSTRAINT call_offs_status CHECK (status IN
                ('draft', 'published', 'closed', 'evaluated', 'awarded', 'concluded', 'no_award', 'cancelled'))""",
            # The invitation list is frozen at publish: one row per member setting.
            "ALTER TABLE call_off_invitations ADD CONSTRAINT invitations_one_per_setting UNIQUE (call_off, setting)",
            # One offer per invited setting; a withdrawn offer is revived by submitting again.
            "ALTER TABLE offers ADD CONSTRAINT offers_one_per_setting UNIQUE (call_off, setting)",
            "ALTER TABLE offers ADD CONSTRAINT offers_fee_positive CHECK (weekly_fee_pence > 0)",
            "ALTER TABLE offers ADD CONSTRAINT offers_status CHECK (status IN ('submitted', 'withdrawn'))",
            """ALTER TABLE offer_marks ADD CONSTRAINT offer_marks_one_per_question
                UNIQUE (offer, evaluator, question_id, moderated)""",
            """CREATE UNIQUE INDEX offer_marks_one_moderated ON offer_marks (offer, question_id)
                WHERE moderated""",
            """ALTER TABLE placements ADD CONSTRAINT placements_previous_fkey FOREIGN KEY
                (previous_placement_id) REFERENCES placements (id) ON DELETE RESTRICT""",
            "ALTER TABLE placements ADD CONSTRAINT placements_fee_positive CHECK (weekly_fee_pence > 0)",
            "ALTER TABLE placements ADD CONSTRAINT placements_ends_after_start CHECK (ended_on >= start_date)",
            """ALTER TABLE placements ADD CONSTRAINT placements_ending CHECK
                ((ended_on IS NULL AND ending_kind IS NULL) OR (ended_on IS NOT NULL AND ending_kind IS NOT NULL))""",
            "CREATE INDEX placements_live ON placements (authority) WHERE ended_on IS NULL",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(tender_rules)

    return manager
