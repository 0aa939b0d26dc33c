"""The deadline rules: which reminder or transition is due at `now`, and when to look again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dps.core.calendar import Nation, WorkingDays
from dps.core.dates import months_before, start_of
from dps.frameworks.domain.applications import ApplicationStatus
from dps.frameworks.domain.arrangements import ArrangementStatus, ReopeningWindow
from dps.scheduler.domain import (
    ApplicationFacts,
    ArrangementFacts,
    Event,
    application_events,
    arrangement_plan,
    decision_warning_day,
    series_state,
)

UK_TIME = WorkingDays(Nation.ENGLAND)
WALES = WorkingDays(Nation.WALES)


@pytest.mark.parametrize(
    ("due", "calendar", "warn_on"),
    [
        (date(2026, 11, 27), UK_TIME, date(2026, 11, 25)),  # Friday due: Wednesday
        (date(2026, 11, 30), UK_TIME, date(2026, 11, 26)),  # Monday due: Thursday (weekend skipped)
        (date(2026, 12, 29), UK_TIME, date(2026, 12, 23)),  # Christmas, Boxing Day (Mon 28) skipped
        (date(2027, 1, 4), UK_TIME, date(2026, 12, 30)),  # New Year's Day skipped
        (date(2027, 3, 30), UK_TIME, date(2027, 3, 24)),  # Good Friday 26 and Easter Monday 29 March
        (date(2027, 3, 31), UK_TIME, date(2027, 3, 25)),
        (date(2027, 4, 1), UK_TIME, date(2027, 3, 30)),
        (date(2027, 3, 2), WALES, date(2027, 2, 26)),  # Wales keeps no St David's Day holiday
    ],
)
def test_decision_warning_falls_when_two_working_days_are_left(due: date, calendar: WorkingDays, warn_on: date) -> None:
    assert decision_warning_day(due, calendar, 2) == warn_on
    assert calendar.count_between(warn_on, due) == 2
    assert calendar.count_between(warn_on - timedelta(days=1), due) == 3


def _application(status: ApplicationStatus = ApplicationStatus.SUBMITTED, due: date | None = date(2026, 12, 29)):  # type: ignore[no-untyped-def]
    return ApplicationFacts(id=7, arrangement_id=1, status=status, decision_due_on=due)


@pytest.mark.parametrize(
    ("now", "due_event", "next_at"),
    [
        (datetime(2026, 12, 22, 23, 59, tzinfo=UTC), None, start_of(date(2026, 12, 23))),
        (datetime(2026, 12, 23, 0, 0, tzinfo=UTC), "decision-warning", start_of(date(2026, 12, 30))),
        (datetime(2026, 12, 29, 23, 59, tzinfo=UTC), "decision-warning", start_of(date(2026, 12, 30))),
        (datetime(2026, 12, 30, 0, 0, tzinfo=UTC), "decision-overdue", None),
        # After downtime over both dates only the latest is due.
        (datetime(2027, 1, 8, 9, 0, tzinfo=UTC), "decision-overdue", None),
    ],
)
def test_application_decision_series(now: datetime, due_event: str | None, next_at: datetime | None) -> None:
    state = series_state(application_events(_application(), UK_TIME), now)
    assert (state.due.name if state.due else None) == due_event
    assert state.next_at == next_at


@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN])
def test_decided_or_withdrawn_applications_need_no_more_checks(status: ApplicationStatus) -> None:
    state = series_state(application_events(_application(status), UK_TIME), datetime(2026, 12, 30, tzinfo=UTC))
    assert state.due is None and state.next_at is None


def test_an_extended_due_date_gets_its_own_keys() -> None:
    before = application_events(_application(due=date(2026, 12, 29)), UK_TIME)
    after = application_events(_application(due=date(2027, 1, 8)), UK_TIME)
    assert {e.key for e in before}.isdisjoint({e.key for e in after})
    assert before[0].key == "application:7:decision-warning:2026-12-29"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 11, 30), 6, date(2027, 5, 30)),
        (date(2027, 8, 31), 6, date(2027, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2027, 1, 31), 1, date(2026, 12, 31)),
        (date(2027, 3, 31), 1, date(2027, 2, 28)),
    ],
)
def test_months_before_clamps_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def _arrangement(
    status: ArrangementStatus = ArrangementStatus.OPEN,
    term_end: date = date(2027, 11, 30),
    fixed_end: date | None = None,
    windows: tuple[ReopeningWindow, ...] = (),
) -> ArrangementFacts:
    return ArrangementFacts(id=3, status=status, term_end=term_end, fixed_end_date=fixed_end, windows=windows)


@pytest.mark.parametrize(
    ("now", "term_event", "next_day"),
    [
        (datetime(2027, 5, 29, 22, 59, tzinfo=UTC), None, date(2027, 5, 30)),  # 23:59 BST on 29 May
        (datetime(2027, 5, 29, 23, 0, tzinfo=UTC), "term-end-6m", date(2027, 8, 30)),  # midnight BST
        (datetime(2027, 8, 30, 9, 0, tzinfo=UTC), "term-end-3m", date(2027, 10, 30)),
        (datetime(2027, 10, 30, 9, 0, tzinfo=UTC), "term-end-1m", date(2027, 12, 1)),
        (datetime(2027, 11, 30, 23, 59, tzinfo=UTC), "term-end-1m", date(2027, 12, 1)),
        (datetime(2027, 12, 1, 0, 0, tzinfo=UTC), "expiry", None),
        (datetime(2027, 9, 15, 9, 0, tzinfo=UTC), "term-end-3m", date(2027, 10, 30)),
    ],
)
def test_term_end_reminders_and_expiry(now: datetime, term_event: str | None, next_day: date | None) -> None:
    plan = arrangement_plan(_arrangement(), now)
    assert (plan.term.name if plan.term else None) == term_event
    assert plan.next_at == (start_of(next_day) if next_day else None)


def test_a_pcr2015_dps_expires_after_23_february_2029_whatever_its_term_says() -> None:
    facts = _arrangement(term_end=date(2030, 1, 31), fixed_end=date(2029, 2, 23))
    assert facts.last_day == date(2029, 2, 23)
    plan = arrangement_plan(facts, datetime(2029, 2, 24, 6, 0, tzinfo=UTC))
    assert plan.term is not None and plan.term.name == "expiry"
    assert plan.term.key == "arrangement:3:expired:2029-02-23"


@pytest.mark.parametrize("status", [ArrangementStatus.DRAFT, ArrangementStatus.EXPIRED])
def test_drafts_and_expired_arrangements_are_not_watched(status: ArrangementStatus) -> None:
    plan = arrangement_plan(_arrangement(status), datetime(2027, 12, 5, tzinfo=UTC))
    assert plan.term is None and plan.window is None and plan.next_at is None


WINDOW = ReopeningWindow(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), datetime(2027, 3, 31, 17, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("now", "window_event", "next_at"),
    [
        (datetime(2027, 3, 1, 8, 59, tzinfo=UTC), None, WINDOW.opens_at),
        (datetime(2027, 3, 1, 9, 0, tzinfo=UTC), "window-opened", WINDOW.closes_at + timedelta(microseconds=1)),
        (datetime(2027, 3, 31, 17, 0, tzinfo=UTC), "window-opened", WINDOW.closes_at + timedelta(microseconds=1)),
        (datetime(2027, 3, 31, 17, 0, 1, tzinfo=UTC), "window-closed", start_of(date(2027, 5, 30))),
    ],
)
def test_reopening_windows_open_and_close(now: datetime, window_event: str | None, next_at: datetime) -> None:
    plan = arrangement_plan(_arrangement(windows=(WINDOW,)), now)
    assert (plan.window.name if plan.window else None) == window_event
    assert plan.next_at == next_at


def test_window_news_is_not_told_while_the_arrangement_is_closed() -> None:
    plan = arrangement_plan(_arrangement(ArrangementStatus.CLOSED, windows=(WINDOW,)), datetime(2027, 3, 2, tzinfo=UTC))
    assert plan.window is None
    assert plan.next_at == WINDOW.closes_at + timedelta(microseconds=1)


def test_series_state_sends_only_the_latest_past_event() -> None:
    at = datetime(2027, 1, 1, tzinfo=UTC)
    events = [Event("a", at, "a"), Event("b", at + timedelta(days=1), "b"), Event("c", at + timedelta(days=2), "c")]
    state = series_state(events, at + timedelta(days=1, hours=1))
    assert state.due == events[1]
    assert state.next_at == events[2].at
