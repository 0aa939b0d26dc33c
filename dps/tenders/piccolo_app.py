from piccolo.conf.apps import AppConfig

from dps.core.migrations import folder
from dps.tenders.tables import CallOff, Clarification, Invitation, Offer, OfferMark, OfferScore, Placement

APP_CONFIG = AppConfig(
    app_name="tenders",
    migrations_folder_path=folder("tenders"),
    table_classes=[CallOff, Invitation, Offer, Clarification, OfferMark, OfferScore, Placement],
    migration_dependencies=["dps.frameworks.piccolo_app"],
    commands=[],
)
