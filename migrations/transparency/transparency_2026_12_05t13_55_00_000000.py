"""Hand-written: the OCDS releases and the notices of the transparency package."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ocds releases and transparency notices"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="transparency", description=DESCRIPTION)

    async def create():
        from piccolo.querystring import QueryString

        from dps.core.db import DB

        for sql in (
            """CREATE TABLE ocds_releases (
                id SERIAL PRIMARY KEY,
                ocid VARCHAR(120) NOT NULL,
                release_id VARCHAR(160) NOT NULL UNIQUE,
                arrangement_id BIGINT NOT NULL,
                call_off_id BIGINT NULL DEFAULT NULL,
                released_at TIMESTAMPTZ NOT NULL,
                tags VARCHAR(30)[] NOT NULL DEFAULT ARRAY[]::varchar[],
                data JSONB NOT NULL,
                content_sha256 VARCHAR(64) NOT NULL
            )""",
            "CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, id)",
            "CREATE INDEX ocds_releases_arrangement_id ON ocds_releases (arrangement_id)",
            # Paging by `since` walks releases in date order.
            "CREATE INDEX ocds_releases_released_at ON ocds_releases (released_at, id)",
            """CREATE TABLE transparency_notices (
                id SERIAL PRIMARY KEY,
                ocid VARCHAR(120) NOT NULL,
                arrangement_id BIGINT NOT NULL,
                call_off_id BIGINT NULL DEFAULT NULL,
                authority_id BIGINT NOT NULL,
                notice_type VARCHAR(8) NOT NULL,
                subject VARCHAR(200) NOT NULL,
                due_on DATE NULL DEFAULT NULL,
                status VARCHAR(20) NOT NULL DEFAULT 'draft',
                platform_notice_id VARCHAR(100) NULL DEFAULT NULL,
                published_on DATE NULL DEFAULT NULL,
                published_by BIGINT NULL DEFAULT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                version INTEGER NOT NULL DEFAULT 1,
                CONSTRAINT transparency_notices_once UNIQUE (ocid, notice_type, subject),
                CONSTRAINT transparency_notices_status CHECK (status IN ('draft', 'published')),
                CONSTRAINT transparency_notices_published_complete
                    CHECK (status <> 'published' OR (platform_notice_id IS NOT NULL AND published_on IS NOT NULL))
            )""",
            "CREATE INDEX transparency_notices_ocid ON transparency_notices (ocid)",
            "CREATE INDEX transparency_notices_arrangement_id ON transparency_notices (arrangement_id)",
            "CREATE INDEX transparency_notices_authority_id ON transparency_notices (authority_id)",
        ):
            await DB.run_querystring(QueryString(sql))

    manager.add_raw(create)

    return manager
