"""Evaluators' marks on offers (`offer_marks`) and the offers' scores (`offer_scores`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.errors import Conflict
from dps.core.evaluation import Mark
from dps.tenders import tables as t
from dps.tenders.codes import TenderCode
from dps.tenders.domain.offers import OfferScore


async def insert_marks(offer_id: int, user_id: int, marks: Sequence[Mark], *, moderated: bool, at: datetime) -> None:
    try:
        await t.OfferMark.insert(
            *[
                t.OfferMark(
                    offer=offer_id,
                    evaluator=user_id,
                    question_id=m.criterion_id,
                    score=m.score,
                    passed=m.passed,
                    rationale=m.rationale.strip(),
                    moderated=moderated,
                    marked_at=at,
                )
                for m in marks
            ]
        )
    except UniqueViolationError as error:
        raise Conflict("these questions are already marked for this offer", code=TenderCode.ALREADY_MARKED) from error


async def delete_moderated_marks(offer_id: int, question_ids: Sequence[int]) -> None:
    await t.OfferMark.delete().where(
        (t.OfferMark.offer == offer_id)
        & t.OfferMark.moderated.eq(True)
        & t.OfferMark.question_id.is_in(list(question_ids))
    )


@dataclass(frozen=True, slots=True)
class CallOffMarks:
    evaluator_marks: dict[int, dict[int, list[Mark]]]  # offer -> evaluator -> marks
    moderated: dict[int, dict[int, Mark]]  # offer -> question -> mark


async def marks_of(call_off_id: int) -> CallOffMarks:
    """Every mark on the call-off's offers, in one query (oldest first)."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT m.offer, m.evaluator, m.question_id, m.score, m.passed, m.rationale, m.moderated "
            "FROM offer_marks m JOIN offers o ON o.id = m.offer WHERE o.call_off = {} ORDER BY m.id",
            call_off_id,
        )
    )
    evaluator_marks: dict[int, dict[int, list[Mark]]] = {}
    moderated: dict[int, dict[int, Mark]] = {}
    for r in rows:
        mark = Mark(r["question_id"], r["score"], r["passed"], r["rationale"])
        if r["moderated"]:
            moderated.setdefault(r["offer"], {})[r["question_id"]] = mark
        else:
            evaluator_marks.setdefault(r["offer"], {}).setdefault(r["evaluator"], []).append(mark)
    return CallOffMarks(evaluator_marks, moderated)


@dataclass(frozen=True, slots=True)
class OfferToScore:
    """What scoring reads of one submitted offer: no content beyond the fee."""

    offer_id: int
    provider_id: int
    setting_id: int
    weekly_fee_pence: int
    updated_at: datetime
    distance_miles: Decimal | None
    additional_services_pence: int = 0
    preferred_needs_met: int = 0


async def offers_to_score(call_off_id: int, offer_ids: Sequence[int] | None = None) -> list[OfferToScore]:
    """The submitted offers of a call-off (or only `offer_ids` of them) with each setting's distance
    from the child's home, in one query, in offer id order; the fee is the second round's where
    one was given."""
    sql = (
        "SELECT o.id, o.provider, o.setting, COALESCE(o.revised_fee_pence, o.weekly_fee_pence) AS weekly_fee_pence, "
        "o.updated_at, i.distance_miles, "
        "(SELECT COALESCE(sum((s.value->>'weekly_fee_pence')::bigint), 0) "
        " FROM jsonb_array_elements(o.additional_services) AS s) AS additional_services_pence, "
        "COALESCE(cardinality(i.preferred_needs_met), 0) AS preferred_needs_met "
        "FROM offers o LEFT JOIN call_off_invitations i ON i.call_off = o.call_off AND i.setting = o.setting "
        "WHERE o.call_off = {} AND o.status = 'submitted'"
    )
    args: list[Any] = [call_off_id]
    if offer_ids is not None:
        sql += " AND o.id = ANY({}::bigint[])"
        args.append(list(offer_ids))
    rows = await DB.run_querystring(QueryString(sql + " ORDER BY o.id", *args))
    return [
        OfferToScore(
            r["id"],
            r["provider"],
            r["setting"],
            r["weekly_fee_pence"],
            r["updated_at"],
            r["distance_miles"],
            int(r["additional_services_pence"]),
            int(r["preferred_needs_met"]),
        )
        for r in rows
    ]


_UPSERT_SCORES = """
INSERT INTO offer_scores (offer, failed_gateways, quality_percent, quality_score, price_score, proximity_score,
                          total, rank)
SELECT s.offer,
       COALESCE((SELECT array_agg(e.g::integer ORDER BY e.n)
                 FROM jsonb_array_elements_text(s.failed::jsonb) WITH ORDINALITY AS e(g, n)), ARRAY[]::integer[]),
       s.quality_percent, s.quality_score, s.price_score, s.proximity_score, s.total, s.rank
FROM unnest({}::bigint[], {}::text[], {}::numeric[], {}::numeric[], {}::numeric[], {}::numeric[], {}::numeric[],
       {}::integer[]) AS s(offer, failed, quality_percent, quality_score, price_score, proximity_score, total, rank)
ON CONFLICT (offer) DO UPDATE SET failed_gateways = EXCLUDED.failed_gateways,
    quality_percent = EXCLUDED.quality_percent, quality_score = EXCLUDED.quality_score,
    price_score = EXCLUDED.price_score, proximity_score = EXCLUDED.proximity_score, total = EXCLUDED.total,
    rank = EXCLUDED.rank
"""


async def save_scores(scores: Sequence[OfferScore]) -> None:
    """Write (or replace) every offer's score in one statement."""
    if not scores:
        return
    await DB.run_querystring(
        QueryString(
            _UPSERT_SCORES,
            [s.offer_id for s in scores],
            [msgspec.json.encode(list(s.failed_gateways)).decode() for s in scores],
            [s.quality_percent for s in scores],
            [s.quality_score for s in scores],
            [s.price_score for s in scores],
            [s.proximity_score for s in scores],
            [s.total for s in scores],
            [s.rank for s in scores],
        )
    )


async def delete_scores(call_off_id: int) -> None:
    """Forget the call-off's scores (its evaluation was reopened; evaluating again writes them)."""
    await DB.run_querystring(
        QueryString("DELETE FROM offer_scores WHERE offer IN (SELECT id FROM offers WHERE call_off = {})", call_off_id)
    )


async def scores_of(call_off_id: int) -> dict[int, OfferScore]:
    s = t.OfferScore
    rows = await s.select().where(s.offer.call_off == call_off_id)
    return {
        r["offer"]: OfferScore(
            r["offer"],
            tuple(r["failed_gateways"]),
            r["quality_percent"],
            r["quality_score"],
            r["price_score"],
            r["proximity_score"],
            r["total"],
            r["rank"],
        )
        for r in rows
    }


async def awarded_providers(call_off_ids: Sequence[int]) -> dict[int, int]:
    """The provider of each call-off's awarded offer (call-offs without an award are left out)."""
    if not call_off_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            "SELECT c.id, o.provider FROM call_offs c JOIN offers o ON o.id = c.awarded_offer_id "
            "WHERE c.id = ANY({}::bigint[])",
            list(call_off_ids),
        )
    )
    return {r["id"]: r["provider"] for r in rows}
