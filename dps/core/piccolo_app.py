from piccolo.conf.apps import AppConfig

from dps.core.migrations import folder
from dps.core.tables import AuditEvent, DeadlineCheck, Notification, OutboundEmail

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=folder("core"),
    table_classes=[AuditEvent, Notification, OutboundEmail, DeadlineCheck],
    migration_dependencies=[],
    commands=[],
)
