"""Placement figures for councils (DESIGN.md story 9)."""

from __future__ import annotations

from datetime import date, timedelta

from dps.core.auth import OrgKind
from dps.core.context import Context
from dps.core.errors import PermissionDenied, RuleViolation
from dps.tenders import repository
from dps.tenders.domain.reports import STABILITY_WINDOW_DAYS, CouncilFigures, council_figures

LONGEST_PERIOD_DAYS = 366 * 5


async def placement_report(ctx: Context, first: date, last: date, authority_id: int | None) -> list[CouncilFigures]:
    """A council's staff see their own council's figures; admins any council's, or every council's."""
    p = ctx.user
    if p.org_kind is OrgKind.AUTHORITY:
        if authority_id not in (None, p.org_id):
            raise PermissionDenied("you may only see your own council's placement figures")
        authority_id = p.org_id
    elif not p.is_admin:
        raise PermissionDenied("placement figures are for council staff")
    if (last - first).days > LONGEST_PERIOD_DAYS:
        raise RuleViolation("a report covers at most five years", code="period_too_long")
    since = min(first, last - timedelta(days=STABILITY_WINDOW_DAYS - 1))
    facts = await repository.placement_facts(authority_id, since, last)
    return council_figures(facts, first, last, councils=() if authority_id is None else (authority_id,))
