from piccolo.conf.apps import AppConfig

from dps.core.migrations import folder
from dps.transparency.tables import OcdsRelease, TransparencyNotice

APP_CONFIG = AppConfig(
    app_name="transparency",
    migrations_folder_path=folder("transparency"),
    table_classes=[OcdsRelease, TransparencyNotice],
    migration_dependencies=["dps.contracts.piccolo_app"],
    commands=[],
)
