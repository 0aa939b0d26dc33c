"""The deadlines view: what falls due for the caller's organisation, from the data that exists now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dps.compliance.public import renewed_evidence_ids
from dps.core.auth import OrgKind
from dps.core.context import Context
from dps.core.dates import months_after, uk_date
from dps.core.deadlines import EntityType
from dps.frameworks.public import get_profile
from dps.scheduler import repository
from dps.scheduler.domain import TERM_REMINDER_MONTHS, DeadlineKind
from dps.scheduler.domain_compliance import EVIDENCE_REMINDER_DAYS
from dps.scheduler.rules_frameworks import calendar_of

# How far ahead the view looks: for arrangement term ends and expiring evidence, the first
# reminder's distance (6 months; 30 days).
TERM_HORIZON_MONTHS = max(TERM_REMINDER_MONTHS)
EVIDENCE_HORIZON = timedelta(days=max(EVIDENCE_REMINDER_DAYS))


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    entity_type: EntityType
    entity_id: int
    title: str
    due_on: date
    days_left: int  # calendar days; negative once past
    working_days_left: int | None  # on the lead authority's calendar, for decisions
    overdue: bool
    link_path: str


async def my_deadlines(ctx: Context) -> list[Deadline]:
    """Council staff: decisions due on applications to arrangements their council leads, term ends
    within 6 months of arrangements it leads or joins, evidence of their arrangements' members
    expiring within 30 days, their call-offs' offer deadlines and standstill ends, and their
    placements' recorded ends still to come. Providers: their own applications' decision dates,
    the ends of arrangements they hold a live membership of, their evidence expiring within 30
    days, the offer deadlines of call-offs they are invited to and their placements' ends.
    Admins: all. Soonest first."""
    user = ctx.require_signed_in()
    today = uk_date(ctx.clock.now())
    authority_id = user.org_id if user.org_kind is OrgKind.AUTHORITY else None
    provider_id = user.org_id if user.org_kind is OrgKind.PROVIDER else None
    found: list[Deadline] = []

    for application in await repository.live_applications(lead_authority_id=authority_id, provider_id=provider_id):
        due = application.facts.decision_due_on
        assert due is not None  # the query keeps only applications with a due date
        calendar = calendar_of(application.profile_code, application.region)
        found.append(
            Deadline(
                kind=DeadlineKind.APPLICATION_DECISION,
                entity_type=EntityType.APPLICATION,
                entity_id=application.facts.id,
                title=f"Decision on application {application.facts.id} to {application.arrangement_title}",
                due_on=due,
                days_left=(due - today).days,
                working_days_left=calendar.working_days_left(today, due),
                overdue=today > due,
                link_path=f"/api/v1/applications/{application.facts.id}",
            )
        )

    horizon = months_after(today, TERM_HORIZON_MONTHS)
    for arrangement in await repository.arrangements_ending(
        horizon, authority_id=authority_id, provider_id=provider_id
    ):
        fixed = get_profile(arrangement.profile_code).fixed_end_date
        last_day = min(arrangement.term_end, fixed) if fixed else arrangement.term_end
        found.append(
            Deadline(
                kind=DeadlineKind.ARRANGEMENT_TERM_END,
                entity_type=EntityType.ARRANGEMENT,
                entity_id=arrangement.id,
                title=f"{arrangement.title} ends",
                due_on=last_day,
                days_left=(last_day - today).days,
                working_days_left=None,
                overdue=last_day < today,
                link_path=f"/api/v1/arrangements/{arrangement.id}",
            )
        )

    scope = {"authority_id": authority_id, "provider_id": provider_id}
    expiring = await repository.evidence_expiring(today + EVIDENCE_HORIZON, today, **scope)
    renewed = await renewed_evidence_ids([i.entity_id for i in expiring])
    items = [i for i in expiring if i.entity_id not in renewed]  # a renewal held covers the expiry
    items += await repository.placements_ending(today, **scope)
    found += [
        Deadline(
            i.kind, i.entity_type, i.entity_id, i.title, i.due_on, (i.due_on - today).days, None, False, i.link_path
        )
        for i in items
    ]
    for kind, call_off_id, title, at in await repository.call_off_dates(**scope):
        day = uk_date(at)
        what = "Offers close" if kind is DeadlineKind.CALL_OFF_DEADLINE else "Standstill ends"
        found.append(
            Deadline(
                kind,
                EntityType.CALL_OFF,
                call_off_id,
                f"{what}: {title}",
                day,
                (day - today).days,
                None,
                at <= ctx.clock.now(),
                f"/api/v1/call-offs/{call_off_id}",
            )
        )
    return sorted(found, key=lambda d: (d.due_on, d.entity_type, d.entity_id))
