from piccolo.conf.apps import AppConfig

from dps.contracts.tables import Contract, ContractTemplateVersion
from dps.core.migrations import folder

APP_CONFIG = AppConfig(
    app_name="contracts",
    migrations_folder_path=folder("contracts"),
    table_classes=[ContractTemplateVersion, Contract],
    migration_dependencies=["dps.accounts.piccolo_app"],
    commands=[],
)
