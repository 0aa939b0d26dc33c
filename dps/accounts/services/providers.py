"""Providers and their settings: registration, reading and versioned updates."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import replace

from dps.accounts import access, repository
from dps.accounts.codes import AccountCode
from dps.accounts.domain import (
    CHARITY_NUMBER,
    COMPANY_NUMBER,
    OFSTED_URN,
    AgeRange,
    Contact,
    Provider,
    ProviderChanges,
    ProviderDetails,
    ProviderRegistration,
    Setting,
    SettingChanges,
    SettingDetails,
    User,
    UserStatus,
    check_grade_scale,
    check_identifier,
    check_inspection,
    check_inspection_not_future,
    check_provider_registration,
    normalise_email,
)
from dps.core import audit, geo
from dps.core.auth import Role
from dps.core.concurrency import require_version
from dps.core.context import Context
from dps.core.credentials import hash_password
from dps.core.db import DB
from dps.core.errors import NotFound, PermissionDenied
from dps.core.pagination import Page
from dps.core.patches import changed_fields


def _contacts(items: tuple[Contact, ...]) -> tuple[Contact, ...]:
    return tuple(replace(c, email=normalise_email(c.email)) for c in items)


def _company(raw: str | None) -> str | None:
    return (
        check_identifier(
            COMPANY_NUMBER, raw, "company_number", "Companies House number", code=AccountCode.INVALID_COMPANY_NUMBER
        )
        if raw
        else None
    )


def _charity(raw: str | None) -> str | None:
    return (
        check_identifier(
            CHARITY_NUMBER, raw, "charity_number", "charity number", code=AccountCode.INVALID_CHARITY_NUMBER
        )
        if raw
        else None
    )


async def locate(postcode: str) -> geo.Location:
    """Validate a postcode against the ONS directory (422 when unknown); the first use of a letter
    loads its file, so it runs in a worker thread."""
    return await asyncio.to_thread(geo.default_directory().locate_postcode, postcode)


async def _provider_from(data: ProviderDetails, ctx: Context) -> Provider:
    company, charity = _company(data.company_number), _charity(data.charity_number)
    check_provider_registration(company, charity)
    location = await locate(data.postcode)
    return Provider(
        id=0,
        legal_name=data.legal_name.strip(),
        trading_name=data.trading_name,
        company_number=company,
        charity_number=charity,
        address=data.address.strip(),
        postcode=location.postcode_or_district,
        contacts=_contacts(data.contacts),
        version=1,
        created_at=ctx.clock.now(),
    )


async def register_provider(ctx: Context, data: ProviderRegistration) -> tuple[Provider, User]:
    """Self-registration: creates the provider and its first provider_admin, together or not at all."""
    draft = await _provider_from(data.provider, ctx)
    email = normalise_email(data.admin_email)
    async with DB.transaction():
        provider = await repository.insert_provider(draft)
        admin = await repository.insert_user(
            email=email,
            full_name=data.admin_full_name.strip(),
            role=Role.PROVIDER_ADMIN,
            status=UserStatus.ACTIVE,
            authority_id=None,
            provider_id=provider.id,
            password_hash=hash_password(data.admin_password),
            invitation_hash=None,
            invitation_expires_at=None,
            at=ctx.clock.now(),
        )
        await audit.record(ctx, "provider.registered", "provider", provider.id, after=provider)
        await audit.record(ctx, "user.created", "user", admin.id, after=admin)
    return provider, admin


async def get_provider(ctx: Context, provider_id: int) -> Provider:
    """A provider, as the caller may read it."""
    access.require_read_provider(ctx.user, provider_id)
    return await repository.get_provider(provider_id)


async def get_providers(ctx: Context, provider_ids: Collection[int]) -> dict[int, Provider]:
    """Several providers by id in one read (a council's lists name many), each checked like `get_provider`."""
    for provider_id in provider_ids:
        access.require_read_provider(ctx.user, provider_id)
    return {p.id: p for p in await repository.get_providers(provider_ids)}


async def list_providers(ctx: Context, limit: int, after_id: int, name_contains: str | None) -> Page[Provider]:
    """Council staff see every provider; a provider's users see only their own."""
    principal = ctx.user
    if principal.is_authority_staff:
        return await repository.list_providers(limit, after_id, name_contains)
    assert principal.org_id is not None
    own = await repository.get_provider(principal.org_id)
    matches = own.id > after_id and (not name_contains or name_contains.lower() in own.legal_name.lower())
    return Page(items=[own] if matches else [], next_after_id=None)


async def update_provider(ctx: Context, provider_id: int, expected_version: int, patch: ProviderChanges) -> Provider:
    """Change the provider's record if nobody changed it since `expected_version` was read."""
    access.require_manage_provider(ctx.user, provider_id)
    changes = changed_fields(patch)
    if "company_number" in changes:
        changes["company_number"] = _company(changes["company_number"])
    if "charity_number" in changes:
        changes["charity_number"] = _charity(changes["charity_number"])
    if "postcode" in changes:
        changes["postcode"] = (await locate(changes["postcode"])).postcode_or_district
    if "contacts" in changes:
        changes["contacts"] = _contacts(changes["contacts"])
    async with DB.transaction():
        before = await repository.get_provider(provider_id, for_update=True)
        require_version(expected_version, before.version)
        after = replace(before, **changes, version=before.version + 1)
        check_provider_registration(after.company_number, after.charity_number)
        await repository.update_provider(before, after)
        await audit.record(ctx, "provider.updated", "provider", provider_id, before=before, after=after)
    return after


# --- settings --------------------------------------------------------------------------------


async def create_setting(ctx: Context, provider_id: int, data: SettingDetails) -> Setting:
    """Describe a registered service; its postcode must be a real one (ONS directory)."""
    access.require_edit_settings(ctx.user, provider_id)
    ages = AgeRange(data.min_age, data.max_age)
    check_grade_scale(data.setting_type, data.ofsted_grade)
    check_inspection(data.ofsted_grade, data.last_inspection_date)
    check_inspection_not_future(data.last_inspection_date, ctx.clock.now().date())
    location = await locate(data.postcode)
    draft = Setting(
        id=0,
        provider_id=provider_id,
        name=data.name.strip(),
        setting_type=data.setting_type,
        ofsted_urn=check_identifier(
            OFSTED_URN, data.ofsted_urn, "ofsted_urn", "Ofsted URN", code=AccountCode.INVALID_OFSTED_URN
        ),
        ofsted_grade=data.ofsted_grade,
        last_inspection_date=data.last_inspection_date,
        postcode=location.postcode_or_district,
        local_authority_code=location.local_authority_code,
        easting=location.easting,
        northing=location.northing,
        capacity=data.capacity,
        ages=ages,
        needs=data.needs,
        version=1,
    )
    async with DB.transaction():
        await repository.get_provider(provider_id, for_update=True)  # 404 for an unknown provider
        setting = await repository.insert_setting(draft, ctx.clock.now())
        await audit.record(ctx, "setting.created", "setting", setting.id, after=setting)
    return setting


async def get_setting(ctx: Context, provider_id: int, setting_id: int) -> Setting:
    """One of a provider's settings, as the caller may read it."""
    access.require_read_provider(ctx.user, provider_id)
    setting = await repository.get_setting(setting_id)
    if setting.provider_id != provider_id:
        raise _not_this_providers(setting_id)
    return setting


async def list_settings(ctx: Context, provider_id: int, limit: int, after_id: int) -> Page[Setting]:
    """A provider's settings, a page at a time, as the caller may read them."""
    access.require_read_provider(ctx.user, provider_id)
    return await repository.list_settings(provider_id, limit, after_id)


async def update_setting(
    ctx: Context, provider_id: int, setting_id: int, expected_version: int, patch: SettingChanges
) -> Setting:
    """Change a setting if nobody changed it since `expected_version` was read. Its Ofsted grade
    and inspection date are not the provider's to change (issue 13 item 2)."""
    access.require_edit_settings(ctx.user, provider_id)
    changes = changed_fields(patch)
    _refuse_officer_recorded_facts(ctx, setting_id, changes.keys())
    location = await locate(changes.pop("postcode")) if "postcode" in changes else None
    min_age, max_age = changes.pop("min_age", None), changes.pop("max_age", None)
    check_inspection_not_future(changes.get("last_inspection_date"), ctx.clock.now().date())
    async with DB.transaction():
        before = await repository.get_setting(setting_id, for_update=True)
        if before.provider_id != provider_id:
            raise _not_this_providers(setting_id)
        require_version(expected_version, before.version)
        if min_age is not None or max_age is not None:
            changes["ages"] = AgeRange(
                min_age if min_age is not None else before.ages.min_age,
                max_age if max_age is not None else before.ages.max_age,
            )
        if location is not None:
            changes.update(
                postcode=location.postcode_or_district,
                local_authority_code=location.local_authority_code,
                easting=location.easting,
                northing=location.northing,
            )
        after = before.with_changes(**changes)
        await repository.update_setting(before, after)
        await audit.record(ctx, "setting.updated", "setting", setting_id, before=before, after=after)
    return after


# Officer-recorded (or imported) facts: a provider that could set its own grade could undo an
# "Inadequate" suspension and pass grade gateways (issue 13 item 2). Council officers record them
# as Ofsted judgements (dps.compliance); admins may still correct an imported value here.
OFFICER_RECORDED_FIELDS = frozenset({"ofsted_grade", "last_inspection_date"})


def _refuse_officer_recorded_facts(ctx: Context, setting_id: int, fields: Collection[str]) -> None:
    named = sorted(OFFICER_RECORDED_FIELDS.intersection(fields))
    if named and not ctx.user.is_admin:
        raise PermissionDenied(
            f"{' and '.join(named)} are recorded by council officers as an Ofsted judgement "
            f"(POST /api/v1/compliance/settings/{setting_id}/ofsted-judgements), not by the provider",
            code=AccountCode.OFSTED_FACTS_READ_ONLY,
        )


def _not_this_providers(setting_id: int) -> NotFound:
    return NotFound(f"setting {setting_id} does not exist for this provider", entity="setting")
