"""Helpers that set up the people and organisations a test needs, through the public API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response
from litestar import Litestar

from dps.core.clock import FixedClock
from dps.core.settings import Settings

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


def settings_for(tmp_path: Path, *, token_days: int) -> Settings:
    """Settings for tests whose clock moves over `token_days` days: their bearer tokens outlive them."""
    return Settings.from_env(
        {
            "DPS_VAR_DIR": str(tmp_path / "var"),
            "DPS_DOCUMENTS_URL": str(tmp_path / "documents"),
            "DPS_SCHEDULER": "off",
            "DPS_TOKEN_TTL_HOURS": str(24 * token_days),
        }
    )


def problem(response: Response, status: int, code: str) -> dict[str, Any]:
    """Assert `response` is an RFC 9457 problem with this status and code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    return body


@dataclass
class Api:
    client: AsyncClient
    clock: FixedClock
    app: Litestar
    admin_token: str | None = None
    _tokens: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def login(self, email: str, password: str = PASSWORD) -> str:
        response = await self.client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    def _remember(self, token: str, email: str) -> str:
        self._tokens[token] = email
        return token

    async def renew(self, token: str) -> str:
        """Sign the same user in again (after the clock moved past the token's lifetime)."""
        return self._remember(await self.login(self._tokens[token]), self._tokens[token])

    async def admin(self) -> str:
        """A platform admin's token (created once per test through the service layer)."""
        if self.admin_token is None:
            from dps.accounts.services.users import create_user_with_password
            from dps.core.auth import Role
            from dps.core.context import Context

            ctx = Context(None, self.clock, self.app.state.settings, self.app.state.store)
            await create_user_with_password(ctx, "admin@test.dps", "Test Admin", Role.ADMIN, PASSWORD)
            self.admin_token = await self.login("admin@test.dps")
        return self.admin_token

    async def authority(self, name: str = "Bolton Council", ons_code: str = "E08000001") -> int:
        response = await self.client.post(
            "/api/v1/authorities",
            json={"name": name, "ons_code": ons_code, "region": "north_west"},
            headers=self.auth(await self.admin()),
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def staff(self, role: str, authority_id: int | None) -> tuple[int, str]:
        """Invite a council user, accept the invitation, sign in; returns (user id, token)."""
        email = f"{role}{next(_numbers)}@council.test"
        response = await self.client.post(
            "/api/v1/users",
            json={"email": email, "full_name": f"Test {role}", "role": role, "authority_id": authority_id},
            headers=self.auth(await self.admin()),
        )
        assert response.status_code == 201, response.text
        body = response.json()
        accepted = await self.client.post(
            "/api/v1/auth/accept-invitation",
            json={"invitation_token": body["invitation_token"], "password": PASSWORD},
        )
        assert accepted.status_code == 200, accepted.text
        return int(body["user"]["id"]), self._remember(await self.login(email), email)

    async def provider(self, legal_name: str | None = None, postcode: str = "M1 1AE") -> tuple[int, str]:
        """Register a provider through self-registration; returns (provider id, admin token)."""
        n = next(_numbers)
        email = f"admin{n}@provider.test"
        response = await self.client.post(
            "/api/v1/providers/register",
            json={
                "provider": {
                    "legal_name": legal_name or f"Provider {n} Ltd",
                    "company_number": f"{20000000 + n}",
                    "address": f"{n} High Street, Manchester",
                    "postcode": postcode,
                    "contacts": [{"name": "Registered Manager", "email": f"manager{n}@provider.test"}],
                },
                "admin_full_name": "Provider Admin",
                "admin_email": email,
                "admin_password": PASSWORD,
            },
        )
        assert response.status_code == 201, response.text
        return int(response.json()["provider"]["id"]), self._remember(await self.login(email), email)

    async def setting(self, provider_id: int, token: str, **overrides: Any) -> dict[str, Any]:
        n = next(_numbers)
        body = {
            "name": f"Setting {n}",
            "setting_type": "childrens_home",
            "ofsted_urn": f"SC{800000 + n}",
            "ofsted_grade": "good",
            "last_inspection_date": "2026-03-10",
            "postcode": "M5 4WT",
            "capacity": 4,
            "min_age": 8,
            "max_age": 17,
            "needs": ["autism"],
            **overrides,
        }
        response = await self.client.post(
            f"/api/v1/providers/{provider_id}/settings", json=body, headers=self.auth(token)
        )
        assert response.status_code == 201, response.text
        return dict(response.json())


async def tamper_with_audit(sql: str, *args: object) -> None:
    """Change audit events behind the application's back, as someone with database access could."""
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    await DB.run_querystring(QueryString("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    try:
        await DB.run_querystring(QueryString(sql, *args))
    finally:
        await DB.run_querystring(QueryString("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


async def scalar(sql: str) -> object:
    """The first column of the first row of a query."""
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    rows = await DB.run_querystring(QueryString(sql))
    return next(iter(rows[0].values()))


async def admit_member(arrangement_id: int, lot_id: int, provider_id: int, started_on: date) -> int:
    """Give a provider an ACTIVE place on a lot directly (tests of later packages that need members
    fast; the admission story itself is tested through the API). Returns the membership id."""
    from dps.frameworks import repository

    membership = await repository.insert_membership(active_membership(arrangement_id, lot_id, provider_id, started_on))
    return membership.id


def active_membership(arrangement_id: int, lot_id: int, provider_id: int, started_on: date) -> Any:
    """A new ACTIVE membership of the lot (a `Membership` to insert), admitted by no application."""
    from dps.frameworks.domain.applications import Membership, MembershipStatus

    return Membership(
        id=0,
        arrangement_id=arrangement_id,
        lot_id=lot_id,
        provider_id=provider_id,
        application_id=None,
        status=MembershipStatus.ACTIVE,
        started_on=started_on,
        status_reason=None,
        version=1,
    )


async def links_to_no_route(app: Litestar) -> list[str]:
    """The link paths of stored notifications that name no route of `app` (should be none)."""
    import re

    from piccolo.querystring import QueryString

    from dps.core.db import DB

    patterns = [re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", route.path) + "$") for route in app.routes]
    rows = await DB.run_querystring(QueryString("SELECT DISTINCT link_path FROM notifications ORDER BY 1"))
    return [r["link_path"] for r in rows if not any(p.match(r["link_path"]) for p in patterns)]
