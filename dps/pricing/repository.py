"""Rows <-> domain objects for pricing; the only module here that queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from asyncpg.exceptions import ExclusionViolationError, UniqueViolationError
from piccolo.querystring import QueryString

from dps.core import sql
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row, update_versioned
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.tables import Membership
from dps.pricing import tables as t
from dps.pricing.domain.analysis import AgreedFee
from dps.pricing.domain.bands import BandKey, Period, Position, PriceBand
from dps.pricing.domain.rate_cards import (
    AdditionalService,
    ExceptionStatus,
    RateCard,
    RateCardStatus,
    RateLine,
    ServicePrice,
    ServiceUnit,
)
from dps.pricing.domain.uplifts import IndexComponent, Uplift, UpliftMethod, UpliftStatus

CONSTRAINT_CODES = {
    "price_bands_no_overlap": ("band_period_overlap", "this band already has prices for part of that period"),
    "rate_cards_approved_no_overlap": ("rate_card_period_conflict", "an approved rate card covers part of that period"),
    "additional_services_code_key": ("service_code_taken", "this arrangement already has a service with this code"),
    "rate_cards_previous_key": ("uplift_already_applied", "this rate card has already been uplifted"),
}


def _conflict(error: UniqueViolationError | ExclusionViolationError) -> Conflict:
    name = getattr(error, "constraint_name", "") or ""
    code, detail = CONSTRAINT_CODES.get(name, ("duplicate", "this record already exists"))
    return Conflict(detail, code=code)


def _area(value: str) -> str | None:
    return value or None


# --- price bands -----------------------------------------------------------------------------


def _band(row: dict[str, Any]) -> PriceBand:
    return PriceBand(
        id=row["id"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        key=BandKey(row["age_band"], row["need_level"], _area(row["area"])),
        min_age=row["min_age"],
        max_age=row["max_age"],
        floor_pence=row["floor_pence"],
        ceiling_pence=row["ceiling_pence"],
        period=Period(row["effective_from"], row["effective_to"]),
        uplift_id=row["uplift"],
        version=row["version"],
    )


def _band_row(band: PriceBand, at: datetime) -> t.PriceBand:
    return t.PriceBand(
        arrangement=band.arrangement_id,
        lot=band.lot_id,
        age_band=band.key.age_band,
        need_level=band.key.need_level,
        area=band.key.area or "",
        min_age=band.min_age,
        max_age=band.max_age,
        floor_pence=band.floor_pence,
        ceiling_pence=band.ceiling_pence,
        effective_from=band.period.starts_on,
        effective_to=band.period.ends_on,
        uplift=band.uplift_id,
        version=band.version,
        created_at=at,
    )


async def insert_band(band: PriceBand, at: datetime) -> PriceBand:
    try:
        rows = await t.PriceBand.insert(_band_row(band, at)).returning(*t.PriceBand.all_columns())
    except (UniqueViolationError, ExclusionViolationError) as error:
        raise _conflict(error) from error
    return _band(rows[0])


async def get_band(band_id: int, *, for_update: bool = False) -> PriceBand:
    row = await one_row(
        t.PriceBand,
        t.PriceBand.id == band_id,
        entity="price_band",
        detail=f"price band {band_id} does not exist",
        for_update=for_update,
    )
    return _band(row)


async def update_band(before: PriceBand, after: PriceBand) -> None:
    """Write `after` only if the row is still at `before.version`."""
    try:
        await update_versioned(
            t.PriceBand,
            before.id,
            before.version,
            {
                t.PriceBand.floor_pence: after.floor_pence,
                t.PriceBand.ceiling_pence: after.ceiling_pence,
                t.PriceBand.effective_to: after.period.ends_on,
                t.PriceBand.version: after.version,
            },
        )
    except ExclusionViolationError as error:
        raise _conflict(error) from error


async def list_bands(
    *, arrangement_id: int | None = None, lot_id: int | None = None, on: date | None = None
) -> list[PriceBand]:
    """Bands in lot, band and date order; `on` keeps those in force that day."""
    b = t.PriceBand
    query = b.select()
    if arrangement_id is not None:
        query = query.where(b.arrangement == arrangement_id)
    if lot_id is not None:
        query = query.where(b.lot == lot_id)
    if on is not None:
        query = query.where((b.effective_from <= on) & (b.effective_to.is_null() | (b.effective_to >= on)))
    query = query.where(b.withdrawn_at.is_null())  # a withdrawn band is kept, no longer offered
    rows = await query.order_by(b.lot, b.age_band, b.need_level, b.area, b.effective_from)
    return [_band(r) for r in rows]


async def delete_band(band_id: int) -> None:
    await t.PriceBand.delete().where(t.PriceBand.id == band_id)


async def withdraw_band(band_id: int, at: datetime, reason: str) -> None:
    await t.PriceBand.update(
        {
            t.PriceBand.withdrawn_at: at,
            t.PriceBand.withdrawn_reason: reason,
            t.PriceBand.version: t.PriceBand.version + 1,
        }
    ).where(t.PriceBand.id == band_id)


async def get_service(service_id: int, *, for_update: bool = False) -> AdditionalService:
    row = await one_row(
        t.AdditionalService,
        (t.AdditionalService.id == service_id) & t.AdditionalService.withdrawn_at.is_null(),
        entity="additional_service",
        detail=f"additional service {service_id} does not exist",
        for_update=for_update,
    )
    return _service(row)


async def delete_service(service_id: int) -> None:
    await t.AdditionalService.delete().where(t.AdditionalService.id == service_id)


async def withdraw_service(service_id: int, at: datetime, reason: str) -> None:
    await t.AdditionalService.update(
        {t.AdditionalService.withdrawn_at: at, t.AdditionalService.withdrawn_reason: reason}
    ).where(t.AdditionalService.id == service_id)


async def lots_with_bands(arrangement_id: int) -> frozenset[int]:
    """The lots of an arrangement that have at least one price band not withdrawn."""
    b = t.PriceBand
    rows = await b.select(b.lot).where((b.arrangement == arrangement_id) & b.withdrawn_at.is_null()).distinct()
    return frozenset(r["lot"] for r in rows)


async def lock_lot_prices(lot_id: int) -> None:
    """Serialise changes to one lot's bands (two officers adding the same band at once)."""
    await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock({}, {})", 7_310_005, lot_id))


