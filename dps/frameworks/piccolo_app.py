from piccolo.conf.apps import AppConfig

from dps.core.migrations import folder
from dps.frameworks.tables import (
    Answer,
    Application,
    Arrangement,
    Assignment,
    Clarification,
    Lot,
    LotDecision,
    Mark,
    Membership,
    ModeratedMark,
    Question,
)

APP_CONFIG = AppConfig(
    app_name="frameworks",
    migrations_folder_path=folder("frameworks"),
    table_classes=[
        Arrangement,
        Lot,
        Question,
        Application,
        Answer,
        Clarification,
        Assignment,
        Mark,
        ModeratedMark,
        LotDecision,
        Membership,
    ],
    migration_dependencies=["dps.accounts.piccolo_app"],
    commands=[],
)
