"""Deadline rules after the award: call-off deadlines and standstill ends, placement ends,
contract ends, and open frameworks' reopening duties. Pure, with the conventions of
`dps.scheduler.domain` (events at 00:00 in England, the latest due event of a series is sent,
deterministic keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dps.contracts.domain.contracts import ContractStatus
from dps.core.dates import long_date, months_before, start_of
from dps.frameworks.domain.arrangements import ArrangementStatus, ReopeningWindow
from dps.scheduler.domain import ONE_DAY, TERM_REMINDER_MONTHS, Event, Message
from dps.tenders.domain.deadlines import CallOffStep

# --- call-offs -----------------------------------------------------------------------------------


def call_off_event(call_off_id: int, step: CallOffStep, at: datetime) -> Event:
    """The news of a step the scheduler took: "offers-opened" after closing, "concluded"."""
    name = "offers-opened" if step is CallOffStep.CLOSE else "concluded"
    return Event(name, at, f"call_off:{call_off_id}:{name}")


def offers_opened_message(call_off_id: int, title: str, submitted: int) -> Message:
    return Message(
        "call_off.offers_opened",
        f"Offers opened: {title}",
        f"The deadline of the placement request '{title}' has passed; {submitted} offer"
        f"{'s are' if submitted != 1 else ' is'} open for evaluation.",
        f"/api/v1/call-offs/{call_off_id}",
    )


def concluded_message(call_off_id: int, title: str) -> Message:
    return Message(
        "call_off.concluded",
        f"Standstill ended: {title}",
        f"The standstill of the placement request '{title}' has ended without challenge; the call-off is "
        "concluded and the placement recorded.",
        f"/api/v1/call-offs/{call_off_id}",
    )


# --- placement and contract ends -----------------------------------------------------------------

# The national contract structure's default notice period is 28 days (either party ends an
# individual placement agreement on 28 days' written notice), so both sides are reminded when a
# planned end is 28 days away, and again a week before.
PLACEMENT_NOTICE_DAYS = 28
PLACEMENT_REMINDER_DAYS = (PLACEMENT_NOTICE_DAYS, 7)


@dataclass(frozen=True, slots=True)
class Ending:
    """A placement's or contract's planned last day, with the reminders before it."""

    prefix: str  # "placement:9" or "contract:4"
    ends_on: date | None
    live: bool


def ending_events(ending: Ending, days_before: tuple[int, ...]) -> list[Event]:
    if not ending.live or ending.ends_on is None:
        return []
    end = ending.ends_on
    return [
        Event(f"ending-{n}d", start_of(end - timedelta(days=n)), f"{ending.prefix}:ending-{n}d:{end.isoformat()}")
        for n in days_before
    ]


def ending_still_ahead(ending: Ending, today: date) -> bool:
    """Reminders only make sense while the end is still to come: an end recorded on or after the
    day itself (an unplanned ending recorded late) is not announced as coming."""
    return ending.live and ending.ends_on is not None and today < ending.ends_on


def placement_ending(placement_id: int, ends_on: date | None, *, moved: bool) -> Ending:
    """A placement's planned end, watched for reminders while nothing has replaced it: once the
    child has been moved on (a later placement continues it) the move is arranged and there is
    nothing left to plan, so no "placement ends" reminder goes out (issue 12)."""
    return Ending(f"placement:{placement_id}", ends_on, live=not moved)


def placement_ending_message(placement_id: int, setting_name: str, ends_on: date, today: date) -> Message:
    days = (ends_on - today).days
    return Message(
        "placement.ending",
        f"Placement {placement_id} ends on {long_date(ends_on)}",
        f"Placement {placement_id} at {setting_name} ends on {long_date(ends_on)} ({days} days). "
        f"The national contract's notice period is {PLACEMENT_NOTICE_DAYS} days: plan the child's move or agree "
        "an extension now.",
        f"/api/v1/placements/{placement_id}",
    )


# Contracts in force (or signed and awaiting countersignature) are watched: reminders 3 months and
# 28 days (the notice period) before their end date so the parties renew, vary or let them end.
CONTRACT_REMINDER_DAYS = (91, PLACEMENT_NOTICE_DAYS)
WATCHED_CONTRACT = frozenset({ContractStatus.SIGNED, ContractStatus.ACTIVE})


def contract_ending_message(contract_id: int, reference: str, title: str, ends_on: date) -> Message:
    return Message(
        "contract.ending",
        f"{reference} ends on {long_date(ends_on)}",
        f"The contract {reference} ({title}) ends on {long_date(ends_on)}. Its notice period is "
        f"{PLACEMENT_NOTICE_DAYS} days: renew, vary or let it end.",
        f"/api/v1/contracts/{contract_id}",
    )


# --- open frameworks: reopening duties -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReopeningFacts:
    arrangement_id: int
    status: ArrangementStatus
    reopen_by: date | None  # from `dps.frameworks.profiles.reopening_deadlines`, None: none owed
    windows: tuple[ReopeningWindow, ...]


def reopening_events(facts: ReopeningFacts) -> list[Event]:
    """Procurement Act 2023 s.49: an open framework is reopened at least once within 3 years of
    the first award and then at least every 5 years; it ends 8 years after the first award (the
    term end and its reminders cover that). The lead authority's officers are reminded 6, 3 and 1
    months before the reopening deadline, and told the day after it when no window has opened."""
    if facts.status not in {ArrangementStatus.OPEN, ArrangementStatus.CLOSED} or facts.reopen_by is None:
        return []
    by = facts.reopen_by
    prefix = f"arrangement:{facts.arrangement_id}:reopen-by:{by.isoformat()}"
    events = [Event(f"reopening-{n}m", start_of(months_before(by, n)), f"{prefix}:{n}m") for n in TERM_REMINDER_MONTHS]
    events.append(Event("reopening-overdue", start_of(by + ONE_DAY), f"{prefix}:overdue"))
    return events


def reopening_message(event: Event, arrangement_id: int, title: str, reopen_by: date) -> Message:
    link = f"/api/v1/arrangements/{arrangement_id}"
    if event.name == "reopening-overdue":
        return Message(
            "arrangement.reopening_overdue",
            f"{title}: reopening overdue",
            f"{title} had to be reopened to new suppliers by {long_date(reopen_by)} (Procurement Act 2023 s.49) "
            "and no reopening window has opened. Publish a window now.",
            link,
        )
    return Message(
        "arrangement.reopening_due",
        f"{title} must reopen by {long_date(reopen_by)}",
        f"{title} is an open framework and must be reopened to new suppliers by {long_date(reopen_by)} "
        "(Procurement Act 2023 s.49). Plan and publish a reopening window.",
        link,
    )


def last_reopened_on(windows: tuple[ReopeningWindow, ...], first_award: date, now: datetime) -> date | None:
    """The day the latest reopening window after the first award opened, by `now`."""
    opened = [w.opens_at.date() for w in windows if w.opens_at <= now and w.opens_at.date() >= first_award]
    return max(opened) if opened else None
