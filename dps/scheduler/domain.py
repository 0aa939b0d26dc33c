"""Deadline rules: given an entity's state and `now`, which reminder or transition is due and
when to look again. Pure: no database, no clock (callers pass `now`).

Conventions every rule follows
- A date-based event happens at the start (00:00) of its day in England (Europe/London), so a
  sweep early on that day sends it; `at` values are UTC-aware.
- Each rule produces a *series* of events. A sweep sends only the LATEST event of a series that
  has fallen due: after downtime one sweep catches up once, with the message that is true now
  (an officer back from a week away is told "overdue", not also "2 days left"). Earlier missed
  events of the series are not sent.
- Every event has a deterministic key naming the fact and the date it is about (e.g.
  "application:7:decision-warning:2026-12-07"), and `notify()` creates one notification per key
  and user, so a repeated sweep sends nothing new while a changed date (an extension) produces
  fresh reminders.
- The next check is the earliest event still in the future; None when nothing is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from dps.core.calendar import WorkingDays
from dps.core.dates import UK_TIME, long_date, months_before, start_of
from dps.frameworks.domain.applications import ApplicationStatus
from dps.frameworks.domain.arrangements import ArrangementStatus, ReopeningWindow

ONE_DAY = timedelta(days=1)
# Reopening windows close at `closes_at` inclusive (ReopeningWindow.contains): closed just after.
JUST_AFTER = timedelta(microseconds=1)


class DeadlineKind(StrEnum):
    """What falls due, in the deadlines view (`GET /api/v1/deadlines` gives the value)."""

    APPLICATION_DECISION = "application_decision"
    ARRANGEMENT_TERM_END = "arrangement_term_end"
    EVIDENCE_EXPIRY = "evidence_expiry"
    CALL_OFF_DEADLINE = "call_off_deadline"
    STANDSTILL_END = "standstill_end"
    PLACEMENT_END = "placement_end"


@dataclass(frozen=True, slots=True)
class Event:
    """One reminder or transition of a series: `name` says what it is, `at` when it falls due."""

    name: str
    at: datetime
    key: str


@dataclass(frozen=True, slots=True)
class SeriesState:
    due: Event | None  # the latest event that has fallen due, or None
    next_at: datetime | None  # the earliest event still to come


def series_state(events: Iterable[Event], now: datetime) -> SeriesState:
    """The latest due event of a series and when the next one falls due."""
    ordered = sorted(events, key=lambda e: e.at)
    past = [e for e in ordered if e.at <= now]
    future = [e for e in ordered if e.at > now]
    return SeriesState(due=past[-1] if past else None, next_at=future[0].at if future else None)


def earliest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None


# --- application decision due ------------------------------------------------------------------

DECISION_WARNING_WORKING_DAYS = 2
LIVE_APPLICATION = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_EVALUATION})


def decision_warning_day(due_on: date, calendar: WorkingDays, working_days_left: int) -> date:
    """The first day on which only `working_days_left` working days remain before `due_on`
    (counting as the regulations do: today never counts, the due date does). Over a weekend or a
    bank holiday that is the working day before it: with the decision due on Tuesday 29 December
    2026, 2 working days are left from Wednesday 23 December (Christmas and Boxing Day, moved to
    Monday 28, are bank holidays in England)."""
    day = due_on
    while calendar.count_between(day - ONE_DAY, due_on) <= working_days_left:
        day -= ONE_DAY
    return day


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    id: int
    arrangement_id: int
    status: ApplicationStatus
    decision_due_on: date | None


def application_events(facts: ApplicationFacts, calendar: WorkingDays) -> list[Event]:
    """PCR 2015 reg 34(15) (and the profile's period): the authority decides within the decision
    period. Officers are warned when 2 working days are left on the lead authority's calendar and
    told on the day after the due date that the decision is overdue."""
    if facts.status not in LIVE_APPLICATION or facts.decision_due_on is None:
        return []
    due = facts.decision_due_on
    warn_on = decision_warning_day(due, calendar, DECISION_WARNING_WORKING_DAYS)
    prefix = f"application:{facts.id}"
    return [
        Event("decision-warning", start_of(warn_on), f"{prefix}:decision-warning:{due.isoformat()}"),
        Event("decision-overdue", start_of(due + ONE_DAY), f"{prefix}:decision-overdue:{due.isoformat()}"),
    ]


# --- arrangement term end and reopening windows ------------------------------------------------

TERM_REMINDER_MONTHS = (6, 3, 1)
WATCHED_ARRANGEMENT = frozenset({ArrangementStatus.OPEN, ArrangementStatus.CLOSED, ArrangementStatus.SUSPENDED})


@dataclass(frozen=True, slots=True)
class ArrangementFacts:
    id: int
    status: ArrangementStatus
    term_end: date
    fixed_end_date: date | None  # the profile's hard end (PCR 2015 DPS: 23 February 2029)
    windows: tuple[ReopeningWindow, ...]

    @property
    def last_day(self) -> date:
        """The last day of the term: the term end, never past the profile's fixed end date."""
        if self.fixed_end_date is not None and self.fixed_end_date < self.term_end:
            return self.fixed_end_date
        return self.term_end


def term_events(facts: ArrangementFacts) -> list[Event]:
    """Reminders 6, 3 and 1 months before the term ends, and the expiry on the day after the last
    day of the term: the arrangement's own term, and for a PCR 2015 DPS no later than 23 February
    2029 (the profile's `fixed_end_date`: SI 2024/716 reg 5(4), as amended)."""
    if facts.status not in WATCHED_ARRANGEMENT:
        return []
    end = facts.last_day
    prefix = f"arrangement:{facts.id}"
    events = [
        Event(f"term-end-{n}m", start_of(months_before(end, n)), f"{prefix}:term-end-{n}m:{end.isoformat()}")
        for n in TERM_REMINDER_MONTHS
    ]
    events.append(Event("expiry", start_of(end + ONE_DAY), f"{prefix}:expired:{end.isoformat()}"))
    return events


def window_events(facts: ArrangementFacts) -> list[Event]:
    """Each reopening window opens at `opens_at` and closes just after `closes_at` (inclusive).
    One series across all windows: after downtime only the latest opening or closing is told."""
    if facts.status not in WATCHED_ARRANGEMENT:
        return []
    prefix = f"arrangement:{facts.id}:window"
    events: list[Event] = []
    for window in facts.windows:
        stamp = window.opens_at.isoformat()
        events.append(Event("window-opened", window.opens_at, f"{prefix}:{stamp}:opened"))
        events.append(Event("window-closed", window.closes_at + JUST_AFTER, f"{prefix}:{stamp}:closed"))
    return events


@dataclass(frozen=True, slots=True)
class ArrangementPlan:
    term: Event | None  # a term reminder or "expiry" to act on now
    window: Event | None  # a window opening/closing to tell now
    next_at: datetime | None


def arrangement_plan(facts: ArrangementFacts, now: datetime) -> ArrangementPlan:
    """What to do for an arrangement at `now`. Window news is only told while the arrangement is
    open (a closed or suspended arrangement takes no applications); once it expires nothing is
    left to watch."""
    term = series_state(term_events(facts), now)
    windows = series_state(window_events(facts), now)
    if term.due is not None and term.due.name == "expiry":
        return ArrangementPlan(term=term.due, window=None, next_at=None)
    window = windows.due if facts.status is ArrangementStatus.OPEN else None
    return ArrangementPlan(term=term.due, window=window, next_at=earliest(term.next_at, windows.next_at))


# --- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    subject: str
    body: str
    link_path: str


def application_message(event: Event, application_id: int, arrangement_title: str, due_on: date) -> Message:
    link = f"/api/v1/applications/{application_id}"
    if event.name == "decision-warning":
        return Message(
            "application.decision_warning",
            f"Decision due {long_date(due_on)}: application {application_id}",
            f"The decision on application {application_id} to {arrangement_title} is due on {long_date(due_on)}; "
            f"{DECISION_WARNING_WORKING_DAYS} working days are left.",
            link,
        )
    return Message(
        "application.decision_overdue",
        f"Decision overdue: application {application_id}",
        f"The decision on application {application_id} to {arrangement_title} was due on {long_date(due_on)} "
        "and has not been made.",
        link,
    )


def term_message(event: Event, arrangement_id: int, title: str, last_day: date) -> Message:
    link = f"/api/v1/arrangements/{arrangement_id}"
    if event.name == "expiry":
        return Message(
            "arrangement.expired",
            f"{title} has expired",
            f"The term of {title} ended on {long_date(last_day)}. The arrangement has expired and its "
            "memberships have ended.",
            link,
        )
    return Message(
        "arrangement.term_ending",
        f"{title} ends on {long_date(last_day)}",
        f"The term of {title} ends on {long_date(last_day)}. Plan its renewal or replacement now.",
        link,
    )


def window_message(event: Event, arrangement_id: int, title: str, window: ReopeningWindow) -> Message:
    link = f"/api/v1/arrangements/{arrangement_id}"
    closes = window.closes_at.astimezone(UK_TIME)
    if event.name == "window-opened":
        return Message(
            "arrangement.window_opened",
            f"{title} is open to applications",
            f"A reopening window of {title} is open until {closes:%H:%M} on {long_date(closes.date())}.",
            link,
        )
    return Message(
        "arrangement.window_closed",
        f"{title}: reopening window closed",
        f"The reopening window of {title} closed at {closes:%H:%M} on {long_date(closes.date())}.",
        link,
    )


def window_of(facts: ArrangementFacts, event: Event) -> ReopeningWindow:
    """The window a window event belongs to."""
    prefix = f"arrangement:{facts.id}:window:"
    return next(w for w in facts.windows if event.key.startswith(f"{prefix}{w.opens_at.isoformat()}:"))
