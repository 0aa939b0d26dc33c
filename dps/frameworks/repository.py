"""Rows <-> domain objects for frameworks; the only module here that queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from asyncpg.exceptions import ForeignKeyViolationError, UniqueViolationError
from piccolo.columns import Array

from dps.core.errors import Conflict
from dps.core.pagination import Page, page_of
from dps.core.rows import json_text, json_value, one_row, unique_conflict, update_versioned
from dps.frameworks import tables as t
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.applications import Membership, MembershipStatus
from dps.frameworks.domain.arrangements import (
    AgeBand,
    Arrangement,
    ArrangementStatus,
    Lot,
    ReopeningWindow,
    ServiceType,
    TermExtension,
    Waiver,
)

# --- unique constraints -> stable codes ------------------------------------------------------

UNIQUE_CODES = {
    "arrangements_reference_key": (FrameworkCode.REFERENCE_TAKEN, "an arrangement with this reference exists"),
    "lots_arrangement_code_key": (FrameworkCode.LOT_CODE_TAKEN, "this arrangement already has a lot with this code"),
    "memberships_one_per_lot": ("already_member", "the provider already holds a place on this lot"),
}


def conflict_from_unique(error: UniqueViolationError) -> Conflict:
    """Turn a unique-constraint violation into a 409 with a stable code."""
    return unique_conflict(error, UNIQUE_CODES)


# --- arrangements ----------------------------------------------------------------------------


def _arrangement(row: dict[str, Any]) -> Arrangement:
    return Arrangement(
        id=row["id"],
        reference=row["reference"],
        title=row["title"],
        service_type=ServiceType(row["service_type"]),
        profile_code=row["profile_code"],
        lead_authority_id=row["lead_authority"],
        member_authority_ids=frozenset(row["member_authority_ids"]),
        term_start=row["term_start"],
        term_end=row["term_end"],
        status=ArrangementStatus(row["status"]),
        quality_threshold=row["quality_threshold"],
        min_evaluators=row["min_evaluators"],
        decision_period_days=row["decision_period_days"],
        windows=msgspec.convert(json_value(row["windows"]), tuple[ReopeningWindow, ...]),
        extensions=msgspec.convert(json_value(row["extensions"]), tuple[TermExtension, ...]),
        version=row["version"],
        questionnaire_version=row["questionnaire_version"],
        waivers=msgspec.convert(json_value(row["waivers"]), tuple[Waiver, ...]),
        window_reminder_days=row["window_reminder_days"],
    )


def _arrangement_values(a: Arrangement) -> dict[Any, Any]:
    return {
        t.Arrangement.reference: a.reference,
        t.Arrangement.title: a.title,
        t.Arrangement.service_type: a.service_type.value,
        t.Arrangement.profile_code: a.profile_code,
        t.Arrangement.lead_authority: a.lead_authority_id,
        t.Arrangement.member_authority_ids: sorted(a.member_authority_ids),
        t.Arrangement.term_start: a.term_start,
        t.Arrangement.term_end: a.term_end,
        t.Arrangement.status: a.status.value,
        t.Arrangement.quality_threshold: a.quality_threshold,
        t.Arrangement.min_evaluators: a.min_evaluators,
        t.Arrangement.decision_period_days: a.decision_period_days,
        t.Arrangement.windows: json_text(a.windows),
        t.Arrangement.extensions: json_text(a.extensions),
        t.Arrangement.version: a.version,
        t.Arrangement.questionnaire_version: a.questionnaire_version,
        t.Arrangement.waivers: json_text(a.waivers),
        t.Arrangement.window_reminder_days: a.window_reminder_days,
    }


async def insert_arrangement(arrangement: Arrangement, at: datetime) -> Arrangement:
    values = {column._meta.name: value for column, value in _arrangement_values(arrangement).items()}
    try:
        rows = await t.Arrangement.insert(t.Arrangement(**values, created_at=at)).returning(
            *t.Arrangement.all_columns()
        )
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _arrangement(rows[0])


async def get_arrangement(arrangement_id: int, *, for_update: bool = False) -> Arrangement:
    """The arrangement's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Arrangement,
        t.Arrangement.id == arrangement_id,
        entity="arrangement",
        detail=f"arrangement {arrangement_id} does not exist",
        for_update=for_update,
    )
    return _arrangement(row)


async def list_arrangements(
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    include_drafts: bool,
    status: ArrangementStatus | None = None,
) -> Page[Arrangement]:
    """Arrangements in id order. `authority_id` limits them to those it leads or joins (None: all);
    `include_drafts` adds drafts (all of them without `authority_id`, else those it leads)."""
    a = t.Arrangement
    published = a.status != ArrangementStatus.DRAFT.value
    query = a.select().where(a.id > after_id)
    if authority_id is None:
        if not include_drafts:
            query = query.where(published)
    else:
        takes_part = (a.lead_authority == authority_id) | a.member_authority_ids.any(authority_id)
        if include_drafts:
            query = query.where((a.lead_authority == authority_id) | (published & takes_part))
        else:
            query = query.where(published & takes_part)
    if status is not None:
        query = query.where(a.status == status.value)
    rows = await query.order_by(a.id).limit(limit + 1)
    return page_of([_arrangement(r) for r in rows], limit)


async def update_arrangement(before: Arrangement, after: Arrangement) -> None:
    """Write `after` only if the row is still at `before.version` (no lost update)."""
    await update_versioned(t.Arrangement, before.id, before.version, _arrangement_values(after))


# --- lots ------------------------------------------------------------------------------------


