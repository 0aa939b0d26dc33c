from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T17:10:19:489395"
VERSION = "1.38.0"
DESCRIPTION = "placements remember their agreed fee in pricing"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="tenders", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Placement",
        tablename="placements",
        column_name="agreed_fee_id",
        db_column_name="agreed_fee_id",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
