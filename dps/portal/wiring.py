"""How the app mounts the portal: its pages under `/`, GOV.UK Frontend under `/assets`, CSRF on
every form (the JSON API under /api/ is excluded: it takes bearer tokens, not cookies), security
headers, and error pages instead of problem+json for the portal's routes."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, MutableScopeHeaders
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap, Message, Scope

from dps.core.errors import DomainError, NotFound, PermissionDenied, Unauthenticated
from dps.core.settings import Settings
from dps.portal import (
    admin,
    applications,
    arrangements,
    award,
    commissioners,
    council_compliance,
    council_concerns,
    council_placements,
    council_pricing,
    council_sections,
    council_visits,
    dashboard,
    evaluators,
    evidence,
    figures,
    legal,
    offer_marking,
    officers,
    organisation,
    provider_sections,
    provider_visits,
    sessions,
    settings_pages,
    setup,
    setup_lots,
    setup_questions,
    template_versions,
    templates_library,
)
from dps.portal import clarifications_council as clarification_pages
from dps.portal import compliance as compliance_pages
from dps.portal import concerns as concern_pages
from dps.portal import contracts as contract_pages
from dps.portal import notifications as notification_pages
from dps.portal import placement_requests as placement_request_pages
from dps.portal import rate_cards as rate_card_pages
from dps.portal.messages import explain
from dps.portal.templating import template_config
from dps.portal.web import provide_portal_counting, with_query

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
API_PATHS = ("/api/", "/schema")

# No inline script or style anywhere (GOV.UK Frontend's body-class snippet is an external file);
# forms post only to us; nobody may frame the portal (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


async def security_headers(message: Message, scope: Scope) -> None:
    """Every response: no MIME sniffing, no referrer beyond our origin, no framing; the portal's
    pages also get the CSP (the OpenAPI viewer under /schema loads its own scripts)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if not scope.get("path", "").startswith(API_PATHS):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY


def portal_secret(settings: Settings) -> str:
    """The key that signs CSRF tokens: DPS_SECRET_KEY, else `<var_dir>/portal.key`, made once
    (linked into place, so concurrent workers all end up reading the same key). Every process
    serving the portal must use the same key: set DPS_SECRET_KEY when they share no var folder."""
    configured = os.environ.get("DPS_SECRET_KEY")
    if configured:
        return configured
    path = settings.var_dir / "portal.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"portal.key.{secrets.token_hex(8)}")
        draft.write_text(secrets.token_hex(32), encoding="ascii")
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # never replaces a key another process made first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()


def csrf_config(settings: Settings) -> CSRFConfig:
    """Double-submit tokens (a cookie and a hidden field) signed with the portal's key."""
    return CSRFConfig(
        secret=portal_secret(settings),
        cookie_name="dps_csrf",
        cookie_secure=settings.public_base_url.startswith("https://"),
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=["^/api/", "^/schema", "^/health"],
    )


# --- error pages -----------------------------------------------------------------------------


def _error_page(request: Request[Any, Any, Any], template: str, status: int, **context: Any) -> Template:
    return Template(
        template_name=template,
        status_code=status,
        context={"principal": getattr(request.state, "portal_principal", None), "banner": None, **context},
    )


def _unauthenticated(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    """A page that needs a signed-in person sends everyone else to sign in, and back afterwards."""
    return Redirect(path=with_query("/sign-in", {"next": request.url.path}), status_code=303)


def _not_found(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    # Something that is not yours looks exactly like something that does not exist.
    return _error_page(request, "errors/not_found.html", 404)


def _domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    if isinstance(exc, Unauthenticated):
        return _unauthenticated(request, exc)
    if isinstance(exc, NotFound | PermissionDenied):
        return _not_found(request, exc)
    return _error_page(request, "errors/problem.html", exc.status, message=explain(exc).message)


def _http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 403:  # the CSRF check: the form is older than the visitor's cookie
        return _error_page(request, "errors/form_expired.html", 403)
    if exc.status_code in {404, 405}:
        return _not_found(request, exc)
    message = "The file is too large" if exc.status_code == 413 else "Check what you entered and try again"
    return _error_page(request, "errors/problem.html", exc.status_code, message=message)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("portal page failed", exc_info=exc)
    return _error_page(request, "errors/unexpected.html", 500)


def _no_such_path(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A path no route matches: the portal's "Page not found" page, but problem+json under the
    API's paths (handled as every other HTTP error there)."""
    if request.url.path.startswith(API_PATHS):
        return request.app.exception_handlers[HTTPException](request, exc)  # type: ignore[no-any-return]
    return _not_found(request, exc)


@dataclass(frozen=True, slots=True)
class PortalWiring:
    routes: list[ControllerRouterHandler]
    templates: TemplateConfig[Any]
    csrf: CSRFConfig
    # app-wide: a path no route matches never reaches the portal router's own handlers
    exception_handlers: ExceptionHandlersMap


def portal(settings: Settings) -> PortalWiring:
    """Everything the app needs to serve the portal."""
    pages = Router(
        path="/",
        route_handlers=[
            *dashboard.CONTROLLERS,
            *sessions.CONTROLLERS,
            *organisation.CONTROLLERS,
            *settings_pages.CONTROLLERS,
            *arrangements.CONTROLLERS,
            *applications.CONTROLLERS,
            *evidence.CONTROLLERS,
            *commissioners.CONTROLLERS,
            *award.CONTROLLERS,
            *offer_marking.CONTROLLERS,
            *council_placements.CONTROLLERS,
            *officers.CONTROLLERS,
            *evaluators.CONTROLLERS,
            *legal.CONTROLLERS,
            *templates_library.CONTROLLERS,
            *template_versions.CONTROLLERS,
            *figures.CONTROLLERS,
            *compliance_pages.CONTROLLERS,
            *rate_card_pages.CONTROLLERS,
            *placement_request_pages.CONTROLLERS,
            *contract_pages.CONTROLLERS,
            *notification_pages.CONTROLLERS,
            *concern_pages.CONTROLLERS,
            *setup.CONTROLLERS,
            *setup_lots.CONTROLLERS,
            *setup_questions.CONTROLLERS,
            *clarification_pages.CONTROLLERS,
            *council_compliance.CONTROLLERS,
            *council_concerns.CONTROLLERS,
            *council_pricing.CONTROLLERS,
            *council_sections.CONTROLLERS,
            *provider_sections.CONTROLLERS,
            *council_visits.CONTROLLERS,
            *provider_visits.CONTROLLERS,
            *admin.CONTROLLERS,
        ],
        dependencies={"portal": Provide(provide_portal_counting)},
        exception_handlers={
            DomainError: _domain_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        include_in_schema=False,
    )
    assets = create_static_files_router(
        path="/assets",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=86_400, public=True),
        name="assets",
    )
    return PortalWiring(
        routes=[pages, assets],
        templates=template_config(),
        csrf=csrf_config(settings),
        exception_handlers={NotFoundException: _no_such_path},
    )
