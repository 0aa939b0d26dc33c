"""Pure rules for frameworks reminders the scheduler sends beyond `dps.scheduler.domain`: the
reminder before a reopening window opens, and the provider told its decision is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dps.core.dates import long_date
from dps.frameworks.domain.arrangements import ArrangementStatus, ReopeningWindow
from dps.scheduler.domain import Event, Message, series_state

# Reminders go out while the arrangement takes (or will again take) applications.
REMINDED = frozenset({ArrangementStatus.OPEN, ArrangementStatus.CLOSED, ArrangementStatus.SUSPENDED})


@dataclass(frozen=True, slots=True)
class WindowReminderPlan:
    due: Event | None  # a reminder to send now
    window: ReopeningWindow | None  # the window it is about
    next_at: datetime | None  # when the next reminder falls due


def window_reminder_plan(
    arrangement_id: int,
    status: ArrangementStatus,
    windows: tuple[ReopeningWindow, ...],
    days_before: int,
    now: datetime,
) -> WindowReminderPlan:
    """A reminder `days_before` days before each reopening window opens (DESIGN story 8: members
    and officers prepare their applications and evidence in time). A reminder whose window has
    already opened is not sent late: the opening notice says it instead. The key names the window
    and the number of days, so a repeat sends nothing."""
    if status not in REMINDED:
        return WindowReminderPlan(None, None, None)
    events: list[tuple[Event, ReopeningWindow]] = []
    for window in windows:
        if window.opens_at <= now:
            continue
        at = window.opens_at - timedelta(days=days_before)
        key = f"arrangement:{arrangement_id}:window:{window.opens_at.isoformat()}:reminder-{days_before}d"
        events.append((Event("window-reminder", at, key), window))
    state = series_state([e for e, _ in events], now)
    reminded = next((w for e, w in events if e == state.due), None)
    return WindowReminderPlan(state.due, reminded, state.next_at)


def window_reminder_message(arrangement_id: int, title: str, window: ReopeningWindow, opens_on: date) -> Message:
    return Message(
        "arrangement.window_reminder",
        f"{title} reopens on {long_date(opens_on)}",
        f"A reopening window of {title} opens on {long_date(opens_on)}: prepare applications and renew evidence now.",
        f"/api/v1/arrangements/{arrangement_id}",
    )


def decision_overdue_provider_message(application_id: int, arrangement_title: str, due_on: date) -> Message:
    """The provider whose decision is overdue is told too: it is owed a decision within the period
    (PCR 2015 reg 34(15)) and may ask the lead authority why."""
    return Message(
        "application.decision_overdue_provider",
        f"Your application {application_id}: decision overdue",
        f"The decision on your application {application_id} to {arrangement_title} was due on {long_date(due_on)} "
        "and has not been made yet. The lead authority has been told.",
        f"/api/v1/applications/{application_id}",
    )
