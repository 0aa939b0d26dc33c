"""The provider's organisation: its details, its people, and inviting colleagues."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.public import ProviderPatch
from dps.core.auth import PROVIDER_ROLES, Role
from dps.core.errors import DomainError, StaleVersion
from dps.core.pagination import MAX_LIMIT
from dps.portal.forms import Form, shape_error
from dps.portal.web import Portal, page, redirect

EDITABLE = ("legal_name", "trading_name", "company_number", "charity_number", "address", "postcode")


class OrganisationPages(Controller):
    path = "/organisation"

    @get("/", name="organisation")
    async def details(self, portal: NamedDependency[Portal]) -> Template:
        """The organisation's details and its people."""
        provider = await accounts.get_provider(portal.ctx, portal.provider_id())
        people = await accounts.list_users(portal.ctx, MAX_LIMIT, 0)
        return page(portal, "organisation/details.html", provider=provider, people=people.items)

    @get("/edit", name="organisation_edit")
    async def edit_form(self, portal: NamedDependency[Portal]) -> Template:
        provider = await accounts.get_provider(portal.ctx, portal.provider_id())
        values = {name: getattr(provider, name) or "" for name in EDITABLE}
        return page(portal, "organisation/edit.html", form=Form(values={**values, "version": str(provider.version)}))

    @post("/edit", status_code=303)
    async def edit(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Save the details if nobody changed them since the form was shown."""
        provider_id = portal.provider_id()
        form = Form.of(await portal.request.form())
        form.required("legal_name", "Enter your organisation's legal name")
        form.required("address", "Enter your organisation's registered address")
        form.required("postcode", "Enter your organisation's postcode")
        theirs = None
        if form.ok:
            try:
                patch = msgspec.convert(
                    {
                        "legal_name": form.get("legal_name"),
                        "trading_name": form.optional("trading_name"),
                        "company_number": form.optional("company_number"),
                        "charity_number": form.optional("charity_number"),
                        "address": form.get("address"),
                        "postcode": form.get("postcode"),
                    },
                    ProviderPatch,
                )
                await accounts.update_provider(
                    portal.ctx, provider_id, int(form.get("version") or 0), patch.to_domain()
                )
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except StaleVersion as exc:
                form.problem(exc)
                theirs = await accounts.get_provider(portal.ctx, provider_id)
                form.values["version"] = str(theirs.version)
            except DomainError as exc:
                form.problem(exc)
            else:
                return redirect(portal, "/organisation", banner="organisation_saved")
        return page(portal, "organisation/edit.html", status_code=400, form=form, theirs=theirs)

    @get("/people/invite", name="invite_colleague")
    async def invite_form(self, portal: NamedDependency[Portal]) -> Template:
        portal.provider_id()
        return page(portal, "organisation/invite.html", form=Form(values={"role": Role.PROVIDER_USER.value}))

    @post("/people/invite", status_code=200)
    async def invite(self, portal: NamedDependency[Portal]) -> Template:
        """Invite a colleague; the link to set their password is shown once, to pass on to them."""
        provider_id = portal.provider_id()
        form = Form.of(await portal.request.form())
        full_name = form.required("full_name", "Enter your colleague's full name")
        email = form.required("email", "Enter your colleague's email address")
        role_code = form.get("role")
        role = Role(role_code) if role_code in {r.value for r in PROVIDER_ROLES} else None
        if role is None:
            form.error("role", "Select what your colleague may do")
        if form.ok and role is not None:
            try:
                invitation = await accounts.invite_user(portal.ctx, email, full_name, role, None, provider_id)
            except DomainError as exc:
                form.problem(exc)
            else:
                base = str(portal.request.base_url).rstrip("/")
                link = f"{base}/accept-invitation?token={invitation.token}"
                return page(portal, "organisation/invited.html", invitation=invitation, link=link)
        return page(portal, "organisation/invite.html", status_code=400, form=form)


CONTROLLERS: list[Any] = [OrganisationPages]
