"""The Litestar application: routes, dependencies, error mapping, OpenAPI, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import SecurityScheme
from litestar.types import ControllerRouterHandler

from dps.accounts.codes import AccountCode
from dps.accounts.public import (
    AuthController,
    AuthorityController,
    DocumentController,
    MeController,
    ProviderController,
    UserController,
    resolve_token,
)
from dps.compliance.codes import ComplianceCode
from dps.compliance.public import ComplianceController, ConcernController, SearchController
from dps.contracts.codes import ContractCode
from dps.contracts.public import ContractController, ContractTemplateController
from dps.core import audit_chain, db
from dps.core.clock import Clock, clock_for
from dps.core.codes import CommonCode
from dps.core.controllers import AuditController, HealthController
from dps.core.documents import PdfConverter, TemplateRenderer
from dps.core.http import context_for, problem_details_plugin, provide_ctx
from dps.core.notification_controllers import NotificationController
from dps.core.openapi_problems import ProblemResponses, components_with_problem, problem_schema
from dps.core.settings import MEGABYTE, Settings
from dps.core.storage import DocumentStore, build_document_store
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.public import (
    ApplicationController,
    ArrangementController,
    ClarificationController,
    MembershipController,
    ProfileController,
    QuestionnaireController,
)
from dps.portal.public import portal, security_headers
from dps.pricing.codes import PricingCode
from dps.pricing.public import PriceBandController, PricingReportController, RateCardController, UpliftController
from dps.scheduler.public import DeadlineController
from dps.tenders.codes import TenderCode
from dps.tenders.public import CallOffController, PlacementController, PlacementReportController
from dps.transparency.codes import TransparencyCode
from dps.transparency.public import NoticeController, OcdsController, listener_for

log = logging.getLogger(__name__)

ROUTES: list[ControllerRouterHandler] = [
    HealthController,
    AuthController,
    MeController,
    AuthorityController,
    ProviderController,
    UserController,
    DocumentController,
    AuditController,
    ArrangementController,
    ProfileController,
    MembershipController,
    ComplianceController,
    ConcernController,
    SearchController,
    QuestionnaireController,
    ClarificationController,
    ApplicationController,
    NotificationController,
    DeadlineController,
    PriceBandController,
    RateCardController,
    UpliftController,
    PricingReportController,
    CallOffController,
    PlacementController,
    PlacementReportController,
    ContractTemplateController,
    ContractController,
    OcdsController,
    NoticeController,
]

# Every package's problem codes (issue 14: one StrEnum per package), listed in OpenAPI's `Problem`.
PROBLEM_CODES: tuple[type[StrEnum], ...] = (
    CommonCode,
    AccountCode,
    FrameworkCode,
    ComplianceCode,
    PricingCode,
    TenderCode,
    ContractCode,
    TransparencyCode,
)


def document_store_for(settings: Settings) -> DocumentStore:
    return build_document_store(
        settings.documents_url,
        s3_endpoint_url=settings.s3_endpoint_url,
        s3_region=settings.s3_region,
        s3_access_key_id=settings.s3_access_key_id,
        s3_secret_access_key=settings.s3_secret_access_key,
    )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    store: DocumentStore | None = None,
    renderer: TemplateRenderer | None = None,
    converter: PdfConverter | None = None,
    manage_database: bool = True,
) -> Litestar:
    """Build the app. With `manage_database` it connects on start-up (embedded server when no
    DATABASE_URL) and closes the pool on shutdown; tests that hold their own pool pass False."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with db.connected(settings, as_app_role=True):
            yield

    @asynccontextmanager
    async def audit_sealer(_: Litestar) -> AsyncIterator[None]:
        """Chain committed audit events shortly after commit (dps.core.audit_chain)."""
        task = asyncio.create_task(audit_chain.keep_sealing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @asynccontextmanager
    async def scheduler(app: Litestar) -> AsyncIterator[None]:
        """Deadline sweeps and email delivery every DPS_SCHEDULER_INTERVAL_SECONDS (DPS_SCHEDULER=off:
        none), run by one app process of the deployment at a time (scheduler/leadership.py)."""
        if not settings.scheduler_enabled:
            yield
            return
        from dps.scheduler.public import Leadership, build_scheduler

        running = build_scheduler(context_for(app.state, None))
        leadership = Leadership(
            db.DB.config["dsn"],
            settings.scheduler_interval_seconds,
            start=running.start,
            stop=lambda: running.shutdown(wait=False),
        )
        app.state.scheduler_leadership = leadership
        leadership.begin()
        try:
            yield
        finally:
            await leadership.end()

    web = portal(settings)  # the HTML portal: pages under /, assets under /assets
    app_config = AppConfig(
        route_handlers=[*ROUTES, *web.routes],
        template_config=web.templates,
        csrf_config=web.csrf,
        before_send=[security_headers],
        exception_handlers=web.exception_handlers,
        dependencies={"ctx": Provide(provide_ctx)},
        plugins=[problem_details_plugin(), ProblemResponses()],
        lifespan=[database, audit_sealer, scheduler],
        # Multipart overhead on top of the largest document we accept.
        request_max_body_size=settings.max_upload_bytes + MEGABYTE,
        openapi_config=OpenAPIConfig(
            title="dps: regional commissioning of children's placements",
            version="1.0.0",
            description=(
                "Purchasing systems, due diligence, call-offs and contracts for consortia of English "
                "councils. Errors are RFC 9457 application/problem+json with a stable `code`."
            ),
            use_handler_docstrings=True,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=components_with_problem(
                problem_schema(code for catalogue in PROBLEM_CODES for code in catalogue),
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")},
            ),
            security=[{"BearerToken": []}],
        ),
    )
    app = Litestar.from_config(app_config)
    configure_state(app, settings, clock=clock, store=store, renderer=renderer, converter=converter)
    return app


def configure_state(
    app: Litestar,
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: DocumentStore | None = None,
    renderer: TemplateRenderer | None = None,
    converter: PdfConverter | None = None,
) -> None:
    """What every request's Context is made from (`app.state`), and the audit sealer's key and store.
    The routes do not depend on these, so tests give one built app each test's own (building an app
    validates some 640 handlers, about 0.4 s)."""
    app.state.settings = settings
    app.state.clock = clock or clock_for(settings)
    app.state.store = store or document_store_for(settings)
    # None: dps.contracts' defaults (docxtpl in a worker thread, LibreOffice when installed).
    app.state.renderer = renderer
    app.state.converter = converter
    app.state.resolve_token = resolve_token
    audit_chain.configure(settings, app.state.store)
    # Every audited change tells transparency, which writes its OCDS release in the same transaction.
    app.state.changes = listener_for(settings)
