"""The reminder before a reopening window opens, at its boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dps.frameworks.domain.arrangements import ArrangementStatus, ReopeningWindow
from dps.scheduler.domain_frameworks import window_reminder_plan

OPENS = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
WINDOW = ReopeningWindow(OPENS, OPENS + timedelta(days=14))
LATER = ReopeningWindow(OPENS + timedelta(days=60), OPENS + timedelta(days=74))


def plan(now: datetime, days: int = 14, status: ArrangementStatus = ArrangementStatus.OPEN):  # type: ignore[no-untyped-def]
    return window_reminder_plan(7, status, (WINDOW, LATER), days, now)


def test_the_reminder_falls_due_exactly_the_configured_days_before_the_window_opens() -> None:
    before = plan(OPENS - timedelta(days=14, seconds=1))
    assert before.due is None and before.next_at == OPENS - timedelta(days=14)
    due = plan(OPENS - timedelta(days=14))
    assert due.due is not None and due.window == WINDOW
    assert due.due.key == "arrangement:7:window:2027-03-01T09:00:00+00:00:reminder-14d"
    assert due.next_at == LATER.opens_at - timedelta(days=14)
    assert plan(OPENS - timedelta(days=3), days=3).due is not None


def test_no_late_reminder_once_the_window_has_opened() -> None:
    opened = plan(OPENS)
    assert opened.due is None
    assert opened.next_at == LATER.opens_at - timedelta(days=14)


def test_an_expired_or_draft_arrangement_is_not_reminded() -> None:
    for status in (ArrangementStatus.EXPIRED, ArrangementStatus.DRAFT):
        assert plan(OPENS - timedelta(days=1), status=status).due is None
