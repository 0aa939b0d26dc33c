"""The regional search for commissioners: settings by type, age, needs and grade, nearest first,
each saying whether (and why not) it may be invited in a lot."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from dps.accounts.domain import OfstedGrade
from dps.compliance import access, repository
from dps.compliance.domain.eligibility import Reason, SettingEligibility
from dps.compliance.domain.requirements import GRADE_RANK, grade_at_least
from dps.compliance.eligibility import _eligibility
from dps.compliance.repository import LotContext, SettingRow
from dps.core import geo
from dps.core.context import Context
from dps.core.errors import PermissionDenied

MAX_RADIUS_MILES = 300.0
# With `eligible_only` the nearest candidates are fetched in a larger batch before the ineligible
# are dropped, so a page is rarely short.
ELIGIBLE_ONLY_OVERFETCH = 4


@dataclass(frozen=True, slots=True)
class SearchResult:
    setting: SettingRow
    distance_miles: float | None
    eligibility: SettingEligibility | None


def grades_at_least(minimum: OfstedGrade) -> list[str]:
    """Every grade as good as `minimum` on its scale (Outstanding/Good/... or SA outcomes 1-3)."""
    return sorted(g.value for g in GRADE_RANK if grade_at_least(g, minimum))


async def search_settings(
    ctx: Context,
    *,
    near: str | None,
    radius_miles: float | None,
    setting_types: Collection[str],
    age: int | None,
    needs: Collection[str],
    min_grade: OfstedGrade | None,
    lot_id: int | None,
    eligible_only: bool,
    limit: int,
) -> list[SearchResult]:
    """Settings matching every filter, nearest first from a postcode or district (straight line on
    the OS grid, in miles); with a lot, only its members' settings, each with its eligibility."""
    access.require_search(ctx.user)
    if lot_id is not None:
        # Eligibility names live concerns and failed checks: only the arrangement's councils see it.
        _require_lot_council(ctx, await repository.lot_context(lot_id))
    origin = await asyncio.to_thread(geo.default_directory().locate, near) if near else None
    fetch = limit * ELIGIBLE_ONLY_OVERFETCH if (eligible_only and lot_id is not None) else limit
    hits = await repository.search_settings(
        easting=origin.easting if origin else None,
        northing=origin.northing if origin else None,
        radius_m=radius_miles * geo.METRES_PER_MILE if (origin and radius_miles is not None) else None,
        setting_types=setting_types,
        age=age,
        needs=needs,
        grades=grades_at_least(min_grade) if min_grade is not None else None,
        lot_id=lot_id,
        limit=fetch,
    )
    verdicts: dict[int, SettingEligibility] = {}
    if lot_id is not None and hits:
        verdicts = {
            e.setting_id: e
            for e in await _eligibility(
                lot_id,
                ctx.clock.now(),
                child_age=age,
                needs=needs,
                setting_types=setting_types,
                min_grade=min_grade.value if min_grade else None,
                only_settings=[h.setting.facts.setting_id for h in hits],
            )
        }
    results = []
    for hit in hits:
        verdict = verdicts.get(hit.setting.facts.setting_id)
        if lot_id is not None and verdict is None:
            verdict = SettingEligibility(
                hit.setting.facts.setting_id,
                hit.setting.facts.provider_id,
                None,
                False,
                (Reason("no_membership", "the provider is not a member of this lot"),),
            )
        if eligible_only and verdict is not None and not verdict.eligible:
            continue
        miles = hit.distance_m / geo.METRES_PER_MILE if hit.distance_m is not None else None
        results.append(SearchResult(hit.setting, round(miles, 2) if miles is not None else None, verdict))
    return results[:limit]


def _require_lot_council(ctx: Context, lot: LotContext) -> None:
    """Staff of the lead and member councils of the lot's arrangement, and admins."""
    p = ctx.user
    if not (p.is_admin or (p.is_authority_staff and p.org_id in {lot.lead_authority_id, *lot.member_authority_ids})):
        raise PermissionDenied("only councils taking part in the arrangement see its eligibility")


async def lot_eligibility(
    ctx: Context,
    lot_id: int,
    *,
    child_age: int | None,
    needs: Collection[str],
    setting_types: Collection[str],
    min_grade: OfstedGrade | None,
) -> list[SettingEligibility]:
    """Who may be invited to a call-off in this lot now, and why not (staff of the lead and member
    councils, admins)."""
    _require_lot_council(ctx, await repository.lot_context(lot_id))
    return await _eligibility(
        lot_id,
        ctx.clock.now(),
        child_age=child_age,
        needs=needs,
        setting_types=setting_types,
        min_grade=min_grade.value if min_grade else None,
    )
