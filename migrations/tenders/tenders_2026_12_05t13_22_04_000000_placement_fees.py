"""Hand-written: a placement's fee as effective-dated history, its navigation (child reference,
lot, band) and the spot purchases recorded outside the framework (issue 12)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:22:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "placement fee schedule, child reference, lot and band, off-framework flag"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenders", description=DESCRIPTION)

    async def placement_columns():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            "ALTER TABLE placements ADD COLUMN fee_schedule JSONB NOT NULL DEFAULT '[]'",
            "ALTER TABLE placements ADD COLUMN child_reference VARCHAR(20) NULL DEFAULT NULL",
            "ALTER TABLE placements ADD COLUMN lot INTEGER NULL DEFAULT NULL REFERENCES lots (id) ON DELETE RESTRICT",
            "ALTER TABLE placements ADD COLUMN age_band VARCHAR(40) NULL DEFAULT NULL",
            "ALTER TABLE placements ADD COLUMN need_level VARCHAR(40) NULL DEFAULT NULL",
            "ALTER TABLE placements ADD COLUMN off_framework BOOLEAN NOT NULL DEFAULT false",
            "ALTER TABLE placements ADD COLUMN off_framework_reason TEXT NULL DEFAULT NULL",
            # A spot purchase is recorded only explicitly, with its reason.
            """ALTER TABLE placements ADD CONSTRAINT placements_off_framework_reason
                CHECK (off_framework = (off_framework_reason IS NOT NULL))""",
            "CREATE INDEX placements_child_reference ON placements (child_reference)",
            "CREATE INDEX placements_lot ON placements (lot)",
            # Navigation of the placements recorded so far: each chain of moves takes the
            # reference and lot of the call-off that placed the child.
            """WITH RECURSIVE chain AS (
                 SELECT p.id, c.id AS call_off, c.lot FROM placements p JOIN call_offs c ON c.id = p.call_off
                 UNION ALL
                 SELECT p.id, chain.call_off, chain.lot FROM placements p JOIN chain ON p.previous_placement_id = chain.id)
               UPDATE placements SET child_reference = 'CH-CO-' || lpad(chain.call_off::text, 6, '0'), lot = chain.lot
               FROM chain WHERE chain.id = placements.id""",
        ):
            await DB.run_querystring(QueryString(sql))
        # Pricing's agreed fees (another app's table) exist already wherever placements do; on a
        # fresh database the apps may migrate in either order and there is nothing to copy.
        found = await DB.run_querystring(QueryString("SELECT to_regclass('agreed_fees') IS NOT NULL AS found"))
        if not found[0]["found"]:
            return
        for sql in (
            """UPDATE placements SET age_band = f.age_band, need_level = f.need_level
               FROM (SELECT DISTINCT ON (source_id) source_id, age_band, need_level FROM agreed_fees
                     WHERE source = 'placement' ORDER BY source_id, start_on) f
               WHERE f.source_id = placements.id""",
            # The fee history pricing kept for placements whose fee was varied.
            """UPDATE placements SET fee_schedule = f.schedule
               FROM (SELECT source_id, jsonb_agg(jsonb_build_object('from_day', start_on,
                       'weekly_fee_pence', weekly_fee_pence) ORDER BY start_on, id) AS schedule
                     FROM agreed_fees WHERE source = 'placement' GROUP BY source_id HAVING count(*) > 1) f
               WHERE f.source_id = placements.id""",
            # An ended placement's fee stops the day before the child leaves (that day is not
            # charged), as the placement report counts it.
            """UPDATE agreed_fees SET end_on = p.ended_on - 1 FROM placements p
               WHERE agreed_fees.source = 'placement' AND agreed_fees.source_id = p.id
                 AND p.ended_on IS NOT NULL AND agreed_fees.end_on = p.ended_on""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(placement_columns)

    return manager
