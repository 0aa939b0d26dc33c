"""Signing in and out, registering an organisation with its first administrator, and accepting an
invitation."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.public import RegisterProviderIn
from dps.core.credentials import MIN_PASSWORD_LENGTH
from dps.core.errors import DomainError
from dps.portal.forms import Form, shape_error
from dps.portal.web import SESSION_COOKIE, Portal, expired_cookie, local_path, page, redirect, session_cookie


class SessionPages(Controller):
    path = "/"

    @get("/sign-in", name="sign_in")
    async def sign_in_form(
        self,
        portal: NamedDependency[Portal],
        next_path: Annotated[str | None, QueryParameter(name="next", required=False)] = None,
    ) -> Template:
        return page(portal, "sign_in.html", form=Form(), next_path=local_path(next_path))

    @post("/sign-in", status_code=303)
    async def sign_in(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Email and password; the same lockout rules as the API."""
        form = Form.of(await portal.request.form())
        next_path = local_path(form.get("next"))
        email = form.required("email", "Enter your email address")
        password = form.get("password")
        if not password:
            form.error("password", "Enter your password")
        if form.ok:
            try:
                issued = await accounts.login(portal.ctx, email, password, client=portal.client)
            except DomainError as exc:
                form.problem(exc, "email")
            else:
                now = portal.ctx.clock.now()
                cookie = session_cookie(issued.token, issued.expires_at, now, portal.secure)
                return redirect(portal, next_path, cookies=[cookie])
        form.values.pop("password", None)  # never sent back
        return page(portal, "sign_in.html", status_code=400, form=form, next_path=next_path)

    @post("/sign-out", status_code=303)
    async def sign_out(self, portal: NamedDependency[Portal]) -> Redirect:
        """Revoke the session's token (not just forget the cookie), then say so."""
        if portal.principal is not None:
            await accounts.logout(portal.ctx)
        gone = expired_cookie(SESSION_COOKIE, portal.secure)
        return redirect(portal, "/sign-in", banner="signed_out", cookies=[gone])

    @get("/register", name="register")
    async def register_form(self, portal: NamedDependency[Portal]) -> Template:
        return page(portal, "register.html", form=Form())

    @post("/register", status_code=303)
    async def register(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Register an organisation and its first administrator, then sign them in."""
        form = Form.of(await portal.request.form())
        legal_name = form.required("legal_name", "Enter your organisation's legal name")
        address = form.required("address", "Enter your organisation's registered address")
        postcode = form.required("postcode", "Enter your organisation's postcode")
        full_name = form.required("full_name", "Enter your full name")
        email = form.required("email", "Enter your email address")
        password = form.get("password")
        if len(password) < MIN_PASSWORD_LENGTH:
            form.error("password", f"Your password must be {MIN_PASSWORD_LENGTH} characters or more")
        if form.ok:
            try:
                data = msgspec.convert(
                    {
                        "provider": {
                            "legal_name": legal_name,
                            "trading_name": form.optional("trading_name"),
                            "company_number": form.optional("company_number"),
                            "charity_number": form.optional("charity_number"),
                            "address": address,
                            "postcode": postcode,
                            "contacts": [{"name": full_name, "email": email}],
                        },
                        "admin_full_name": full_name,
                        "admin_email": email,
                        "admin_password": password,
                    },
                    RegisterProviderIn,
                )
                await accounts.register_provider(portal.ctx, data.to_domain())
                issued = await accounts.login(portal.ctx, email, password, client=portal.client)
            except msgspec.ValidationError as exc:
                shape_error(form, exc, {"admin_full_name": "full_name", "admin_email": "email", "name": "full_name"})
            except DomainError as exc:
                form.problem(exc)
            else:
                cookie = session_cookie(issued.token, issued.expires_at, portal.ctx.clock.now(), portal.secure)
                return redirect(portal, "/", banner="registered", cookies=[cookie])
        form.values.pop("password", None)
        return page(portal, "register.html", status_code=400, form=form)

    @get("/accept-invitation", name="accept_invitation")
    async def invitation_form(self, portal: NamedDependency[Portal], token: FromQuery[str] = "") -> Template:
        return page(portal, "accept_invitation.html", form=Form(values={"token": token}))

    @post("/accept-invitation", status_code=303)
    async def accept_invitation(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """An invited colleague chooses a password."""
        form = Form.of(await portal.request.form())
        password = form.get("password")
        if len(password) < MIN_PASSWORD_LENGTH:
            form.error("password", f"Your password must be {MIN_PASSWORD_LENGTH} characters or more")
        if form.ok:
            try:
                await accounts.accept_invitation(portal.ctx, form.get("token"), password)
            except DomainError as exc:
                form.problem(exc)
            else:
                return redirect(portal, "/sign-in", banner="invitation_accepted")
        form.values.pop("password", None)
        return page(portal, "accept_invitation.html", status_code=400, form=form)


CONTROLLERS: list[Any] = [SessionPages]
