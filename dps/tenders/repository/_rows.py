"""Row helpers shared by the tenders repository modules: the call-off row (offers read it too) and a
placement's fee schedule (placements and reports)."""

from __future__ import annotations

from typing import Any

import msgspec

from dps.core.rows import json_value
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, ChildProfile, Criteria
from dps.tenders.domain.placements import FeeFrom


def _call_off(row: dict[str, Any]) -> CallOff:
    return CallOff(
        id=row["id"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        authority_id=row["authority"],
        created_by=row["created_by"],
        title=row["title"],
        child=msgspec.convert(json_value(row["child"]), ChildProfile),
        criteria=msgspec.convert(json_value(row["criteria"]), Criteria),
        deadline=row["deadline"],
        urgent_reason=row["urgent_reason"],
        status=CallOffStatus(row["status"]),
        status_reason=row["status_reason"],
        published_at=row["published_at"],
        closed_at=row["closed_at"],
        awarded_offer_id=row["awarded_offer_id"],
        award_reason=row["award_reason"],
        awarded_at=row["awarded_at"],
        standstill_ends_at=row["standstill_ends_at"],
        concluded_at=row["concluded_at"],
        version=row["version"],
        second_round_size=row["second_round_size"],
        second_round_deadline=row["second_round_deadline"],
        second_round_scored_at=row["second_round_scored_at"],
    )


def _fee_schedule(raw: Any) -> tuple[FeeFrom, ...]:
    return msgspec.convert(json_value(raw), tuple[FeeFrom, ...]) if raw else ()
