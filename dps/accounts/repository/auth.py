"""Bearer tokens (`auth_tokens`): issue, revoke, and the principal behind a live token."""

from __future__ import annotations

from datetime import datetime

from dps.accounts import tables as t
from dps.core import sql
from dps.core.auth import OrgKind, Principal, Role, org_kind_for
from dps.core.db import DB


async def insert_token(user_id: int, token_hash: str, at: datetime, expires_at: datetime) -> int:
    row = await sql.fetchrow(
        'INSERT INTO auth_tokens ("user", token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
        user_id,
        token_hash,
        at,
        expires_at,
    )
    assert row is not None
    return int(row["id"])


async def revoke_token(token_id: int, at: datetime) -> None:
    await t.AuthToken.update({t.AuthToken.revoked_at: at}).where(
        (t.AuthToken.id == token_id) & t.AuthToken.revoked_at.is_null()
    )


async def revoke_user_tokens(user_id: int, at: datetime) -> None:
    await t.AuthToken.update({t.AuthToken.revoked_at: at}).where(
        (t.AuthToken.user == user_id) & t.AuthToken.revoked_at.is_null()
    )


_LIVE_SESSION_SQL = """
SELECT u.id, u.email, u.role, u.authority, u.provider, k.id AS token_id
FROM auth_tokens k JOIN users u ON u.id = k.user
WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND k.expires_at > $2 AND u.status = 'active'
"""


async def principal_for_token(token_hash: str, at: datetime) -> Principal | None:
    """The live user behind a token digest, in one indexed query (this runs on every request)."""
    assert DB.pool is not None, "the connection pool is opened at start-up"
    async with DB.pool.acquire() as connection:
        row = await connection.fetchrow(_LIVE_SESSION_SQL, token_hash, at)
    if row is None:
        return None
    role = Role(row["role"])
    kind = org_kind_for(role)
    org_id = row["provider"] if kind is OrgKind.PROVIDER else row["authority"]
    return Principal(
        user_id=row["id"],
        email=row["email"],
        role=role,
        org_kind=kind,
        org_id=org_id,
        token_id=row["token_id"],
    )
