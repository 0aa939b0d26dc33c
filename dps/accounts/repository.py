"""Rows <-> domain objects for accounts; the only module here that queries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.query.functions.aggregate import Sum
from piccolo.querystring import QueryString

from dps.accounts import tables as t
from dps.accounts.domain import (
    AgeRange,
    Authority,
    Contact,
    Document,
    DocumentType,
    Need,
    OfstedGrade,
    Provider,
    Region,
    Setting,
    SettingType,
    User,
    UserStatus,
)
from dps.core import sql
from dps.core.auth import OrgKind, Principal, Role, org_kind_for
from dps.core.db import DB
from dps.core.errors import Conflict
from dps.core.notifications import Recipient
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row, unique_conflict, update_versioned

# --- unique constraints -> stable codes ------------------------------------------------------

UNIQUE_CODES = {
    "authorities_ons_code_key": ("ons_code_taken", "an authority with this ONS code exists"),
    "providers_company_number_key": ("company_number_taken", "a provider with this company number exists"),
    "providers_charity_number_key": ("charity_number_taken", "a provider with this charity number exists"),
    "provider_settings_ofsted_urn_key": ("ofsted_urn_taken", "a setting with this Ofsted URN exists"),
    "users_email_key": ("email_taken", "a user with this email exists"),
}


def conflict_from_unique(error: UniqueViolationError) -> Conflict:
    """Turn a unique-constraint violation into a 409 with a stable code."""
    return unique_conflict(error, UNIQUE_CODES)


# --- authorities -----------------------------------------------------------------------------


def _authority(row: dict[str, Any]) -> Authority:
    return Authority(id=row["id"], name=row["name"], ons_code=row["ons_code"], region=Region(row["region"]))


async def insert_authority(name: str, ons_code: str, region: Region, at: datetime) -> Authority:
    try:
        rows = await t.Authority.insert(
            t.Authority(name=name, ons_code=ons_code, region=region.value, created_at=at)
        ).returning(*t.Authority.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _authority(rows[0])


async def get_authority(authority_id: int) -> Authority:
    """The authority's row (no access check); NotFound when there is none."""
    row = await one_row(
        t.Authority,
        t.Authority.id == authority_id,
        entity="authority",
        detail=f"authority {authority_id} does not exist",
    )
    return _authority(row)


async def list_authorities(limit: int, after_id: int, region: Region | None) -> Page[Authority]:
    query = t.Authority.select().where(t.Authority.id > after_id)
    if region is not None:
        query = query.where(t.Authority.region == region.value)
    rows = await query.order_by(t.Authority.id).limit(limit + 1)
    return page_of([_authority(r) for r in rows], limit)


# --- providers -------------------------------------------------------------------------------


def _contacts(raw: Any) -> tuple[Contact, ...]:
    data = json_value(raw)
    return tuple(Contact(**c) for c in data)


def _provider(row: dict[str, Any]) -> Provider:
    return Provider(
        id=row["id"],
        legal_name=row["legal_name"],
        trading_name=row["trading_name"],
        company_number=row["company_number"],
        charity_number=row["charity_number"],
        address=row["address"],
        postcode=row["postcode"],
        contacts=_contacts(row["contacts"]),
        version=row["version"],
        created_at=row["created_at"],
    )


def _contacts_json(contacts: tuple[Contact, ...]) -> str:
    return msgspec.json.encode([msgspec.to_builtins(c) for c in contacts]).decode()


