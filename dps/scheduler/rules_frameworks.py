"""Handlers for the frameworks deadlines: "application" and "arrangement" rows of deadline_checks.

Each handler reads the entity's CURRENT state, applies the pure rules of `dps.scheduler.domain`,
sends what is due through `notify()` (deterministic keys: a repeat sends nothing) and returns
the next time to look (None: stop tracking). They run inside the sweep's batch transaction, as
the system (no principal); transitions are audited with the system as actor.
"""

from __future__ import annotations

from datetime import datetime

from dps.accounts import public as accounts
from dps.accounts.domain import Region, nation_of
from dps.core.auth import Role
from dps.core.calendar import WorkingDays
from dps.core.context import Context
from dps.core.dates import uk_date
from dps.core.errors import NotFound
from dps.core.notifications import Recipient, notify
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement
from dps.frameworks.public import calendar_for, get_profile, reopening_deadlines
from dps.scheduler import repository
from dps.scheduler.domain import (
    ArrangementFacts,
    Event,
    Message,
    application_events,
    application_message,
    arrangement_plan,
    earliest,
    series_state,
    term_message,
    window_message,
    window_of,
)
from dps.scheduler.domain_frameworks import (
    decision_overdue_provider_message,
    window_reminder_message,
    window_reminder_plan,
)
from dps.scheduler.domain_tenders import ReopeningFacts, last_reopened_on, reopening_events, reopening_message

OFFICER_ROLES = (Role.PROCUREMENT_OFFICER,)


async def send(recipients: list[Recipient], event: Event, message: Message, now: datetime) -> int:
    return await notify(
        recipients,
        kind=message.kind,
        key=event.key,
        subject=message.subject,
        body=message.body,
        link_path=message.link_path,
        at=now,
    )


async def providers_people(provider_ids: list[int]) -> list[Recipient]:
    people: list[Recipient] = []
    for provider_id in provider_ids:
        people += await accounts.recipients_of_provider(provider_id)
    return people


def calendar_of(profile_code: str, region: Region) -> WorkingDays:
    """The working-day calendar of an arrangement led by a council in `region`."""
    return calendar_for(get_profile(profile_code), nation_of(region))


async def check_application(ctx: Context, application_id: int, now: datetime) -> datetime | None:
    """Decision due: warn the lead authority's procurement officers at 2 working days left, and
    tell them on the day after the due date that it is overdue (PCR 2015 reg 34(15))."""
    found = await repository.application_context(application_id)
    if found is None:
        return None
    calendar = calendar_of(found.profile_code, found.region)
    state = series_state(application_events(found.facts, calendar), now)
    if state.due is not None and found.facts.decision_due_on is not None:
        message = application_message(state.due, application_id, found.arrangement_title, found.facts.decision_due_on)
        officers = await accounts.recipients_of_authority(found.lead_authority_id, OFFICER_ROLES)
        await send(officers, state.due, message, now)
        if state.due.name == "decision-overdue":
            told = decision_overdue_provider_message(
                application_id, found.arrangement_title, found.facts.decision_due_on
            )
            provider_event = Event(state.due.name, state.due.at, f"{state.due.key}:provider")
            await send(await providers_people([found.provider_id]), provider_event, told, now)
    return state.next_at


def arrangement_facts(arrangement: Arrangement) -> ArrangementFacts:
    return ArrangementFacts(
        id=arrangement.id,
        status=arrangement.status,
        term_end=arrangement.term_end,
        fixed_end_date=get_profile(arrangement.profile_code).fixed_end_date,
        windows=arrangement.windows,
    )


async def check_arrangement(ctx: Context, arrangement_id: int, now: datetime) -> datetime | None:
    """Term end: reminders 6, 3 and 1 months before to the lead's procurement officers; on the day
    after the last day of the term the arrangement and its live memberships expire. Reopening
    windows: member providers and the officers are reminded `window_reminder_days` (default 14)
    before one opens, and told when it opens and when it closes."""
    try:
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
    except NotFound:
        return None
    facts = arrangement_facts(arrangement)
    plan = arrangement_plan(facts, now)
    officers = await accounts.recipients_of_authority(arrangement.lead_authority_id, OFFICER_ROLES)
    if plan.term is not None:
        message = term_message(plan.term, arrangement.id, arrangement.title, facts.last_day)
        recipients = officers
        if plan.term.name == "expiry":
            ended = await frameworks.expire_arrangement(ctx.as_system(), arrangement.id, f"{facts.last_day:%d %B %Y}")
            recipients = officers + await providers_people(ended)
        await send(recipients, plan.term, message, now)
    if plan.window is not None:
        window = window_of(facts, plan.window)
        message = window_message(plan.window, arrangement.id, arrangement.title, window)
        members = await providers_people(await repository.member_provider_ids(arrangement.id))
        await send(officers + members, plan.window, message, now)
    if plan.term is not None and plan.term.name == "expiry":
        return None
    reminder = window_reminder_plan(
        arrangement.id, arrangement.status, arrangement.windows, arrangement.window_reminder_days, now
    )
    if reminder.due is not None and reminder.window is not None:
        opens_on = uk_date(reminder.window.opens_at)
        message = window_reminder_message(arrangement.id, arrangement.title, reminder.window, opens_on)
        members = await providers_people(await repository.member_provider_ids(arrangement.id))
        await send(officers + members, reminder.due, message, now)
    return earliest(plan.next_at, reminder.next_at, await _reopening_duty(arrangement, officers, now))


async def _reopening_duty(arrangement: Arrangement, officers: list[Recipient], now: datetime) -> datetime | None:
    """Open frameworks (Procurement Act 2023 s.49): remind the lead's officers 6, 3 and 1 months
    before the reopening deadline and tell them the day after it when no window has opened. The
    first award is the earliest membership start; a reopening is a window that has opened since."""
    profile = get_profile(arrangement.profile_code)
    if profile.first_reopening_within_years is None:
        return None
    first_award = await repository.first_membership_start(arrangement.id)
    if first_award is None:
        return None  # no award yet: the clock has not started; a new membership re-tracks
    last = last_reopened_on(arrangement.windows, first_award, now)
    reopen_by = reopening_deadlines(profile, first_award, last)
    facts = ReopeningFacts(arrangement.id, arrangement.status, reopen_by, arrangement.windows)
    state = series_state(reopening_events(facts), now)
    if state.due is not None and reopen_by is not None:
        message = reopening_message(state.due, arrangement.id, arrangement.title, reopen_by)
        await send(officers, state.due, message, now)
    return state.next_at
