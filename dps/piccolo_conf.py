"""Piccolo's configuration: the engine and the apps whose migrations `dps db upgrade` applies."""

from piccolo.conf.apps import AppRegistry

from dps.core.db import DB

__all__ = ["APP_REGISTRY", "DB"]

# Order matters: an app's tables may only refer to tables of apps before it.
APP_REGISTRY = AppRegistry(
    apps=[
        "dps.core.piccolo_app",
        "dps.accounts.piccolo_app",
        "dps.frameworks.piccolo_app",
        "dps.compliance.piccolo_app",
        "dps.pricing.piccolo_app",
        "dps.tenders.piccolo_app",
        "dps.contracts.piccolo_app",
        "dps.transparency.piccolo_app",
    ]
)