def _lot(row: dict[str, Any]) -> Lot:
    return Lot(
        id=row["id"],
        arrangement_id=row["arrangement"],
        code=row["code"],
        title=row["title"],
        description=row["description"],
        age_bands=msgspec.convert(json_value(row["age_bands"]), tuple[AgeBand, ...]),
        need_levels=tuple(row["need_levels"]),
        areas=tuple(row["areas"]),
        quality_threshold=row["quality_threshold"],
        withdrawn_at=row["withdrawn_at"],
        withdrawn_reason=row["withdrawn_reason"],
    )


def _lot_values(lot: Lot) -> dict[Any, Any]:
    return {
        t.Lot.code: lot.code,
        t.Lot.title: lot.title,
        t.Lot.description: lot.description,
        t.Lot.age_bands: json_text(lot.age_bands),
        t.Lot.need_levels: list(lot.need_levels),
        t.Lot.areas: list(lot.areas),
        t.Lot.quality_threshold: lot.quality_threshold,
        t.Lot.withdrawn_at: lot.withdrawn_at,
        t.Lot.withdrawn_reason: lot.withdrawn_reason,
    }


async def insert_lot(lot: Lot) -> Lot:
    values = {column._meta.name: value for column, value in _lot_values(lot).items()}
    try:
        rows = await t.Lot.insert(t.Lot(**values, arrangement=lot.arrangement_id)).returning(*t.Lot.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _lot(rows[0])


async def get_lot(arrangement_id: int, lot_id: int, *, for_update: bool = False) -> Lot:
    """A lot of the arrangement (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Lot,
        (t.Lot.id == lot_id) & (t.Lot.arrangement == arrangement_id),
        entity="lot",
        detail=f"lot {lot_id} does not exist in arrangement {arrangement_id}",
        for_update=for_update,
    )
    return _lot(row)


async def list_lots(arrangement_id: int, limit: int, after_id: int) -> Page[Lot]:
    rows = (
        await t.Lot.select()
        .where((t.Lot.arrangement == arrangement_id) & (t.Lot.id > after_id))
        .order_by(t.Lot.id)
        .limit(limit + 1)
    )
    return page_of([_lot(r) for r in rows], limit)


async def all_lots(arrangement_id: int) -> list[Lot]:
    """Every lot of an arrangement (an arrangement has a handful), in id order."""
    rows = await t.Lot.select().where(t.Lot.arrangement == arrangement_id).order_by(t.Lot.id)
    return [_lot(r) for r in rows]


async def count_lots(arrangement_id: int) -> int:
    return int(await t.Lot.count().where(t.Lot.arrangement == arrangement_id))


async def delete_lot(lot_id: int) -> None:
    """Delete a draft arrangement's lot (nothing can refer to it before publishing but its questions
    and prices, which the caller has checked)."""
    try:
        await t.Lot.delete().where(t.Lot.id == lot_id)
    except ForeignKeyViolationError as error:
        raise Conflict(
            "price bands or other records name this lot: delete them first", code=FrameworkCode.LOT_IN_USE
        ) from error


async def update_lot(lot: Lot) -> None:
    try:
        await t.Lot.update(_lot_values(lot)).where(t.Lot.id == lot.id)
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


# --- memberships -----------------------------------------------------------------------------


def _membership(row: dict[str, Any]) -> Membership:
    return Membership(
        id=row["id"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        provider_id=row["provider"],
        application_id=row["application"],
        status=MembershipStatus(row["status"]),
        started_on=row["started_on"],
        status_reason=row["status_reason"],
        version=row["version"],
    )


async def insert_membership(m: Membership) -> Membership:
    try:
        rows = await t.Membership.insert(
            t.Membership(
                arrangement=m.arrangement_id,
                lot=m.lot_id,
                provider=m.provider_id,
                application=m.application_id,
                status=m.status.value,
                started_on=m.started_on,
                status_reason=m.status_reason,
                version=m.version,
            )
        ).returning(*t.Membership.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _membership(rows[0])


async def get_membership(membership_id: int, *, for_update: bool = False) -> Membership:
    """The membership's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Membership,
        t.Membership.id == membership_id,
        entity="membership",
        detail=f"membership {membership_id} does not exist",
        for_update=for_update,
    )
    return _membership(row)


async def list_memberships(
    *,
    provider_id: int | None = None,
    lot_id: int | None = None,
    arrangement_id: int | None = None,
    status: MembershipStatus | None = None,
    authority_id: int | None = None,
    limit: int | None = None,
    after_id: int = 0,
) -> list[Membership]:
    """Memberships in id order, filtered; `authority_id` keeps those of arrangements it leads or joins."""
    m = t.Membership
    query = m.select().where(m.id > after_id)
    if provider_id is not None:
        query = query.where(m.provider == provider_id)
    if lot_id is not None:
        query = query.where(m.lot == lot_id)
    if arrangement_id is not None:
        query = query.where(m.arrangement == arrangement_id)
    if status is not None:
        query = query.where(m.status == status.value)
    if authority_id is not None:
        members: Array = m.arrangement.member_authority_ids  # type: ignore[assignment]  # joined column
        query = query.where((m.arrangement.lead_authority == authority_id) | members.any(authority_id))
    query = query.order_by(m.id)
    if limit is not None:
        query = query.limit(limit)
    return [_membership(r) for r in await query]


async def update_membership(before: Membership, after: Membership) -> None:
    values = {
        t.Membership.status: after.status.value,
        t.Membership.status_reason: after.status_reason,
        t.Membership.version: after.version,
    }
    await update_versioned(t.Membership, before.id, before.version, values)
