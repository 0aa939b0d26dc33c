from piccolo.conf.apps import AppConfig

from dps.core.migrations import folder
from dps.pricing.tables import AdditionalService, AgreedFee, PriceBand, RateCard, RateLine, ServicePrice, Uplift

APP_CONFIG = AppConfig(
    app_name="pricing",
    migrations_folder_path=folder("pricing"),
    table_classes=[Uplift, PriceBand, AdditionalService, RateCard, RateLine, ServicePrice, AgreedFee],
    migration_dependencies=["dps.frameworks.piccolo_app"],
    commands=[],
)