async def insert_provider(provider: Provider) -> Provider:
    try:
        rows = await t.Provider.insert(
            t.Provider(
                legal_name=provider.legal_name,
                trading_name=provider.trading_name,
                company_number=provider.company_number,
                charity_number=provider.charity_number,
                address=provider.address,
                postcode=provider.postcode,
                contacts=_contacts_json(provider.contacts),
                version=1,
                created_at=provider.created_at,
            )
        ).returning(*t.Provider.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _provider(rows[0])


async def get_provider(provider_id: int, *, for_update: bool = False) -> Provider:
    """The provider's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Provider,
        t.Provider.id == provider_id,
        entity="provider",
        detail=f"provider {provider_id} does not exist",
        for_update=for_update,
    )
    return _provider(row)


async def get_providers(provider_ids: Collection[int]) -> list[Provider]:
    """The providers with these ids (those that exist), in one query."""
    if not provider_ids:
        return []
    rows = await t.Provider.select().where(t.Provider.id.is_in(sorted(set(provider_ids))))
    return [_provider(r) for r in rows]


async def list_providers(limit: int, after_id: int, name_contains: str | None) -> Page[Provider]:
    query = t.Provider.select().where(t.Provider.id > after_id)
    if name_contains:
        query = query.where(t.Provider.legal_name.ilike(f"%{name_contains}%"))
    rows = await query.order_by(t.Provider.id).limit(limit + 1)
    return page_of([_provider(r) for r in rows], limit)


async def update_provider(before: Provider, after: Provider) -> None:
    """Write `after` only if the row is still at `before.version` (no lost update)."""
    values = {
        t.Provider.legal_name: after.legal_name,
        t.Provider.trading_name: after.trading_name,
        t.Provider.company_number: after.company_number,
        t.Provider.charity_number: after.charity_number,
        t.Provider.address: after.address,
        t.Provider.postcode: after.postcode,
        t.Provider.contacts: _contacts_json(after.contacts),
        t.Provider.version: after.version,
    }
    try:
        await update_versioned(t.Provider, before.id, before.version, values)
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


# --- settings --------------------------------------------------------------------------------


def _setting(row: dict[str, Any]) -> Setting:
    return Setting(
        id=row["id"],
        provider_id=row["provider"],
        name=row["name"],
        setting_type=SettingType(row["setting_type"]),
        ofsted_urn=row["ofsted_urn"],
        ofsted_grade=OfstedGrade(row["ofsted_grade"]) if row["ofsted_grade"] else None,
        last_inspection_date=row["last_inspection_date"],
        postcode=row["postcode"],
        local_authority_code=row["local_authority_code"],
        easting=row["easting"],
        northing=row["northing"],
        capacity=row["capacity"],
        ages=AgeRange(row["min_age"], row["max_age"]),
        needs=frozenset(Need(n) for n in row["needs"]),
        version=row["version"],
    )


def _setting_values(s: Setting) -> dict[Any, Any]:
    return {
        t.Setting.name: s.name,
        t.Setting.setting_type: s.setting_type.value,
        t.Setting.ofsted_urn: s.ofsted_urn,
        t.Setting.ofsted_grade: s.ofsted_grade.value if s.ofsted_grade else None,
        t.Setting.last_inspection_date: s.last_inspection_date,
        t.Setting.postcode: s.postcode,
        t.Setting.local_authority_code: s.local_authority_code,
        t.Setting.easting: s.easting,
        t.Setting.northing: s.northing,
        t.Setting.capacity: s.capacity,
        t.Setting.min_age: s.ages.min_age,
        t.Setting.max_age: s.ages.max_age,
        t.Setting.needs: sorted(n.value for n in s.needs),
        t.Setting.version: s.version,
    }


async def insert_setting(setting: Setting, at: datetime) -> Setting:
    values = {column._meta.name: value for column, value in _setting_values(setting).items()}
    try:
        rows = await t.Setting.insert(t.Setting(**values, provider=setting.provider_id, created_at=at)).returning(
            *t.Setting.all_columns()
        )
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _setting(rows[0])


async def get_setting(setting_id: int, *, for_update: bool = False) -> Setting:
    """The setting's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Setting,
        t.Setting.id == setting_id,
        entity="setting",
        detail=f"setting {setting_id} does not exist",
        for_update=for_update,
    )
    return _setting(row)


