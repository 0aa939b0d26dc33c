"""Hand-written: the evaluation panel of a call-off (issue 12 item 6)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:21:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "call-off evaluation panels: assigned evaluators, released with a reason"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenders", description=DESCRIPTION)

    async def panel():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """CREATE TABLE call_off_evaluators (
                id SERIAL PRIMARY KEY,
                call_off INTEGER NOT NULL REFERENCES call_offs (id) ON DELETE RESTRICT,
                evaluator INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
                assigned_by BIGINT NOT NULL,
                assigned_at TIMESTAMPTZ NOT NULL,
                released_at TIMESTAMPTZ NULL DEFAULT NULL,
                released_by BIGINT NULL DEFAULT NULL,
                release_reason TEXT NULL DEFAULT NULL,
                CONSTRAINT call_off_evaluators_once UNIQUE (call_off, evaluator),
                CONSTRAINT call_off_evaluators_release CHECK
                    ((released_at IS NULL) = (release_reason IS NULL))
            )""",
            "CREATE INDEX call_off_evaluators_call_off ON call_off_evaluators (call_off)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(panel)

    return manager
