"""Handlers for "evidence", "concern", "membership_reaccreditation" and "setting_ofsted" rows.

Transitions belong to their packages: an evidence expiry is `dps.compliance.services.checks.
on_evidence_expired` (it marks the check expired, suspends memberships that rely on a mandatory
requirement and tells the provider and the lead's officers; new evidence reinstates them), an
early renewal's start day is `on_evidence_in_force`, a
re-accreditation suspension is `dps.frameworks.services.memberships.change_membership_status`.
Run inside the sweep's batch transaction, as the system.
"""

from __future__ import annotations

from datetime import datetime

from dps.accounts import public as accounts
from dps.accounts.domain import SettingType
from dps.compliance.domain.concerns import ConcernStatus
from dps.compliance.public import evidence_outlook, on_evidence_expired, on_evidence_in_force
from dps.core.auth import Role
from dps.core.context import Context
from dps.core.dates import long_date, uk_date
from dps.core.notifications import Recipient
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.public import change_membership_status
from dps.scheduler import repository
from dps.scheduler.domain import Event, series_state
from dps.scheduler.domain_compliance import (
    OFSTED_INTERVAL_MONTHS,
    REACCREDITATION_REASON,
    ConcernFacts,
    EvidenceFacts,
    ReaccreditationFacts,
    concern_events,
    concern_message,
    evidence_events,
    evidence_message,
    months_after,
    next_local_midnight,
    ofsted_message,
    reaccreditation_plan,
    reaccreditation_suspended_message,
    refresh_message,
    reinspection_overdue,
)
from dps.scheduler.rules_frameworks import OFFICER_ROLES, providers_people, send

CONCERN_STAFF = (Role.COMMISSIONER, Role.PROCUREMENT_OFFICER)
# The one row of deadline_checks behind the daily Ofsted census (see check_ofsted_census).
OFSTED_CENSUS_ID = 0


async def check_evidence(ctx: Context, evidence_id: int, now: datetime) -> datetime | None:
    """Reminders to the provider 30 and 7 days before its evidence expires, unless it holds a
    renewal that covers the expiry; on the day after the expiry date compliance marks it expired
    and suspends what relied on it (story 5) unless a renewal is in force by then; on an early
    renewal's start day compliance puts it in force (and reinstates after a gap). What counts as
    in force and as a covering renewal is compliance's timeline (issue 12)."""
    outlook = await evidence_outlook(evidence_id)
    if outlook is None:
        return None
    found = outlook.evidence
    submitted_on = found.submitted_at.date() if found.submitted_at is not None else None
    ahead = found.starts_on is not None and (submitted_on is None or found.starts_on > submitted_on)
    facts = EvidenceFacts(
        found.id,
        found.status,
        found.expires_on,
        takes_effect_on=found.starts_on if ahead else None,
        renewed=outlook.renewal is not None,
    )
    state = series_state(evidence_events(facts), now)
    if state.due is None:
        return state.next_at
    if state.due.name == "expiry":
        await on_evidence_expired(ctx.as_system(), evidence_id)
        return None
    if state.due.name == "takes-effect":
        await on_evidence_in_force(ctx.as_system(), evidence_id)
        return state.next_at
    assert found.expires_on is not None
    message = evidence_message(evidence_id, outlook.requirement_title, found.expires_on, uk_date(now))
    await send(await providers_people([found.provider_id]), state.due, message, now)
    return state.next_at


async def check_concern(ctx: Context, concern_id: int, now: datetime) -> datetime | None:
    """A live concern's review date: the issuing council's commissioners and procurement officers
    are reminded a week before and on the day (information sharing protocol reviews)."""
    found = await repository.concern_context(concern_id)
    if found is None:
        return None
    facts = ConcernFacts(found.id, ConcernStatus(found.status), found.review_on)
    state = series_state(concern_events(facts), now)
    if state.due is not None:
        assert found.review_on is not None
        message = concern_message(state.due, concern_id, found.provider_name, found.review_on)
        staff = await accounts.recipients_of_authority(found.issuing_authority_id, CONCERN_STAFF)
        await send(staff, state.due, message, now)
    return state.next_at


async def check_reaccreditation(ctx: Context, membership_id: int, now: datetime) -> datetime | None:
    """The annual re-accreditation of a membership (DESIGN.md story 8): the refresh is requested
    11 months after the last verification, the membership is suspended 30 days after the
    anniversary without it, and reinstated once it comes in. The last verification is the later
    of the membership's start and the day the provider's evidence for every mandatory
    requirement was last refreshed; an arrangement without such requirements has nothing to
    refresh and is not tracked."""
    found = await repository.membership_context(membership_id)
    if found is None or found.evidence_requirements == 0:
        return None
    facts = ReaccreditationFacts(
        membership_id=found.id,
        status=MembershipStatus(found.status),
        status_reason=found.status_reason,
        started_on=found.started_on,
        evidence_refreshed_on=found.evidence_refreshed_on,
    )
    plan = reaccreditation_plan(facts, now)
    system = ctx.as_system()
    provider = await providers_people([found.provider_id])
    officers = await accounts.recipients_of_authority(found.lead_authority_id, OFFICER_ROLES)
    if plan.request is not None:
        await send(provider, plan.request, refresh_message(membership_id, found.arrangement_title, plan.due_on), now)
    if plan.suspend:
        reason = f"{REACCREDITATION_REASON} {long_date(plan.due_on)}"
        await change_membership_status(system, membership_id, MembershipStatus.SUSPENDED, reason)
        event = Event("refresh-suspended", now, f"membership:{membership_id}:refresh-suspended:{plan.due_on}")
        message = reaccreditation_suspended_message(membership_id, found.arrangement_title, plan.due_on)
        await send(provider + officers, event, message, now)
    if plan.reinstate:
        await change_membership_status(
            system, membership_id, MembershipStatus.ACTIVE, "re-accreditation: the annual refresh was received"
        )
    return plan.next_at


async def check_ofsted_census(ctx: Context, entity_id: int, now: datetime) -> datetime | None:
    """The daily Ofsted census (one row, id 0): every setting of a provider holding a live
    membership whose expected re-inspection (by setting type, SCCIF) has passed is reported once
    per expected date to the procurement officers of the lead authorities of its arrangements.
    Computed in bulk from settings' last inspection dates, since compliance records judgements
    on the setting rather than tracking each setting's next inspection."""
    today = uk_date(now)
    shortest = min(OFSTED_INTERVAL_MONTHS.values())
    officers: dict[int, list[Recipient]] = {}
    for setting in await repository.settings_inspected_before(months_after(today, -shortest)):
        expected = reinspection_overdue(SettingType(setting.setting_type), setting.last_inspection_date, today)
        if expected is None:
            continue
        people: list[Recipient] = []
        for lead in setting.lead_authority_ids:
            if lead not in officers:
                officers[lead] = await accounts.recipients_of_authority(lead, OFFICER_ROLES)
            people += officers[lead]
        message = ofsted_message(
            setting.provider_id,
            setting.setting_id,
            setting.name,
            setting.provider_name,
            setting.last_inspection_date,
            expected,
        )
        event = Event("ofsted-overdue", now, f"setting:{setting.setting_id}:ofsted-overdue:{expected.isoformat()}")
        await send(people, event, message, now)
    return next_local_midnight(now)