async def list_settings(provider_id: int, limit: int, after_id: int) -> Page[Setting]:
    rows = (
        await t.Setting.select()
        .where((t.Setting.provider == provider_id) & (t.Setting.id > after_id))
        .order_by(t.Setting.id)
        .limit(limit + 1)
    )
    return page_of([_setting(r) for r in rows], limit)


async def update_setting(before: Setting, after: Setting) -> None:
    try:
        await update_versioned(t.Setting, before.id, before.version, _setting_values(after))
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


# --- users -----------------------------------------------------------------------------------


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


# --- tokens ----------------------------------------------------------------------------------


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


# --- documents -------------------------------------------------------------------------------


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"],
        owner_kind=OrgKind(row["owner_kind"]),
        provider_id=row["provider"],
        authority_id=row["authority"],
        document_type=DocumentType(row["document_type"]),
        filename=row["filename"],
        media_type=row["media_type"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        storage_key=row["storage_key"],
        expires_on=row["expires_on"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
    )


async def insert_document(d: Document) -> Document:
    rows = await t.Document.insert(
        t.Document(
            owner_kind=d.owner_kind.value,
            provider=d.provider_id,
            authority=d.authority_id,
            document_type=d.document_type.value,
            filename=d.filename,
            media_type=d.media_type,
            size_bytes=d.size_bytes,
            sha256=d.sha256,
            storage_key=d.storage_key,
            expires_on=d.expires_on,
            uploaded_by=d.uploaded_by,
            uploaded_at=d.uploaded_at,
        )
    ).returning(*t.Document.all_columns())
    return _document(rows[0])


async def get_document(document_id: int) -> Document:
    """The document's record (no access check); NotFound when there is none."""
    row = await one_row(
        t.Document, t.Document.id == document_id, entity="document", detail=f"document {document_id} does not exist"
    )
    return _document(row)


async def list_documents(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    authority_id: int | None,
    document_type: DocumentType | None,
) -> Page[Document]:
    query = t.Document.select().where(t.Document.id > after_id)
    if provider_id is not None:
        query = query.where(t.Document.provider == provider_id)
    if authority_id is not None:
        query = query.where(t.Document.authority == authority_id)
    if document_type is not None:
        query = query.where(t.Document.document_type == document_type.value)
    rows = await query.order_by(t.Document.id).limit(limit + 1)
    return page_of([_document(r) for r in rows], limit)


# --- notification recipients -----------------------------------------------------------------


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


async def storage_used(is_provider: bool, org_id: int | None) -> int:
    """Bytes of documents an organisation (a provider, or an authority) has stored."""
    owner = t.Document.provider if is_provider else t.Document.authority
    rows = await t.Document.select(Sum(t.Document.size_bytes, alias="used")).where(owner == org_id)
    return int(rows[0]["used"] or 0) if rows else 0


async def lock_storage_used(is_provider: bool, org_id: int | None) -> int:
    """`storage_used` under the organisation's transaction-scoped lock (call inside a transaction)."""
    kind = "provider" if is_provider else "authority"
    await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", f"documents:{kind}:{org_id}"))
    return await storage_used(is_provider, org_id)


async def councils_working_with(provider_id: int) -> frozenset[int]:
    """The lead and member councils of every arrangement where the provider holds a membership
    (any status) or an application that was submitted (and not withdrawn): the councils that may
    read its due diligence (issue 13 item 10). Read-side SQL over frameworks' tables, so that
    accounts (documents) and compliance (evidence, visits) share one rule."""
    rows = await DB.run_querystring(
        QueryString(
            """SELECT r.lead_authority, r.member_authority_ids FROM arrangements r
               WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.arrangement = r.id AND m.provider = {})
                  OR EXISTS (SELECT 1 FROM applications a WHERE a.arrangement = r.id AND a.provider = {}
                             AND a.status IN ('submitted', 'under_evaluation', 'decided'))""",
            provider_id,
            provider_id,
        )
    )
    found: set[int] = set()
    for r in rows:
        found.add(r["lead_authority"])
        found.update(r["member_authority_ids"] or ())
    return frozenset(found)
