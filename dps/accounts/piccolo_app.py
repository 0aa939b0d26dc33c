from piccolo.conf.apps import AppConfig

from dps.accounts.tables import Authority, AuthToken, Document, Provider, Setting, User
from dps.core.migrations import folder

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=folder("accounts"),
    table_classes=[Authority, Provider, Setting, User, AuthToken, Document],
    migration_dependencies=["dps.core.piccolo_app"],
    commands=[],
)
