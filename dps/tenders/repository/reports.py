"""Placement facts for the reports, read from `placements` (a replica may serve them)."""

from __future__ import annotations

from datetime import date

from dps.core import replica
from dps.tenders import tables as t
from dps.tenders.domain.reports import PlacementFact
from dps.tenders.repository._rows import _fee_schedule


async def placement_facts(
    authority_id: int | None, since: date, until: date, *, arrangement_id: int | None = None
) -> list[PlacementFact]:
    """Placements that occupied any day from `since` to `until`, of one council or all; with
    `arrangement_id`, only those placed under that arrangement's lots."""
    p = t.Placement
    query = p.select(
        p.fee_schedule,
        p.off_framework,
        p.id,
        p.previous_placement_id,
        p.authority,
        p.start_date,
        p.ended_on,
        p.ending_kind,
        p.ending_reason,
        p.weekly_fee_pence,
        p.out_of_area,
        p.over_20_miles,
    ).where((p.start_date <= until) & (p.ended_on.is_null() | (p.ended_on > since)))
    if authority_id is not None:
        query = query.where(p.authority == authority_id)
    if arrangement_id is not None:
        query = query.where(p.lot.arrangement == arrangement_id)  # type: ignore[attr-defined,union-attr]
    return [
        PlacementFact(
            id=r["id"],
            previous_placement_id=r["previous_placement_id"],
            authority_id=r["authority"],
            start_date=r["start_date"],
            ended_on=r["ended_on"],
            unplanned=r["ending_kind"] == "unplanned",
            weekly_fee_pence=r["weekly_fee_pence"],
            out_of_area=r["out_of_area"],
            over_20_miles=r["over_20_miles"],
            fees=_fee_schedule(r["fee_schedule"]),
            off_framework=r["off_framework"],
            ending_reason=r["ending_reason"],
        )
        for r in await query.order_by(p.id).run(node=replica.node())  # lag-tolerant: a replica may serve it
    ]
