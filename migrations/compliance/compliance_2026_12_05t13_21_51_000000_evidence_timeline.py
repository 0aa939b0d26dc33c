"""Hand-written: evidence per requirement is a timeline (issue 12), so a provider may hold the
piece in force and an early renewal starting later at once. One held piece per start day stays
unique (a second piece on the same day is a correction and replaces the first)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:21:51:000000"
VERSION = "1.38.0"
DESCRIPTION = "evidence timeline: one current piece per requirement, provider and start day"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="compliance", description=DESCRIPTION)

    async def evidence_timeline():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            "DROP INDEX IF EXISTS compliance_evidence_one_current",
            """CREATE UNIQUE INDEX compliance_evidence_one_current_per_start ON compliance_evidence
                (requirement, provider, COALESCE(starts_on, '-infinity'::date)) WHERE status = 'current'""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(evidence_timeline)

    return manager
