"""Who is calling: roles, organisations and the principal.

Pure primitives only; password hashing and bearer tokens live in `dps.core.credentials`.
Resolving a token to a user needs the accounts tables, so `dps.app` wires `dps.accounts` in;
services receive a `Principal` and check role AND organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dps.core.errors import PermissionDenied, Unauthenticated


class Role(StrEnum):
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_USER = "provider_user"
    PROCUREMENT_OFFICER = "procurement_officer"
    EVALUATOR = "evaluator"
    LEGAL_OFFICER = "legal_officer"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"


class OrgKind(StrEnum):
    PROVIDER = "provider"
    AUTHORITY = "authority"
    PLATFORM = "platform"


PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_USER})
AUTHORITY_ROLES = frozenset({Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.LEGAL_OFFICER, Role.COMMISSIONER})
# Staff who may read across providers (evaluation, due diligence, commissioning).
AUTHORITY_STAFF = AUTHORITY_ROLES | {Role.ADMIN}
OFFICERS = frozenset({Role.PROCUREMENT_OFFICER, Role.ADMIN})


def org_kind_for(role: Role) -> OrgKind:
    """The kind of organisation a user in `role` belongs to."""
    if role in PROVIDER_ROLES:
        return OrgKind.PROVIDER
    if role in AUTHORITY_ROLES:
        return OrgKind.AUTHORITY
    return OrgKind.PLATFORM


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: one user, one role, one organisation."""

    user_id: int
    email: str
    role: Role
    org_kind: OrgKind
    org_id: int | None  # provider id or authority id; None for platform admins
    token_id: int | None = None

    def require_role(self, *roles: Role) -> None:
        """Refuse unless the caller holds one of `roles`."""
        if self.role not in roles:
            raise PermissionDenied(f"this needs one of the roles: {', '.join(sorted(roles))}")

    def is_provider(self, provider_id: int) -> bool:
        return self.org_kind is OrgKind.PROVIDER and self.org_id == provider_id

    def is_authority(self, authority_id: int) -> bool:
        return self.org_kind is OrgKind.AUTHORITY and self.org_id == authority_id

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_authority_staff(self) -> bool:
        return self.role in AUTHORITY_STAFF


def require_principal(principal: Principal | None) -> Principal:
    """The caller, or 401 for an anonymous request."""
    if principal is None:
        raise Unauthenticated("sign in and send the token as 'Authorization: Bearer <token>'")
    return principal
