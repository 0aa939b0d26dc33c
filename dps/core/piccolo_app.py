from piccolo.conf.apps import AppConfig

from dps.core.migrations import folder
from dps.core.tables import AuditEvent

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=folder("core"),
    table_classes=[AuditEvent],
    migration_dependencies=[],
    commands=[],
)
