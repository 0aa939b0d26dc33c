"""Placement rows (`placements`) <-> `Placement`: made when a call-off concludes, fee changes, endings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.rows import json_text, one_row, update_versioned
from dps.tenders import tables as t
from dps.tenders.domain.placements import EndingKind, Placement, UnplannedReason, reference_of_call_off
from dps.tenders.repository._rows import _fee_schedule


def _placement(r: dict[str, Any]) -> Placement:
    return Placement(
        id=r["id"],
        call_off_id=r["call_off"],
        previous_placement_id=r["previous_placement_id"],
        authority_id=r["authority"],
        provider_id=r["provider"],
        setting_id=r["setting"],
        home_district=r["home_district"],
        start_date=r["start_date"],
        weekly_fee_pence=r["weekly_fee_pence"],
        distance_miles=r["distance_miles"],
        out_of_area=r["out_of_area"],
        over_20_miles=r["over_20_miles"],
        ended_on=r["ended_on"],
        ending_kind=EndingKind(r["ending_kind"]) if r["ending_kind"] else None,
        ending_reason=UnplannedReason(r["ending_reason"]) if r["ending_reason"] else None,
        ending_note=r["ending_note"],
        version=r["version"],
        agreed_fee_id=r["agreed_fee_id"],
        fees=_fee_schedule(r["fee_schedule"]),
        child_reference=r["child_reference"],
        lot_id=r["lot"],
        age_band=r["age_band"],
        need_level=r["need_level"],
        off_framework=r["off_framework"],
        off_framework_reason=r["off_framework_reason"],
    )


async def insert_placement(p: Placement, at: datetime) -> Placement:
    rows = await t.Placement.insert(
        t.Placement(
            call_off=p.call_off_id,
            previous_placement_id=p.previous_placement_id,
            authority=p.authority_id,
            provider=p.provider_id,
            setting=p.setting_id,
            home_district=p.home_district,
            start_date=p.start_date,
            weekly_fee_pence=p.weekly_fee_pence,
            distance_miles=p.distance_miles,
            out_of_area=p.out_of_area,
            over_20_miles=p.over_20_miles,
            created_at=at,
            fee_schedule=json_text(p.fee_schedule()),
            child_reference=p.child_reference,
            lot=p.lot_id,
            age_band=p.age_band,
            need_level=p.need_level,
            off_framework=p.off_framework,
            off_framework_reason=p.off_framework_reason,
        )
    ).returning(*t.Placement.all_columns())
    return _placement(rows[0])


async def get_placement(placement_id: int, *, for_update: bool = False) -> Placement:
    """The placement's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Placement,
        t.Placement.id == placement_id,
        entity="placement",
        detail=f"placement {placement_id} does not exist",
        for_update=for_update,
    )
    return _placement(row)


async def set_agreed_fee(placement_id: int, agreed_fee_id: int) -> None:
    """Link a placement to pricing's record of its fee (bookkeeping: the placement's version stays)."""
    await t.Placement.update({t.Placement.agreed_fee_id: agreed_fee_id}).where(t.Placement.id == placement_id)


async def origin_call_off_id(placement_id: int) -> int | None:
    """The call-off a placement came from, following moves back to the first placement."""
    rows = await DB.run_querystring(
        QueryString(
            "WITH RECURSIVE chain AS (SELECT id, call_off, previous_placement_id, 0 AS depth FROM placements "
            "WHERE id = {} UNION ALL SELECT p.id, p.call_off, p.previous_placement_id, c.depth + 1 "
            "FROM placements p JOIN chain c ON p.id = c.previous_placement_id WHERE c.depth < 1000) "
            "SELECT call_off FROM chain WHERE call_off IS NOT NULL LIMIT 1",
            placement_id,
        )
    )
    return int(rows[0]["call_off"]) if rows else None


async def placement_of_call_off(call_off_id: int) -> Placement | None:
    row = await t.Placement.select().where(t.Placement.call_off == call_off_id).first()
    return _placement(row) if row else None


async def save_placement_fee(before: Placement, after: Placement) -> None:
    p = t.Placement
    await update_versioned(
        p,
        before.id,
        before.version,
        {
            p.weekly_fee_pence: after.weekly_fee_pence,
            p.fee_schedule: json_text(after.fee_schedule()),
            p.agreed_fee_id: after.agreed_fee_id,
            p.version: after.version,
        },
    )


async def set_placement_navigation(
    placement_id: int, child_reference: str | None, lot_id: int | None, age_band: str | None, need_level: str | None
) -> None:
    """Record what a placement is found by: the child's reference, the lot and the band
    (bookkeeping when the placement starts: its version stays)."""
    p = t.Placement
    await p.update(
        {p.child_reference: child_reference, p.lot: lot_id, p.age_band: age_band, p.need_level: need_level}
    ).where(p.id == placement_id)


async def save_placement_ending(before: Placement, after: Placement) -> None:
    p = t.Placement
    await update_versioned(
        p,
        before.id,
        before.version,
        {
            p.ended_on: after.ended_on,
            p.ending_kind: after.ending_kind.value if after.ending_kind else None,
            p.ending_reason: after.ending_reason.value if after.ending_reason else None,
            p.ending_note: after.ending_note,
            p.version: after.version,
        },
    )


async def list_placements(
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    provider_id: int | None,
    live_on: date | None,
    ended_by: date | None,
    child_reference: str | None = None,
    call_off_id: int | None = None,
) -> Page[Placement]:
    """Placements in id order; `live_on` keeps those not ended by that day, `ended_by` those ended
    by it; `call_off_id` those of the child that call-off placed (its placement and every move)."""
    p = t.Placement
    query = p.select().where(p.id > after_id)
    if authority_id is not None:
        query = query.where(p.authority == authority_id)
    if child_reference is not None:
        query = query.where(p.child_reference == child_reference)
    if call_off_id is not None:
        query = query.where((p.call_off == call_off_id) | (p.child_reference == reference_of_call_off(call_off_id)))
    if provider_id is not None:
        query = query.where(p.provider == provider_id)
    if live_on is not None:
        query = query.where(p.ended_on.is_null() | (p.ended_on > live_on))
    if ended_by is not None:
        query = query.where(p.ended_on <= ended_by)
    rows = await query.order_by(p.id).limit(limit + 1)
    return page_of([_placement(r) for r in rows], limit)


async def has_successor(placement_id: int) -> bool:
    """Whether a placement was followed by another (the child was moved from it)."""
    p = t.Placement
    return await p.exists().where(p.previous_placement_id == placement_id)
