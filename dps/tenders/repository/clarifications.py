"""Clarification rows (`call_off_clarifications`) <-> `Clarification`: providers' questions on a call-off and the
answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dps.core.rows import one_row
from dps.tenders import tables as t
from dps.tenders.domain.clarifications import Clarification


def _clarification(r: dict[str, Any]) -> Clarification:
    return Clarification(
        r["id"], r["call_off"], r["provider"], r["question"], r["asked_at"], r["answer"], r["answered_at"]
    )


async def insert_clarification(call_off_id: int, provider_id: int, question: str, at: datetime) -> Clarification:
    rows = await t.Clarification.insert(
        t.Clarification(call_off=call_off_id, provider=provider_id, question=question, asked_at=at)
    ).returning(*t.Clarification.all_columns())
    return _clarification(rows[0])


async def get_clarification(call_off_id: int, clarification_id: int, *, for_update: bool = False) -> Clarification:
    c = t.Clarification
    row = await one_row(
        c,
        (c.id == clarification_id) & (c.call_off == call_off_id),
        entity="clarification",
        detail=f"clarification {clarification_id} does not exist",
        for_update=for_update,
    )
    return _clarification(row)


async def answer_clarification(clarification_id: int, answer: str, at: datetime) -> None:
    await t.Clarification.update({t.Clarification.answer: answer, t.Clarification.answered_at: at}).where(
        t.Clarification.id == clarification_id
    )


async def list_clarifications(call_off_id: int, *, provider_id: int | None) -> list[Clarification]:
    """All of a call-off's clarifications, or what a provider may see: its own and every answered one."""
    c = t.Clarification
    query = c.select().where(c.call_off == call_off_id)
    if provider_id is not None:
        query = query.where((c.provider == provider_id) | c.answer.is_not_null())
    return [_clarification(r) for r in await query.order_by(c.id)]
