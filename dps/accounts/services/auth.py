"""Signing in and out, invitations, and resolving a bearer token to its user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dps.accounts import repository
from dps.accounts.codes import AccountCode
from dps.accounts.domain import User, UserStatus, after_successful_login, normalise_email
from dps.core import audit, throttling
from dps.core.auth import Principal
from dps.core.clock import Clock
from dps.core.context import Context
from dps.core.credentials import (
    DUMMY_PASSWORD_HASH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from dps.core.db import DB
from dps.core.errors import Conflict, TooManyAttempts, Unauthenticated
from dps.core.settings import Settings
from dps.core.throttling import ThrottleRule, after_failure, retry_after_seconds, sign_in_keys

WRONG_CREDENTIALS = "the email or password is wrong"
# A run of failures on a key ends after a day without one.
FORGET_FAILURES_AFTER = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def sign_in_throttles(settings: Settings) -> tuple[ThrottleRule, ThrottleRule]:
    """(one account from one client, one client across accounts): from the DPS_LOGIN_MAX_FAILURES-th
    failure in a row, delays of 1 s doubling up to DPS_LOGIN_LOCK_MINUTES; a client gets four times
    the failures before its own delays start (several people behind one office address)."""
    longest = timedelta(minutes=settings.login_lock_minutes)
    account = ThrottleRule(settings.login_max_failures, timedelta(seconds=1), longest, FORGET_FAILURES_AFTER)
    return account, replace(account, limit=4 * settings.login_max_failures)


async def login(ctx: Context, email: str, password: str, client: str | None = None) -> IssuedToken:
    """Check the password and issue a bearer token. Failures slow down further attempts on the
    same account from the same client, and from the same client on any account (429
    `login_throttled` with Retry-After); unknown addresses are treated exactly like accounts."""
    now = ctx.clock.now()
    address = normalise_email(email)
    account_rule, client_rule = sign_in_throttles(ctx.settings)
    account_key, client_key = sign_in_keys(address, client)
    async with DB.transaction():
        states = await throttling.load((account_key, client_key))
        waits = [w for w in (state.waits(now) for state in states.values()) if w is not None]
        if waits:
            raise TooManyAttempts(
                "too many failed sign-ins from here; wait a little and try again",
                code=AccountCode.LOGIN_THROTTLED,
                retry_after_seconds=retry_after_seconds(max(waits)),
            )
        found = await repository.find_user_for_login(address)
        user, password_hash = found if found is not None else (None, None)
        # An unknown address costs the same password check as a real one (no timing oracle).
        # Argon2 is ~the whole CPU cost of a sign-in: checked in a thread (argon2-cffi releases the
        # GIL), so other requests of this process go on meanwhile (issue 18).
        right = await asyncio.to_thread(verify_password, password_hash or DUMMY_PASSWORD_HASH, password)
        if user is None or user.status is not UserStatus.ACTIVE or not password_hash or not right:
            account = after_failure(states[account_key], now, account_rule)
            await throttling.save(account)
            await throttling.save(after_failure(states[client_key], now, client_rule))
            entity = ("user", user.id) if user is not None else ("sign_in", account_key.split("@")[0][8:])
            await audit.record(
                ctx, "user.login_failed", *entity, after={"failures": account.failures, "client": client}
            )
            # Commit the count even though the caller gets an error.
            failure: Unauthenticated | None = Unauthenticated(WRONG_CREDENTIALS, code=AccountCode.INVALID_CREDENTIALS)
        else:
            failure = None
            await throttling.clear(account_key)
            signed_in = after_successful_login(user)
            if signed_in != user:  # nothing to write when there were no failures to forget
                await repository.save_login_state(signed_in)
            token = new_token()
            expires_at = now + timedelta(hours=ctx.settings.token_ttl_hours)
            token_id = await repository.insert_token(user.id, token_digest(token), now, expires_at)
            await audit.record(ctx, "user.signed_in", "user", user.id, after={"token_id": token_id, "client": client})
    if failure is not None:
        raise failure
    assert user is not None
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
            raise Unauthenticated("this invitation is not valid", code=AccountCode.INVALID_INVITATION)
        user, expires_at = found
        if user.status is not UserStatus.INVITED:
            raise Conflict("this invitation has already been used", code=AccountCode.INVITATION_USED)
        if expires_at is None or expires_at <= now:
            raise Unauthenticated("this invitation has expired; ask for a new one", code=AccountCode.INVITATION_EXPIRED)
        await repository.activate_user(user.id, hash_password(password))
        await audit.record(ctx, "user.activated", "user", user.id, before={"status": user.status})
    return await repository.get_user(user.id)


async def resolve_token(token: str, clock: Clock) -> Principal | None:
    """The live principal for a bearer token, or None when unknown, expired or revoked."""
    return await repository.principal_for_token(token_digest(token), clock.now())
