"""Platform administrators: the councils (authorities), the people and their roles (invite council
staff, disable an account), and the audit trail with filters, newest first and paginated, with
the hash chain's check and its result."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import Region, UserStatus
from dps.core import audit, audit_queries
from dps.core.auth import AUTHORITY_ROLES, Role
from dps.core.errors import DomainError, NotFound
from dps.core.pagination import MAX_LIMIT
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.labels import label
from dps.portal.web import Portal, page, redirect, with_query

BASE = "/admin"
AUDIT_PAGE_SIZE = 50
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
REGION_WORDS: dict[Region, str] = {r: r.value.replace("_", " ").title().replace(" And ", " and ") for r in Region}
STATE_WORDS: dict[UserStatus, str] = {
    UserStatus.ACTIVE: "Active",
    UserStatus.INVITED: "Invited",
    UserStatus.DISABLED: "Disabled",
}
# The roles an administrator gives council staff and other administrators (providers invite their own).
STAFF_ROLES = [r for r in Role if r in AUTHORITY_ROLES] + [Role.ADMIN]


def _admin(portal: Portal) -> None:
    """Administration pages are not found for anyone but a platform administrator."""
    if portal.signed_in().role is not Role.ADMIN:
        raise NotFound("this page is for administrators", entity="page")


async def _authorities_page(portal: Portal, form: Form, status: int = 200) -> Template:
    found = await accounts.list_authorities(portal.ctx, MAX_LIMIT, 0, None)
    return page(
        portal,
        "admin/authorities.html",
        status_code=status,
        authorities=sorted(found.items, key=lambda a: a.name),
        regions=[(r.value, w) for r, w in REGION_WORDS.items()],
        region_words=REGION_WORDS,
        form=form,
    )


async def _users_page(portal: Portal, form: Form, status: int = 200) -> Template:
    found = await accounts.list_users(portal.ctx, MAX_LIMIT, 0)
    councils = await accounts.list_authorities(portal.ctx, MAX_LIMIT, 0, None)
    names = {a.id: a.name for a in councils.items}
    companies = await accounts.get_providers(portal.ctx, {u.provider_id for u in found.items if u.provider_id})
    return page(
        portal,
        "admin/users.html",
        status_code=status,
        users=sorted(found.items, key=lambda u: (u.authority_id is None, names.get(u.authority_id or 0, ""), u.email)),
        names=names,
        provider_names={pid: p.legal_name for pid, p in companies.items()},
        state_words=STATE_WORDS,
        role_options=[(r.value, label(r)) for r in STAFF_ROLES],
        council_options=sorted(((str(a.id), a.name) for a in councils.items), key=lambda x: x[1]),
        form=form,
    )


class AdminPages(Controller):
    path = BASE

    @get("/authorities", name="admin_authorities")
    async def authority_list(self, portal: NamedDependency[Portal]) -> Template:
        _admin(portal)
        return await _authorities_page(portal, Form())

    @post("/authorities", status_code=303)
    async def add_authority(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Add a council to the platform."""
        _admin(portal)
        form = Form.of(await portal.request.form())
        name = form.required("name", "Enter the council's name")
        ons_code = form.get("ons_code").upper()
        if not ons_code:
            form.error("ons_code", "Enter the council's ONS code")
        elif not ONS_CODE.match(ons_code):
            form.error("ons_code", "Enter an ONS code like E08000006: a letter and 8 digits")
        region = next((r for r in Region if r.value == form.get("region")), None)
        if region is None:
            form.error("region", "Select the council's region")
        if form.ok and region is not None:
            try:
                await accounts.create_authority(portal.ctx, name, ons_code, region)
            except DomainError as exc:
                problem(form, exc, "name")
            else:
                return redirect(portal, f"{BASE}/authorities", banner="authority_added")
        return await _authorities_page(portal, form, status=400)

    @get("/users", name="admin_users")
    async def user_list(self, portal: NamedDependency[Portal]) -> Template:
        _admin(portal)
        return await _users_page(portal, Form())

    @post("/users", status_code=303)
    async def invite(self, portal: NamedDependency[Portal]) -> Template:
        """Invite a council officer (or another administrator): they choose their password from
        the link, shown once."""
        _admin(portal)
        form = Form.of(await portal.request.form())
        full_name = form.required("full_name", "Enter the person's full name")
        email = form.required("email", "Enter the person's email address")
        role = next((r for r in STAFF_ROLES if r.value == form.get("role")), None)
        if role is None:
            form.error("role", "Select the person's role")
        authority = form.get("authority_id")
        authority_id = int(authority) if authority.isdigit() else None
        if role is not None and role is not Role.ADMIN and authority_id is None:
            form.error("authority_id", "Select the council this person works for")
        if role is Role.ADMIN:
            authority_id = None  # administrators belong to the platform, not a council
        if form.ok and role is not None:
            try:
                invitation = await accounts.invite_user(portal.ctx, email, full_name, role, authority_id, None)
            except DomainError as exc:
                problem(form, exc, "email")
            else:
                base = str(portal.request.base_url).rstrip("/")
                return page(
                    portal,
                    "admin/invited.html",
                    invitation=invitation,
                    link=f"{base}/accept-invitation?token={invitation.token}",
                )
        return await _users_page(portal, form, status=400)

    @post("/users/{user_id:int}/disable", status_code=303)
    async def disable(self, portal: NamedDependency[Portal], user_id: FromPath[int]) -> Template | Redirect:
        """Stop the person signing in; their sessions end at once."""
        _admin(portal)
        try:
            await accounts.disable_user(portal.ctx, user_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _users_page(portal, form, status=400)
        return redirect(portal, f"{BASE}/users", banner="user_disabled")

    @get("/audit", name="admin_audit")
    async def audit_trail(
        self,
        portal: NamedDependency[Portal],
        entity_type: FromQuery[str] = "",
        entity_id: FromQuery[str] = "",
        actor: FromQuery[str] = "",
        action: FromQuery[str] = "",
        before: FromQuery[int] = 0,
    ) -> Template:
        """Every recorded change, newest first, filtered by what changed, who did it or the action."""
        _admin(portal)
        filters = {"entity_type": entity_type, "entity_id": entity_id, "actor": actor, "action": action}
        form = Form(values=dict(filters))
        if actor and not actor.isdigit():
            form.error("actor", "Enter the person's user number, like 12")
        found = await audit_queries.list_events(
            portal.ctx,
            AUDIT_PAGE_SIZE,
            max(before, 0),
            entity_type.strip() or None,
            entity_id.strip() or None,
            int(actor) if actor.isdigit() else None,
            action.strip() or None,
            newest_first=True,
        )
        return page(
            portal,
            "admin/audit.html",
            status_code=400 if form.errors else 200,
            events=found.items,
            form=form,
            older=with_query(f"{BASE}/audit", {**filters, "before": found.next_after_id})
            if found.next_after_id
            else None,
            newest=with_query(f"{BASE}/audit", filters) if before else None,
        )

    @post("/audit/check")
    async def check_chain(self, portal: NamedDependency[Portal]) -> Template:
        """Check the whole hash chain (sealing what is pending first) and show the result."""
        _admin(portal)
        result = await audit.verify()
        return page(portal, "admin/chain.html", result=result)


CONTROLLERS: list[Any] = [AdminPages]
