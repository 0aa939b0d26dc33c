"""Hand-written: keys, indexes and checks for notifications, the email outbox and deadline checks."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T16:47:21:000000"
VERSION = "1.38.0"
DESCRIPTION = "notification, outbox and deadline rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def outbox_rules():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            # A rule that fires twice creates its notification once (dps.core.notifications).
            "ALTER TABLE notifications ADD CONSTRAINT notifications_key_per_user UNIQUE (user_id, key)",
            # A user's list, newest first, and its unread filter.
            "CREATE INDEX notifications_by_user ON notifications (user_id, id DESC)",
            "CREATE INDEX notifications_unread_by_user ON notifications (user_id, id DESC) WHERE read_at IS NULL",
            """ALTER TABLE outbound_emails ADD CONSTRAINT outbound_emails_status
                CHECK (status IN ('queued', 'sent'))""",
            "ALTER TABLE outbound_emails ADD CONSTRAINT outbound_emails_attempts CHECK (attempts >= 0)",
            # The delivery job only ever looks at queued messages whose time has come.
            """CREATE INDEX outbound_emails_due ON outbound_emails (next_attempt_at, id)
                WHERE status = 'queued'""",
            # One stored next-check time per entity; the sweep reads the due ones by time.
            """ALTER TABLE deadline_checks ADD CONSTRAINT deadline_checks_entity_key
                UNIQUE (entity_type, entity_id)""",
            "CREATE INDEX deadline_checks_due ON deadline_checks (next_check_at, id)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(outbox_rules)

    return manager
