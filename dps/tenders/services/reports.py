"""Placement figures for councils (DESIGN.md story 9), and for a consortium's lead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dps.core.auth import OrgKind
from dps.core.context import Context
from dps.core.errors import PermissionDenied, RuleViolation
from dps.frameworks import public as frameworks
from dps.frameworks.public import may_manage_arrangement
from dps.tenders import repository
from dps.tenders.codes import TenderCode
from dps.tenders.domain.reports import (
    STABILITY_WINDOW_DAYS,
    CouncilFigures,
    consortium_total,
    council_figures,
    unplanned_endings_by_reason,
)

LONGEST_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True, slots=True)
class PlacementReport:
    councils: list[CouncilFigures]
    consortium: CouncilFigures | None  # the whole consortium, for its lead's officers
    # Each council's unplanned endings in the period by reason code (councils with none are absent).
    unplanned_by_reason: dict[int, dict[str, int]] = field(default_factory=dict)


def _check_period(first: date, last: date) -> date:
    if (last - first).days > LONGEST_PERIOD_DAYS:
        raise RuleViolation("a report covers at most five years", code=TenderCode.PERIOD_TOO_LONG)
    return min(first, last - timedelta(days=STABILITY_WINDOW_DAYS - 1))


async def placement_report(
    ctx: Context, first: date, last: date, authority_id: int | None, arrangement_id: int | None = None
) -> PlacementReport:
    """A council's staff see their own council's figures; admins any council's, or every council's.
    With `arrangement_id`, the placements made under that arrangement: the lead authority's
    procurement officers (and admins) see every member council's figures and the consortium's
    total; a member council's staff their own council's only."""
    if arrangement_id is not None:
        return await _arrangement_report(ctx, first, last, authority_id, arrangement_id)
    p = ctx.user
    if p.org_kind is OrgKind.AUTHORITY:
        if authority_id not in (None, p.org_id):
            raise PermissionDenied("you may only see your own council's placement figures")
        authority_id = p.org_id
    elif not p.is_admin:
        raise PermissionDenied("placement figures are for council staff")
    since = _check_period(first, last)
    facts = await repository.placement_facts(authority_id, since, last)
    figures = council_figures(facts, first, last, councils=() if authority_id is None else (authority_id,))
    return PlacementReport(figures, None, unplanned_endings_by_reason(facts, first, last))


async def _arrangement_report(
    ctx: Context, first: date, last: date, authority_id: int | None, arrangement_id: int
) -> PlacementReport:
    p = ctx.user
    arrangement = await frameworks.get_arrangement_row(arrangement_id)
    members = {arrangement.lead_authority_id, *arrangement.member_authority_ids}
    lead = may_manage_arrangement(p, arrangement)
    if lead:
        if authority_id is not None and authority_id not in members:
            raise PermissionDenied("that council is not a member of this arrangement")
        councils = (authority_id,) if authority_id is not None else tuple(sorted(members))
    elif p.org_kind is OrgKind.AUTHORITY and p.org_id in members:
        if authority_id not in (None, p.org_id):
            raise PermissionDenied(
                "only the lead authority's officers see other member councils' figures",
                code=TenderCode.NOT_THE_LEAD_AUTHORITY,
            )
        councils = (p.org_id,)
    else:
        raise PermissionDenied("placement figures of an arrangement are for its councils' staff")
    since = _check_period(first, last)
    facts = await repository.placement_facts(
        councils[0] if len(councils) == 1 else None, since, last, arrangement_id=arrangement_id
    )
    figures = [f for f in council_figures(facts, first, last, councils=councils) if f.authority_id in councils]
    reasons = {a: r for a, r in unplanned_endings_by_reason(facts, first, last).items() if a in councils}
    return PlacementReport(figures, consortium_total(figures) if lead and authority_id is None else None, reasons)
