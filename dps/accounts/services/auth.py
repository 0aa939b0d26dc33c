"""Signing in and out, invitations, and resolving a bearer token to its user."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from dps.accounts import repository
from dps.accounts.domain import (
    LoginPolicy,
    User,
    UserStatus,
    after_failed_login,
    after_successful_login,
    is_locked,
    normalise_email,
)
from dps.core import audit
from dps.core.auth import (
    DUMMY_PASSWORD_HASH,
    Principal,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from dps.core.clock import Clock
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, TooManyAttempts, Unauthenticated

WRONG_CREDENTIALS = "the email or password is wrong"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


async def login(ctx: Context, email: str, password: str) -> IssuedToken:
    """Check the password, count failures, lock after too many, and issue a bearer token."""
    now = ctx.clock.now()
    policy = LoginPolicy(ctx.settings.login_max_failures, ctx.settings.login_lock_minutes)
    address = normalise_email(email)
    async with DB.transaction():
        found = await repository.find_user_for_login(address)
        if found is None:
            verify_password(DUMMY_PASSWORD_HASH, password)  # same work as a real check
            raise Unauthenticated(WRONG_CREDENTIALS, code="invalid_credentials")
        user, password_hash = found
        if is_locked(user, now):
            assert user.locked_until is not None
            retry = math.ceil((user.locked_until - now).total_seconds())
            raise TooManyAttempts(
                "too many wrong passwords; this account is locked for a while",
                code="login_locked",
                retry_after_seconds=retry,
            )
        if user.status is not UserStatus.ACTIVE or not password_hash or not verify_password(password_hash, password):
            failed = after_failed_login(user, now, policy)
            await repository.save_login_state(failed)
            action = "user.locked" if failed.locked_until else "user.login_failed"
            await audit.record(ctx, action, "user", user.id, after={"failed_logins": failed.failed_logins})
            # Commit the count even though the caller gets an error.
            failure: Unauthenticated | None = Unauthenticated(WRONG_CREDENTIALS, code="invalid_credentials")
        else:
            failure = None
            await repository.save_login_state(after_successful_login(user))
            token = new_token()
            expires_at = now + timedelta(hours=ctx.settings.token_ttl_hours)
            token_id = await repository.insert_token(user.id, token_digest(token), now, expires_at)
            await audit.record(ctx, "user.signed_in", "user", user.id, after={"token_id": token_id})
    if failure is not None:
        raise failure
    return IssuedToken(token=token, expires_at=expires_at, user=user)


async def logout(ctx: Context) -> None:
    """Revoke the token this request came with."""
    principal = ctx.user
    if principal.token_id is None:
        return
    async with DB.transaction():
        await repository.revoke_token(principal.token_id, ctx.clock.now())
        await audit.record(ctx, "user.signed_out", "user", principal.user_id, after={"token_id": principal.token_id})


async def accept_invitation(ctx: Context, invitation_token: str, password: str) -> User:
    """An invited user chooses a password; the invitation then stops working."""
    now = ctx.clock.now()
    async with DB.transaction():
        found = await repository.find_user_by_invitation(token_digest(invitation_token))
        if found is None:
            raise Unauthenticated("this invitation is not valid", code="invalid_invitation")
        user, expires_at = found
        if user.status is not UserStatus.INVITED:
            raise Conflict("this invitation has already been used", code="invitation_used")
        if expires_at is None or expires_at <= now:
            raise Unauthenticated("this invitation has expired; ask for a new one", code="invitation_expired")
        await repository.activate_user(user.id, hash_password(password))
        await audit.record(ctx, "user.activated", "user", user.id, before={"status": user.status})
    return await repository.get_user(user.id)


async def resolve_token(token: str, clock: Clock) -> Principal | None:
    """The live principal for a bearer token, or None when unknown, expired or revoked."""
    return await repository.principal_for_token(token_digest(token), clock.now())