# --- additional services ---------------------------------------------------------------------


def _service(row: dict[str, Any]) -> AdditionalService:
    return AdditionalService(
        id=row["id"],
        arrangement_id=row["arrangement"],
        code=row["code"],
        name=row["name"],
        unit=ServiceUnit(row["unit"]),
        description=row["description"],
    )


async def insert_service(service: AdditionalService, at: datetime) -> AdditionalService:
    try:
        rows = await t.AdditionalService.insert(
            t.AdditionalService(
                arrangement=service.arrangement_id,
                code=service.code,
                name=service.name,
                unit=service.unit.value,
                description=service.description,
                created_at=at,
            )
        ).returning(*t.AdditionalService.all_columns())
    except UniqueViolationError as error:
        raise _conflict(error) from error
    return _service(rows[0])


async def list_services(arrangement_id: int) -> list[AdditionalService]:
    """The catalogue offered now (withdrawn services are kept but no longer offered)."""
    rows = (
        await t.AdditionalService.select()
        .where((t.AdditionalService.arrangement == arrangement_id) & t.AdditionalService.withdrawn_at.is_null())
        .order_by(t.AdditionalService.id)
    )
    return [_service(r) for r in rows]


# --- memberships (read only; frameworks owns them) --------------------------------------------


async def has_active_membership(provider_id: int, lot_id: int) -> bool:
    m = Membership
    return bool(
        await m.exists().where(
            (m.provider == provider_id) & (m.lot == lot_id) & (m.status == MembershipStatus.ACTIVE.value)
        )
    )


async def holds_membership(provider_id: int, arrangement_id: int) -> bool:
    """Any place (in any status) on any lot of the arrangement: a member provider."""
    m = Membership
    return bool(await m.exists().where((m.provider == provider_id) & (m.arrangement == arrangement_id)))


# --- rate cards ------------------------------------------------------------------------------


