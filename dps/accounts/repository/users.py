"""User rows (`users`) <-> `User`: logins, invitations, status, and who receives an organisation's notifications."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from asyncpg.exceptions import UniqueViolationError

from dps.accounts import tables as t
from dps.accounts.domain import User, UserStatus
from dps.accounts.repository._rows import conflict_from_unique
from dps.core import sql
from dps.core.auth import Role
from dps.core.notifications import Recipient
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row


def _user(row: dict[str, Any]) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        status=UserStatus(row["status"]),
        authority_id=row["authority"],
        provider_id=row["provider"],
        failed_logins=row["failed_logins"],
        locked_until=row["locked_until"],
        created_at=row["created_at"],
    )


async def insert_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    status: UserStatus,
    authority_id: int | None,
    provider_id: int | None,
    password_hash: str | None,
    invitation_hash: str | None,
    invitation_expires_at: datetime | None,
    at: datetime,
) -> User:
    try:
        rows = await t.User.insert(
            t.User(
                email=email,
                full_name=full_name,
                role=role.value,
                status=status.value,
                authority=authority_id,
                provider=provider_id,
                password_hash=password_hash,
                invitation_hash=invitation_hash,
                invitation_expires_at=invitation_expires_at,
                failed_logins=0,
                created_at=at,
            )
        ).returning(*t.User.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _user(rows[0])


async def get_user(user_id: int) -> User:
    """The user's row (no access check); NotFound when there is none."""
    row = await one_row(t.User, t.User.id == user_id, entity="user", detail=f"user {user_id} does not exist")
    return _user(row)


async def find_user_for_login(email: str) -> tuple[User, str | None] | None:
    """The user with `email` and its password hash, locked for the sign-in's bookkeeping."""
    row = await sql.fetchrow("SELECT * FROM users WHERE email = $1 FOR UPDATE", email)  # plain SQL: issue 18
    if row is None:
        return None
    return _user(dict(row)), row["password_hash"]


async def find_user_by_invitation(invitation_hash: str) -> tuple[User, datetime | None] | None:
    row = await t.User.select().where(t.User.invitation_hash == invitation_hash).lock_rows("UPDATE").first()
    if row is None:
        return None
    return _user(row), row["invitation_expires_at"]


async def save_login_state(user: User) -> None:
    await t.User.update({t.User.failed_logins: user.failed_logins, t.User.locked_until: user.locked_until}).where(
        t.User.id == user.id
    )


async def activate_user(user_id: int, password_hash: str) -> None:
    await t.User.update(
        {
            t.User.password_hash: password_hash,
            t.User.status: UserStatus.ACTIVE.value,
            t.User.invitation_hash: None,
            t.User.invitation_expires_at: None,
        }
    ).where(t.User.id == user_id)


async def set_user_status(user_id: int, status: UserStatus) -> None:
    await t.User.update({t.User.status: status.value}).where(t.User.id == user_id)


async def list_users(
    limit: int, after_id: int, *, provider_id: int | None = None, authority_id: int | None = None
) -> Page[User]:
    """Users, a page at a time, of one provider or authority when given (no access check)."""
    query = t.User.select().where(t.User.id > after_id)
    if provider_id is not None:
        query = query.where(t.User.provider == provider_id)
    if authority_id is not None:
        query = query.where(t.User.authority == authority_id)
    rows = await query.order_by(t.User.id).limit(limit + 1)
    return page_of([_user(r) for r in rows], limit)


async def recipients_of_provider(provider_id: int) -> list[Recipient]:
    """The provider's active users, who receive its notifications."""
    rows = (
        await t.User.select(t.User.id, t.User.email)
        .where((t.User.provider == provider_id) & (t.User.status == UserStatus.ACTIVE.value))
        .order_by(t.User.id)
    )
    return [Recipient(user_id=r["id"], email=r["email"]) for r in rows]


async def recipients_of_authority(authority_id: int, roles: Collection[Role] | None = None) -> list[Recipient]:
    """The authority's active users (only those in `roles` when given)."""
    query = t.User.select(t.User.id, t.User.email).where(
        (t.User.authority == authority_id) & (t.User.status == UserStatus.ACTIVE.value)
    )
    if roles is not None:
        if not roles:
            return []
        query = query.where(t.User.role.is_in([r.value for r in roles]))
    rows = await query.order_by(t.User.id)
    return [Recipient(user_id=r["id"], email=r["email"]) for r in rows]
