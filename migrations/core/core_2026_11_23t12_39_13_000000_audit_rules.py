"""Hand-written: rules the ORM cannot declare, applied after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T12:39:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def audit_rules():
        # Hand-written: the audit trail is append-only (DESIGN.md "Audit"); filters by entity.
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """
            CREATE OR REPLACE FUNCTION dps_audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only';
            END;
            $$ LANGUAGE plpgsql
            """,
            """
            CREATE TRIGGER audit_events_append_only
            BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION dps_audit_append_only()
            """,
            "CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(audit_rules)

    return manager
