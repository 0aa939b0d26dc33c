"""The portal's plumbing: the session cookie, the per-request `Portal`, pages, redirects and
notification banners. Every page handler takes a `Portal` and calls the packages' services with
its `Context`, exactly as the JSON API does; nothing here knows a business rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from dps.core import notifications
from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.core.errors import NotFound
from dps.core.http import context_for
from dps.portal.banners import BANNERS

SESSION_COOKIE = "dps_session"
BANNER_COOKIE = "dps_banner"


@dataclass(frozen=True, slots=True)
class Portal:
    """One portal request: who is signed in (from the session cookie) and the services' Context."""

    ctx: Context
    request: Request[Any, Any, Any]
    unread: int = 0  # the signed-in person's unread notifications, shown in the header

    @property
    def principal(self) -> Principal | None:
        return self.ctx.principal

    def signed_in(self) -> Principal:
        """The signed-in person; anyone else is sent to the sign-in page (Unauthenticated)."""
        return self.ctx.user

    def provider_id(self) -> int:
        """The signed-in person's provider; pages of the provider's journey are not found for others."""
        principal = self.signed_in()
        if principal.org_kind is not OrgKind.PROVIDER or principal.org_id is None:
            raise NotFound("this page is for providers", entity="page")
        return principal.org_id

    def council_staff(self, *roles: Role) -> Principal:
        """The signed-in council officer (in one of `roles`, when given); pages for council staff
        are not found for anyone else."""
        principal = self.signed_in()
        if principal.org_kind is not OrgKind.AUTHORITY or (roles and principal.role not in roles):
            raise NotFound("this page is for council staff", entity="page")
        return principal

    @property
    def secure(self) -> bool:
        """Cookies are Secure when the page was served over HTTPS (behind a proxy: uvicorn's
        --proxy-headers turns X-Forwarded-Proto into the scheme)."""
        return self.request.url.scheme == "https"

    @property
    def client(self) -> str | None:
        """The client's address, which sign-in throttling keys on (as the API's login does)."""
        return self.request.client.host if self.request.client else None


async def provide_portal(request: Request[Any, Any, Any]) -> Portal:
    """The request's Portal: the session cookie holds the same bearer token the API takes, so its
    hash is looked up like any token (expired or revoked ones sign nobody in)."""
    state = request.app.state
    token = request.cookies.get(SESSION_COOKIE)
    principal = await state.resolve_token(token, state.clock) if token else None
    request.state.portal_principal = principal  # for the error pages' header
    ctx = context_for(state, principal)
    return Portal(ctx=ctx, request=request)


async def provide_portal_counting(request: Request[Any, Any, Any]) -> Portal:
    """`provide_portal`, with the signed-in person's unread notifications for the header."""
    portal = await provide_portal(request)
    if portal.principal is None:
        return portal
    return replace(portal, unread=await notifications.count_my_unread(portal.ctx))


def session_cookie(token: str, expires_at: datetime, now: datetime, secure: bool) -> Cookie:
    """HttpOnly (no script reads it), SameSite=Lax (no cross-site form posts carry it)."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        max_age=max(int((expires_at - now).total_seconds()), 0),
        httponly=True,
        secure=secure,
        samesite="lax",
    )


def expired_cookie(key: str, secure: bool) -> Cookie:
    return Cookie(key=key, value="", path="/", max_age=0, httponly=True, secure=secure, samesite="lax")


def page(portal: Portal, template: str, status_code: int = 200, **context: Any) -> Template:
    """Render `template` with what every page shows: who is signed in and any banner to show once."""
    banner_key = portal.request.cookies.get(BANNER_COOKIE)
    banner = BANNERS.get(banner_key) if banner_key else None
    cookies = [expired_cookie(BANNER_COOKIE, portal.secure)] if banner_key else []
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "principal": portal.principal,
            "banner": banner,
            "path": portal.request.url.path,
            "unread": portal.unread,
            "now": portal.ctx.clock.now(),
            **context,
        },
        cookies=cookies,
    )


def redirect(portal: Portal, path: str, banner: str | None = None, cookies: list[Cookie] | None = None) -> Redirect:
    """See other (303) after a form post; `banner` names a notification banner for the next page."""
    extra = list(cookies or [])
    if banner is not None:
        assert banner in BANNERS, banner
        extra.append(
            Cookie(key=BANNER_COOKIE, value=banner, path="/", httponly=True, secure=portal.secure, samesite="lax")
        )
    return Redirect(path=path, status_code=303, cookies=extra)


def local_path(raw: str | None, default: str = "/") -> str:
    """A path on this site only (never '//elsewhere' or a full URL): no open redirects."""
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return default


def with_query(path: str, params: Mapping[str, object]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path
