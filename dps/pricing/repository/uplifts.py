"""Uplift rows (`uplifts`) <-> `Uplift`, and the bulk writes that apply one to bands and rate cards."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row, update_versioned
from dps.pricing import tables as t
from dps.pricing.domain.bands import PriceBand
from dps.pricing.domain.rate_cards import RateCard, RateCardStatus, ServicePrice
from dps.pricing.domain.uplifts import IndexComponent, Uplift, UpliftMethod, UpliftStatus
from dps.pricing.repository._rows import _cards


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
