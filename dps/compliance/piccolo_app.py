from piccolo.conf.apps import AppConfig

from dps.compliance.tables import (
    ActionItem,
    Concern,
    Evidence,
    OfstedJudgement,
    Override,
    Requirement,
    Suspension,
    Visit,
)
from dps.core.migrations import folder

APP_CONFIG = AppConfig(
    app_name="compliance",
    migrations_folder_path=folder("compliance"),
    table_classes=[Requirement, Evidence, Override, Suspension, OfstedJudgement, Concern, Visit, ActionItem],
    migration_dependencies=["dps.frameworks.piccolo_app"],
    commands=[],
)