def _line(row: dict[str, Any]) -> RateLine:
    return RateLine(
        id=row["id"],
        key=BandKey(row["age_band"], row["need_level"], _area(row["area"])),
        weekly_price_pence=row["weekly_price_pence"],
        position=Position(row["position"]),
        exception_justification=row["exception_justification"],
        exception_status=ExceptionStatus(row["exception_status"]) if row["exception_status"] else None,
        exception_reason=row["exception_reason"],
    )


def _card(row: dict[str, Any], lines: Sequence[RateLine], services: Sequence[ServicePrice]) -> RateCard:
    return RateCard(
        id=row["id"],
        provider_id=row["provider"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        status=RateCardStatus(row["status"]),
        period=Period(row["effective_from"], row["effective_to"]),
        lines=tuple(lines),
        services=tuple(services),
        submitted_at=row["submitted_at"],
        decided_at=row["decided_at"],
        decision_note=row["decision_note"],
        previous_id=row["previous"],
        uplift_id=row["uplift"],
        version=row["version"],
    )


_POSITIONS = {p.value: p for p in Position}
_EXCEPTIONS = {e.value: e for e in ExceptionStatus}


async def _cards(rows: list[dict[str, Any]]) -> list[RateCard]:
    """Cards with their lines and service prices, three queries for any number of cards."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    keys: dict[tuple[str, str, str], BandKey] = {}
    lines: dict[int, list[RateLine]] = defaultdict(list)
    line_rows = await DB.run_querystring(
        QueryString(
            """SELECT id, rate_card, age_band, need_level, area, weekly_price_pence, position,
                      exception_justification, exception_status, exception_reason
               FROM rate_card_lines WHERE rate_card = ANY({}::bigint[]) ORDER BY id""",
            ids,
        )
    )
    for row in line_rows:
        raw_key = (row["age_band"], row["need_level"], row["area"])
        key = keys.get(raw_key)
        if key is None:
            key = keys[raw_key] = BandKey(raw_key[0], raw_key[1], _area(raw_key[2]))
        status = row["exception_status"]
        lines[row["rate_card"]].append(
            RateLine(
                id=row["id"],
                key=key,
                weekly_price_pence=row["weekly_price_pence"],
                position=_POSITIONS[row["position"]],
                exception_justification=row["exception_justification"],
                exception_status=_EXCEPTIONS[status] if status else None,
                exception_reason=row["exception_reason"],
            )
        )
    services: dict[int, list[ServicePrice]] = defaultdict(list)
    service_rows = await DB.run_querystring(
        QueryString(
            """SELECT p.rate_card, p.service, p.unit_price_pence, s.unit
               FROM rate_card_services p JOIN additional_services s ON s.id = p.service
               WHERE p.rate_card = ANY({}::bigint[]) ORDER BY p.id""",
            ids,
        )
    )
    for row in service_rows:
        services[row["rate_card"]].append(
            ServicePrice(
                service_id=row["service"], unit=ServiceUnit(row["unit"]), unit_price_pence=row["unit_price_pence"]
            )
        )
    return [_card(r, lines[r["id"]], services[r["id"]]) for r in rows]


async def insert_rate_card(card: RateCard) -> RateCard:
    rows = await t.RateCard.insert(
        t.RateCard(
            provider=card.provider_id,
            arrangement=card.arrangement_id,
            lot=card.lot_id,
            status=card.status.value,
            effective_from=card.period.starts_on,
            effective_to=card.period.ends_on,
            submitted_at=card.submitted_at,
            version=card.version,
        )
    ).returning(t.RateCard.id)
    card_id = rows[0]["id"]
    await t.RateLine.insert(
        *[
            t.RateLine(
                rate_card=card_id,
                age_band=line.key.age_band,
                need_level=line.key.need_level,
                area=line.key.area or "",
                weekly_price_pence=line.weekly_price_pence,
                position=line.position.value,
                exception_justification=line.exception_justification,
                exception_status=line.exception_status.value if line.exception_status else None,
            )
            for line in card.lines
        ]
    )
    if card.services:
        await t.ServicePrice.insert(
            *[
                t.ServicePrice(rate_card=card_id, service=s.service_id, unit_price_pence=s.unit_price_pence)
                for s in card.services
            ]
        )
    return await get_rate_card(card_id)


async def get_rate_card(card_id: int, *, for_update: bool = False) -> RateCard:
    row = await one_row(
        t.RateCard,
        t.RateCard.id == card_id,
        entity="rate_card",
        detail=f"rate card {card_id} does not exist",
        for_update=for_update,
    )
    return (await _cards([row]))[0]


async def list_rate_cards(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None = None,
    authority_id: int | None = None,
    arrangement_id: int | None = None,
    lot_id: int | None = None,
    status: RateCardStatus | None = None,
) -> Page[RateCard]:
    """Rate cards in id order; `authority_id` keeps those of arrangements it leads or joins."""
    r = t.RateCard
    query = r.select(*r.all_columns()).where(r.id > after_id)
    if provider_id is not None:
        query = query.where(r.provider == provider_id)
    if authority_id is not None:
        members = r.arrangement.member_authority_ids
        query = query.where((r.arrangement.lead_authority == authority_id) | members.any(authority_id))  # type: ignore[attr-defined,union-attr]
    if arrangement_id is not None:
        query = query.where(r.arrangement == arrangement_id)
    if lot_id is not None:
        query = query.where(r.lot == lot_id)
    if status is not None:
        query = query.where(r.status == status.value)
    rows = await query.order_by(r.id).limit(limit + 1)
    return page_of(await _cards(rows), limit)


async def lock_provider_cards(provider_id: int, lot_id: int) -> None:
    """Serialise approvals of one provider's cards for a lot: two officers approving two
    overlapping cards at once would each miss the other's (uncommitted) approval."""
    await DB.run_querystring(
        QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", f"rate_cards:{provider_id}:{lot_id}")
    )


async def approved_cards(provider_id: int, lot_id: int, *, for_update: bool = False) -> list[RateCard]:
    r = t.RateCard
    query = r.select().where(
        (r.provider == provider_id) & (r.lot == lot_id) & (r.status == RateCardStatus.APPROVED.value)
    )
    if for_update:
        query = query.lock_rows("UPDATE")
    return await _cards(await query.order_by(r.effective_from))


async def approved_card_on(provider_id: int, lot_id: int, on: date) -> RateCard | None:
    r = t.RateCard
    row = (
        await r.select()
        .where(
            (r.provider == provider_id)
            & (r.lot == lot_id)
            & (r.status == RateCardStatus.APPROVED.value)
            & (r.effective_from <= on)
            & (r.effective_to.is_null() | (r.effective_to >= on))
        )
        .first()
    )
    return (await _cards([row]))[0] if row else None


_BANDS_ON_SQL = (
    "SELECT * FROM price_bands WHERE lot = $1 AND effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)"
    " ORDER BY lot, age_band, need_level, area, effective_from"
)
_CARD_ON_SQL = (
    "SELECT * FROM rate_cards WHERE provider = $1 AND lot = $2 AND status = $3 AND effective_from <= $4"
    " AND (effective_to IS NULL OR effective_to >= $4) LIMIT 1"
)


async def bands_and_card_on(lot_id: int, provider_id: int, on: date) -> tuple[list[PriceBand], RateCard | None]:
    """`list_bands(lot_id=, on=)` and `approved_card_on` for the offer path, as plain SQL (issue 18)."""
    bands = [_band(dict(r)) for r in await sql.fetch(_BANDS_ON_SQL, lot_id, on)]
    card = await sql.fetchrow(_CARD_ON_SQL, provider_id, lot_id, RateCardStatus.APPROVED.value, on)
    return bands, (await _cards([dict(card)]))[0] if card is not None else None


async def save_rate_card(before: RateCard, after: RateCard, decided_by: int | None) -> None:
    """Write status, period, decision and exception decisions if still at `before.version`."""
    r = t.RateCard
    try:
        await update_versioned(
            r,
            before.id,
            before.version,
            {
                r.status: after.status.value,
                r.effective_to: after.period.ends_on,
                r.decided_at: after.decided_at,
                r.decided_by: decided_by if after.decided_at != before.decided_at else None,
                r.decision_note: after.decision_note,
                r.version: after.version,
            },
        )
    except ExclusionViolationError as error:
        raise _conflict(error) from error
    old_lines = {line.id: line for line in before.lines}
    for line in after.lines:
        if old_lines.get(line.id) != line:
            await t.RateLine.update(
                {
                    t.RateLine.exception_status: line.exception_status.value if line.exception_status else None,
                    t.RateLine.exception_reason: line.exception_reason,
                }
            ).where(t.RateLine.id == line.id)


# --- uplifts ---------------------------------------------------------------------------------


def _uplift(row: dict[str, Any]) -> Uplift:
    components = tuple(
        IndexComponent(index=c["index"], weight=Decimal(c["weight"]), rate=Decimal(c["rate"]))
        for c in json_value(row["components"])
    )
    return Uplift(
        id=row["id"],
        arrangement_id=row["arrangement"],
        description=row["description"],
        effective_on=row["effective_on"],
        method=UpliftMethod(row["method"]),
        flat_percentage=row["flat_percentage"],
        components=components,
        status=UpliftStatus(row["status"]),
        applied_at=row["applied_at"],
        version=row["version"],
    )


async def insert_uplift(uplift: Uplift, at: datetime) -> Uplift:
    components = [{"index": c.index, "weight": str(c.weight), "rate": str(c.rate)} for c in uplift.components]
    rows = await t.Uplift.insert(
        t.Uplift(
            arrangement=uplift.arrangement_id,
            description=uplift.description,
            effective_on=uplift.effective_on,
            method=uplift.method.value,
            flat_percentage=uplift.flat_percentage,
            components=msgspec.json.encode(components).decode(),
            status=uplift.status.value,
            version=uplift.version,
            created_at=at,
        )
    ).returning(*t.Uplift.all_columns())
    return _uplift(rows[0])


async def get_uplift(uplift_id: int, *, for_update: bool = False) -> Uplift:
    """The uplift's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Uplift,
        t.Uplift.id == uplift_id,
        entity="uplift",
        detail=f"uplift {uplift_id} does not exist",
        for_update=for_update,
    )
    return _uplift(row)


async def list_uplifts(
    limit: int, after_id: int, *, authority_id: int | None, arrangement_id: int | None
) -> Page[Uplift]:
    u = t.Uplift
    query = u.select(*u.all_columns()).where(u.id > after_id)
    if authority_id is not None:
        members = u.arrangement.member_authority_ids
        query = query.where((u.arrangement.lead_authority == authority_id) | members.any(authority_id))  # type: ignore[attr-defined,union-attr]
    if arrangement_id is not None:
        query = query.where(u.arrangement == arrangement_id)
    rows = await query.order_by(u.id).limit(limit + 1)
    return page_of([_uplift(r) for r in rows], limit)


async def mark_uplift_applied(before: Uplift, after: Uplift, user_id: int | None) -> None:
    await update_versioned(
        t.Uplift,
        before.id,
        before.version,
        {
            t.Uplift.status: after.status.value,
            t.Uplift.applied_at: after.applied_at,
            t.Uplift.applied_by: user_id,
            t.Uplift.version: after.version,
        },
    )


async def cards_in_force(arrangement_id: int, on: date, *, lock: bool = True) -> list[RateCard]:
    """Approved cards of the arrangement in force on `on`, with lines and services (bulk);
    locked for update unless `lock` is False."""
    r = t.RateCard
    query = (
        r.select()
        .where(
            (r.arrangement == arrangement_id)
            & (r.status == RateCardStatus.APPROVED.value)
            & (r.effective_from <= on)
            & (r.effective_to.is_null() | (r.effective_to >= on))
        )
        .order_by(r.id)
    )
    if lock:
        query = query.lock_rows("UPDATE")
    return await _cards(await query)


async def end_bands(band_ids: list[int], ends_on: date) -> None:
    await DB.run_querystring(
        QueryString(
            "UPDATE price_bands SET effective_to = {}, version = version + 1 WHERE id = ANY({}::bigint[])",
            ends_on,
            band_ids,
        )
    )


async def insert_bands_bulk(bands: list[PriceBand], at: datetime) -> None:
    """Many band rows in one statement (an uplift's new prices)."""
    if not bands:
        return
    await DB.run_querystring(
        QueryString(
            """INSERT INTO price_bands (arrangement, lot, age_band, need_level, area, min_age, max_age,
                   floor_pence, ceiling_pence, effective_from, effective_to, uplift, version, created_at)
               SELECT a, l, ab, nl, ar, mn, mx, fl, ce, ef, et, u, 1, {}
               FROM unnest({}::bigint[], {}::bigint[], {}::varchar[], {}::varchar[], {}::varchar[], {}::int[],
                           {}::int[], {}::bigint[], {}::bigint[], {}::date[], {}::date[], {}::bigint[])
                    AS x(a, l, ab, nl, ar, mn, mx, fl, ce, ef, et, u)""",
            at,
            [b.arrangement_id for b in bands],
            [b.lot_id for b in bands],
            [b.key.age_band for b in bands],
            [b.key.need_level for b in bands],
            [b.key.area or "" for b in bands],
            [b.min_age for b in bands],
            [b.max_age for b in bands],
            [b.floor_pence for b in bands],
            [b.ceiling_pence for b in bands],
            [b.period.starts_on for b in bands],
            [b.period.ends_on for b in bands],
            [b.uplift_id for b in bands],
        )
    )


async def continue_cards(
    cards: list[RateCard], effective_on: date, uplift_id: int, at: datetime, user_id: int | None
) -> dict[int, int]:
    """End each card the day before `effective_on` and insert its continuation from that day
    (same provider, lot and end), approved by the uplift; returns old id -> new id."""
    from datetime import timedelta

    if not cards:
        return {}
    ids = [c.id for c in cards]
    await DB.run_querystring(
        QueryString(
            "UPDATE rate_cards SET effective_to = {}, version = version + 1 WHERE id = ANY({}::bigint[])",
            effective_on - timedelta(days=1),
            ids,
        )
    )
    rows = await DB.run_querystring(
        QueryString(
            """INSERT INTO rate_cards (provider, arrangement, lot, status, effective_from, effective_to,
                   submitted_at, decided_at, decided_by, decision_note, previous, uplift, version)
               SELECT r.provider, r.arrangement, r.lot, 'approved', {}, x.old_to, {}, {}, {}, {}, r.id, {}, 1
               FROM rate_cards r JOIN unnest({}::bigint[], {}::date[]) AS x(id, old_to) ON r.id = x.id
               RETURNING id, previous""",
            effective_on,
            at,
            at,
            user_id,
            f"uplift {uplift_id}",
            uplift_id,
            ids,
            [c.period.ends_on for c in cards],
        )
    )
    return {row["previous"]: row["id"] for row in rows}


async def continue_lines(prices: list[tuple[int, int, int]]) -> None:
    """Copy each (old line id, new card id, new weekly price) onto the new card: one set-based
    statement for any number of lines (the rest of the row is copied from the old line)."""
    if not prices:
        return
    await DB.run_querystring(
        QueryString(
            """INSERT INTO rate_card_lines (rate_card, age_band, need_level, area, weekly_price_pence, position,
                   exception_justification, exception_status, exception_reason)
               SELECT x.card_id, l.age_band, l.need_level, l.area, x.price, l.position,
                      l.exception_justification, l.exception_status, l.exception_reason
               FROM unnest({}::bigint[], {}::bigint[], {}::bigint[]) AS x(line_id, card_id, price)
               JOIN rate_card_lines l ON l.id = x.line_id""",
            [line_id for line_id, _, _ in prices],
            [card_id for _, card_id, _ in prices],
            [price for _, _, price in prices],
        )
    )


async def insert_service_prices_bulk(rows: list[tuple[int, ServicePrice]]) -> None:
    if not rows:
        return
    await DB.run_querystring(
        QueryString(
            """INSERT INTO rate_card_services (rate_card, service, unit_price_pence)
               SELECT * FROM unnest({}::bigint[], {}::bigint[], {}::bigint[])""",
            [card_id for card_id, _ in rows],
            [s.service_id for _, s in rows],
            [s.unit_price_pence for _, s in rows],
        )
    )


# --- agreed fees (fed by tenders) ------------------------------------------------------------


async def insert_agreed_fee(
    *,
    authority_id: int,
    provider_id: int,
    lot_id: int,
    key: BandKey,
    weekly_fee_pence: int,
    start_on: date,
    end_on: date | None,
    source: str,
    source_id: int | None,
    rate_card_id: int | None,
    at: datetime,
) -> int:
    rows = await t.AgreedFee.insert(
        t.AgreedFee(
            authority=authority_id,
            provider=provider_id,
            lot=lot_id,
            age_band=key.age_band,
            need_level=key.need_level,
            area=key.area or "",
            weekly_fee_pence=weekly_fee_pence,
            start_on=start_on,
            end_on=end_on,
            source=source,
            source_id=source_id,
            rate_card=rate_card_id,
            created_at=at,
        )
    ).returning(t.AgreedFee.id)
    return int(rows[0]["id"])


async def agreed_fees_on(arrangement_id: int, on: date) -> list[AgreedFee]:
    """Fees of placements under the arrangement's lots that are live on `on`."""
    f = t.AgreedFee
    rows = await f.select(f.authority, f.provider, f.lot, f.age_band, f.need_level, f.area, f.weekly_fee_pence).where(
        (f.lot.arrangement == arrangement_id)  # type: ignore[attr-defined,union-attr]
        & (f.start_on <= on)
        & (f.end_on.is_null() | (f.end_on >= on))
    )
    return [
        AgreedFee(
            authority_id=r["authority"],
            provider_id=r["provider"],
            lot_id=r["lot"],
            key=BandKey(r["age_band"], r["need_level"], _area(r["area"])),
            weekly_fee_pence=r["weekly_fee_pence"],
        )
        for r in rows
    ]


async def provider_names(provider_ids: list[int]) -> dict[int, str]:
    from dps.accounts.tables import Provider

    if not provider_ids:
        return {}
    rows = await Provider.select(Provider.id, Provider.legal_name).where(Provider.id.is_in(provider_ids))
    return {r["id"]: r["legal_name"] for r in rows}


async def authority_names(authority_ids: list[int]) -> dict[int, str]:
    from dps.accounts.tables import Authority

    if not authority_ids:
        return {}
    rows = await Authority.select(Authority.id, Authority.name).where(Authority.id.is_in(authority_ids))
    return {r["id"]: r["name"] for r in rows}


async def arrangement_of_lot(lot_id: int) -> int:
    """The arrangement a lot belongs to (404 when the lot does not exist)."""
    from dps.frameworks.tables import Lot

    row = await Lot.select(Lot.arrangement).where(Lot.id == lot_id).first()
    if row is None:
        raise NotFound(f"lot {lot_id} does not exist", entity="lot")
    return int(row["arrangement"])


async def continue_agreed_fee(agreed_fee_id: int, weekly_fee_pence: int, from_day: date, at: datetime) -> int:
    """End an agreed fee the day before `from_day` and record the same placement's fee from that
    day at `weekly_fee_pence` (same council, provider, lot and band); returns the new record's id."""
    row = await one_row(
        t.AgreedFee,
        t.AgreedFee.id == agreed_fee_id,
        entity="agreed_fee",
        detail=f"agreed fee {agreed_fee_id} does not exist",
        for_update=True,
    )
    await t.AgreedFee.update({t.AgreedFee.end_on: from_day - timedelta(days=1)}).where(t.AgreedFee.id == agreed_fee_id)
    return await insert_agreed_fee(
        authority_id=row["authority"],
        provider_id=row["provider"],
        lot_id=row["lot"],
        key=BandKey(row["age_band"], row["need_level"], row["area"] or None),
        weekly_fee_pence=weekly_fee_pence,
        start_on=from_day,
        end_on=row["end_on"],
        source=row["source"],
        source_id=row["source_id"],
        rate_card_id=row["rate_card"],
        at=at,
    )


async def end_agreed_fee(agreed_fee_id: int, end_on: date) -> None:
    rows = (
        await t.AgreedFee.update({t.AgreedFee.end_on: end_on})
        .where(t.AgreedFee.id == agreed_fee_id)
        .returning(t.AgreedFee.id)
    )
    if not rows:
        raise NotFound(f"agreed fee {agreed_fee_id} does not exist", entity="agreed_fee")
