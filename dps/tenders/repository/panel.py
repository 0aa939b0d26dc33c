"""A call-off's evaluation panel (`call_off_evaluators`) <-> `PanelMember`, and what each member marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.core.codes import CommonCode
from dps.core.db import DB
from dps.core.errors import Conflict
from dps.core.evaluation import Mark
from dps.tenders import tables as t
from dps.tenders.domain.call_offs import CallOff
from dps.tenders.domain.offers import OfferStatus
from dps.tenders.domain.panel import PanelMember
from dps.tenders.repository._rows import _call_off


def _panel_member(r: dict[str, Any]) -> PanelMember:
    return PanelMember(
        evaluator_id=r["evaluator"],
        assigned_by=r["assigned_by"],
        assigned_at=r["assigned_at"],
        released_at=r["released_at"],
        released_by=r["released_by"],
        release_reason=r["release_reason"],
    )


async def panel_of(call_off_id: int) -> list[PanelMember]:
    """The call-off's evaluators in the order they were assigned."""
    e = t.CallOffEvaluator
    rows = await e.select().where(e.call_off == call_off_id).order_by(e.id)
    return [_panel_member(r) for r in rows]


async def call_offs_on_panel(evaluator_id: int) -> list[CallOff]:
    """The call-offs whose panel the evaluator sits on and was not released from, by id."""
    e = t.CallOffEvaluator
    sitting = e.select(e.call_off).where((e.evaluator == evaluator_id) & e.released_at.is_null())
    rows = await t.CallOff.select().where(t.CallOff.id.is_in(sitting)).order_by(t.CallOff.id)  # type: ignore[arg-type]
    return [_call_off(r) for r in rows]


async def insert_panel_members(call_off_id: int, members: Sequence[PanelMember]) -> None:
    if not members:
        return
    try:
        await t.CallOffEvaluator.insert(
            *[
                t.CallOffEvaluator(
                    call_off=call_off_id, evaluator=m.evaluator_id, assigned_by=m.assigned_by, assigned_at=m.assigned_at
                )
                for m in members
            ]
        )
    except UniqueViolationError as error:
        raise Conflict("this evaluator is already on the panel", code=CommonCode.ALREADY_ASSIGNED) from error


async def save_panel_release(call_off_id: int, member: PanelMember) -> None:
    e = t.CallOffEvaluator
    await e.update(
        {e.released_at: member.released_at, e.released_by: member.released_by, e.release_reason: member.release_reason}
    ).where((e.call_off == call_off_id) & (e.evaluator == member.evaluator_id))


async def marked_offers(call_off_id: int) -> dict[int, set[int]]:
    """Per evaluator, the offers of this call-off they have marked (their own marks, not moderation)."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT DISTINCT m.evaluator, m.offer FROM offer_marks m JOIN offers o ON o.id = m.offer "
            "WHERE o.call_off = {} AND NOT m.moderated",
            call_off_id,
        )
    )
    result: dict[int, set[int]] = {}
    for r in rows:
        result.setdefault(r["evaluator"], set()).add(r["offer"])
    return result


async def submitted_offer_ids(call_off_id: int) -> list[int]:
    rows = await t.Offer.select(t.Offer.id).where(
        (t.Offer.call_off == call_off_id) & (t.Offer.status == OfferStatus.SUBMITTED.value)
    )
    return sorted(r["id"] for r in rows)


async def evaluator_marks(call_off_id: int, evaluator_id: int) -> dict[int, list[Mark]]:
    """One evaluator's own marks on the call-off's offers, per offer."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT m.offer, m.question_id, m.score, m.passed, m.rationale FROM offer_marks m "
            "JOIN offers o ON o.id = m.offer WHERE o.call_off = {} AND m.evaluator = {} AND NOT m.moderated "
            "ORDER BY m.offer, m.question_id",
            call_off_id,
            evaluator_id,
        )
    )
    result: dict[int, list[Mark]] = {}
    for r in rows:
        result.setdefault(r["offer"], []).append(Mark(r["question_id"], r["score"], r["passed"], r["rationale"]))
    return result


@dataclass(frozen=True, slots=True)
class OfferMarkRow:
    evaluator_id: int
    mark: Mark
    moderated: bool


async def marks_of_offer(offer_id: int) -> list[OfferMarkRow]:
    """Every mark on one offer (evaluators' and the moderator's), oldest first."""
    m = t.OfferMark
    rows = await m.select().where(m.offer == offer_id).order_by(m.id)
    return [
        OfferMarkRow(r["evaluator"], Mark(r["question_id"], r["score"], r["passed"], r["rationale"]), r["moderated"])
        for r in rows
    ]
