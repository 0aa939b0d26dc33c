"""Hand-written: PDF copies are claimed before they are converted (issue 13, item 5; issue 18).

A converter (a scheduler pass, `dps contracts convert-pdfs`) marks the pending copies it takes
`converting` with the time it claimed them, choosing them with `FOR UPDATE SKIP LOCKED`, so two
schedulers never convert the same document; a claim older than the conversion timeout is taken
over (its converter died). A partial index finds the few pending rows among millions.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:28:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "claims on pending PDF copies"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contracts", description=DESCRIPTION)

    async def pdf_claims():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            "ALTER TABLE contracts ADD COLUMN pdf_claimed_at TIMESTAMPTZ NULL DEFAULT NULL",
            "ALTER TABLE contracts DROP CONSTRAINT contracts_pdf_status",
            """ALTER TABLE contracts ADD CONSTRAINT contracts_pdf_status
                CHECK (pdf_status IN ('pending', 'converting', 'ready', 'failed'))""",
            """CREATE INDEX contracts_pdf_to_convert ON contracts (id)
                WHERE pdf_status IN ('pending', 'converting')""",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(pdf_claims)

    return manager
