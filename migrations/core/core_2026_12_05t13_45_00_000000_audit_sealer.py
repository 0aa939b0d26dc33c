"""Hand-written: appends no longer take a global lock (issue 18); a sealer chains committed
events in order shortly after commit with a keyed HMAC (issue 13 item 8, dps.core.audit_chain).

- `audit_events.writer_xid`: the writing transaction, so the sealer knows when every event below
  a point has committed or rolled back (nothing committed is ever skipped);
- `audit_chain`: one row per sealed event, its position, previous hash and keyed hash;
- `audit_seals`: one row per sealing round: how far it got and the head it left;
- all three are append-only and refuse TRUNCATE; existing events are sealed by the first round.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit sealer: keyed chain written after commit, no global lock"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def audit_sealer():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            # Existing rows take this migration's transaction id: sealable once it commits.
            "ALTER TABLE audit_events ADD COLUMN writer_xid xid8 NOT NULL DEFAULT pg_current_xact_id()",
            "CREATE INDEX audit_events_writer_xid ON audit_events (writer_xid)",
            # The unkeyed SHA-256 chain of earlier events is superseded by audit_chain.
            "ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN prev_hash SET DEFAULT NULL",
            "ALTER TABLE audit_events ALTER COLUMN hash DROP NOT NULL, ALTER COLUMN hash SET DEFAULT NULL",
            """
            CREATE TABLE audit_chain (
                position bigint PRIMARY KEY CHECK (position > 0),
                event_id bigint NOT NULL UNIQUE,
                prev_hash varchar(64) NOT NULL,
                hash varchar(64) NOT NULL,
                sealed_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE audit_seals (
                id bigserial PRIMARY KEY,
                sealed_below xid8 NOT NULL,
                head_position bigint NOT NULL,
                head_hash varchar(64) NOT NULL,
                sealed_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
            FOR EACH ROW EXECUTE FUNCTION dps_audit_append_only()
            """,
            """
            CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals
            FOR EACH ROW EXECUTE FUNCTION dps_audit_append_only()
            """,
            """
            CREATE OR REPLACE FUNCTION dps_audit_no_truncate() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """,
            """
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION dps_audit_no_truncate()
            """,
            """
            CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
            FOR EACH STATEMENT EXECUTE FUNCTION dps_audit_no_truncate()
            """,
            """
            CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
            FOR EACH STATEMENT EXECUTE FUNCTION dps_audit_no_truncate()
            """,
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(audit_sealer)

    return manager
