"""Call-off rows (`call_offs`) <-> `CallOff`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dps.core.pagination import Page, page_of
from dps.core.rows import Lock, json_text, one_row, update_versioned
from dps.tenders import tables as t
from dps.tenders.domain.call_offs import CallOff, CallOffStatus
from dps.tenders.repository._rows import _call_off


def _call_off_values(c: CallOff) -> dict[Any, Any]:
    x = t.CallOff
    return {
        x.title: c.title,
        x.child: json_text(c.child),
        x.criteria: json_text(c.criteria),
        x.deadline: c.deadline,
        x.urgent_reason: c.urgent_reason,
        x.status: c.status.value,
        x.status_reason: c.status_reason,
        x.published_at: c.published_at,
        x.closed_at: c.closed_at,
        x.awarded_offer_id: c.awarded_offer_id,
        x.award_reason: c.award_reason,
        x.awarded_at: c.awarded_at,
        x.standstill_ends_at: c.standstill_ends_at,
        x.concluded_at: c.concluded_at,
        x.second_round_size: c.second_round_size,
        x.second_round_deadline: c.second_round_deadline,
        x.second_round_scored_at: c.second_round_scored_at,
        x.version: c.version,
    }


async def insert_call_off(c: CallOff, at: datetime) -> CallOff:
    values = {column._meta.name: value for column, value in _call_off_values(c).items()}
    rows = await t.CallOff.insert(
        t.CallOff(
            **values,
            arrangement=c.arrangement_id,
            lot=c.lot_id,
            authority=c.authority_id,
            created_by=c.created_by,
            created_at=at,
        )
    ).returning(*t.CallOff.all_columns())
    return _call_off(rows[0])


async def get_call_off(call_off_id: int, *, lock: Lock | None = None) -> CallOff:
    """One call-off; `lock` "UPDATE" or "SHARE" takes that row lock for the transaction."""
    row = await one_row(
        t.CallOff,
        t.CallOff.id == call_off_id,
        entity="call_off",
        detail=f"call-off {call_off_id} does not exist",
        lock=lock,
    )
    return _call_off(row)


async def update_call_off(before: CallOff, after: CallOff) -> None:
    """Write `after` only if the row is still at `before.version` (no lost update)."""
    await update_versioned(t.CallOff, before.id, before.version, _call_off_values(after))


async def list_call_offs(
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    invited_provider_id: int | None,
    status: CallOffStatus | None,
) -> Page[CallOff]:
    x = t.CallOff
    query = x.select().where(x.id > after_id)
    if authority_id is not None:
        query = query.where(x.authority == authority_id)
    if invited_provider_id is not None:
        invited = (
            t.Invitation.select(t.Invitation.call_off)
            .where((t.Invitation.provider == invited_provider_id) & (t.Invitation.invited.eq(True)))
            .distinct()
        )
        query = query.where(x.id.is_in(invited))  # type: ignore[arg-type]
    if status is not None:
        query = query.where(x.status == status.value)
    rows = await query.order_by(x.id).limit(limit + 1)
    return page_of([_call_off(r) for r in rows], limit)
