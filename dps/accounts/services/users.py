"""Users: admins invite staff, provider administrators invite their own people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dps.accounts import access, repository
from dps.accounts.codes import AccountCode
from dps.accounts.domain import User, UserStatus, check_user_organisation, normalise_email
from dps.core import audit
from dps.core.auth import PROVIDER_ROLES, Role
from dps.core.context import Context
from dps.core.credentials import MIN_PASSWORD_LENGTH, hash_password, new_token, token_digest
from dps.core.db import DB
from dps.core.errors import InvalidInput, NotFound, PermissionDenied
from dps.core.pagination import Page

INVITATION_DAYS = 7


@dataclass(frozen=True, slots=True)
class Invitation:
    user: User
    token: str  # shown once; only its digest is stored
    expires_at: datetime


def _check_inviter(ctx: Context, role: Role, authority_id: int | None, provider_id: int | None) -> None:
    """Admins may invite anyone; a provider_admin only more people of its own provider."""
    principal = ctx.user
    if principal.is_admin:
        return
    if principal.role is Role.PROVIDER_ADMIN and role in PROVIDER_ROLES and provider_id == principal.org_id:
        return
    raise PermissionDenied("you may only invite users to your own organisation")


async def invite_user(
    ctx: Context, email: str, full_name: str, role: Role, authority_id: int | None, provider_id: int | None
) -> Invitation:
    """Create an invited user; they choose a password with the invitation token."""
    _check_inviter(ctx, role, authority_id, provider_id)
    check_user_organisation(role, authority_id, provider_id)
    now = ctx.clock.now()
    token = new_token()
    expires_at = now + timedelta(days=INVITATION_DAYS)
    async with DB.transaction():
        if authority_id is not None:
            await repository.get_authority(authority_id)
        if provider_id is not None:
            await repository.get_provider(provider_id)
        user = await repository.insert_user(
            email=normalise_email(email),
            full_name=full_name.strip(),
            role=role,
            status=UserStatus.INVITED,
            authority_id=authority_id,
            provider_id=provider_id,
            password_hash=None,
            invitation_hash=token_digest(token),
            invitation_expires_at=expires_at,
            at=now,
        )
        await audit.record(ctx, "user.invited", "user", user.id, after=user)
    return Invitation(user=user, token=token, expires_at=expires_at)


async def create_user_with_password(
    ctx: Context,
    email: str,
    full_name: str,
    role: Role,
    password: str,
    authority_id: int | None = None,
    provider_id: int | None = None,
) -> User:
    """Operators' path (CLI, demo data): an active user with a password set directly."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"passwords need at least {MIN_PASSWORD_LENGTH} characters", code=AccountCode.PASSWORD_TOO_SHORT
        )
    check_user_organisation(role, authority_id, provider_id)
    async with DB.transaction():
        user = await repository.insert_user(
            email=normalise_email(email),
            full_name=full_name.strip(),
            role=role,
            status=UserStatus.ACTIVE,
            authority_id=authority_id,
            provider_id=provider_id,
            password_hash=hash_password(password),
            invitation_hash=None,
            invitation_expires_at=None,
            at=ctx.clock.now(),
        )
        await audit.record(ctx, "user.created", "user", user.id, after=user)
    return user


async def get_user(ctx: Context, user_id: int) -> User:
    user = await repository.get_user(user_id)
    _require_visible(ctx, user)
    return user


def _require_visible(ctx: Context, user: User) -> None:
    """A user of another organisation is, to the caller, a user that does not exist (the same 404 as
    a missing id), so ids tell nobody who has an account where (issue 13 item 10)."""
    principal = ctx.user
    if principal.user_id != user.id and not access.may_read_users_of(principal, user.provider_id, user.authority_id):
        raise NotFound(f"user {user.id} does not exist", entity="user")


async def list_users(ctx: Context, limit: int, after_id: int) -> Page[User]:
    """Admins see everyone; everybody else the users of their own organisation."""
    principal = ctx.user
    if principal.is_admin:
        return await repository.list_users(limit, after_id)
    if principal.role in PROVIDER_ROLES:
        return await repository.list_users(limit, after_id, provider_id=principal.org_id)
    return await repository.list_users(limit, after_id, authority_id=principal.org_id)


async def disable_user(ctx: Context, user_id: int) -> User:
    """Stop a user signing in and revoke their tokens (admins, or a provider_admin for its own users)."""
    user = await repository.get_user(user_id)
    _require_visible(ctx, user)
    principal = ctx.user
    allowed = principal.is_admin or (
        principal.role is Role.PROVIDER_ADMIN
        and user.provider_id is not None
        and principal.is_provider(user.provider_id)
    )
    if not allowed:
        raise PermissionDenied("you may not disable this user")
    async with DB.transaction():
        await repository.set_user_status(user_id, UserStatus.DISABLED)
        await repository.revoke_user_tokens(user_id, ctx.clock.now())
        await audit.record(ctx, "user.disabled", "user", user_id, before={"status": user.status})
    return await repository.get_user(user_id)
