"""Provider rows (`providers`) <-> `Provider`, and their settings (`provider_settings`) <-> `Setting`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError

from dps.accounts import tables as t
from dps.accounts.domain import AgeRange, Contact, Need, OfstedGrade, Provider, Setting, SettingType
from dps.accounts.repository._rows import conflict_from_unique
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row, update_versioned


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
