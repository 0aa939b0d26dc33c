"""The deadline rules after admission: evidence, concerns, re-accreditation, Ofsted, call-offs,
placements, contracts and open frameworks' reopening. Given the facts and `now`: what is due, and
when to look again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dps.accounts.domain import SettingType
from dps.compliance.domain.concerns import ConcernStatus
from dps.core.dates import start_of
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.domain.arrangements import ArrangementStatus, ReopeningWindow
from dps.scheduler.domain import series_state
from dps.scheduler.domain_compliance import (
    REACCREDITATION_REASON,
    ConcernFacts,
    EvidenceFacts,
    ReaccreditationFacts,
    concern_events,
    evidence_events,
    evidence_lapses_at,
    reaccreditation_plan,
    reinspection_expected_by,
    reinspection_overdue,
)
from dps.scheduler.domain_tenders import (
    PLACEMENT_REMINDER_DAYS,
    Ending,
    ReopeningFacts,
    ending_events,
    ending_still_ahead,
    last_reopened_on,
    reopening_events,
)
from dps.tenders.domain.call_offs import CallOffStatus
from dps.tenders.domain.deadlines import CallOffStep, call_off_step
from tests.support.tenders_domain import DEADLINE, call_off

# --- evidence ------------------------------------------------------------------------------------

EXPIRES = date(2027, 6, 30)  # a Wednesday in British Summer Time


@pytest.mark.parametrize(
    ("now", "due", "next_at"),
    [
        (start_of(date(2027, 5, 31)) - timedelta(seconds=1), None, start_of(date(2027, 5, 31))),
        (start_of(date(2027, 5, 31)), "expiring-30d", start_of(date(2027, 6, 23))),
        (start_of(date(2027, 6, 23)), "expiring-7d", datetime(2027, 7, 1, tzinfo=UTC)),
        # Good through its expiry date: 00:00 in England on 1 July is still 30 June in UTC.
        (start_of(date(2027, 7, 1)), "expiring-7d", datetime(2027, 7, 1, tzinfo=UTC)),
        (datetime(2027, 7, 1, tzinfo=UTC), "expiry", None),
        # Back after a month away: only the expiry is acted on.
        (datetime(2027, 8, 1, tzinfo=UTC), "expiry", None),
    ],
)
def test_evidence_is_reminded_at_30_and_7_days_then_lapses_the_day_after_expiry(
    now: datetime, due: str | None, next_at: datetime | None
) -> None:
    state = series_state(evidence_events(EvidenceFacts(4, "current", EXPIRES)), now)
    assert (state.due.name if state.due else None) == due
    assert state.next_at == next_at


@pytest.mark.parametrize(("status", "expires"), [("replaced", EXPIRES), ("expired", EXPIRES), ("current", None)])
def test_replaced_expired_or_open_ended_evidence_is_not_watched(status: str, expires: date | None) -> None:
    assert evidence_events(EvidenceFacts(4, status, expires)) == []


def test_renewed_evidence_has_keys_of_its_own() -> None:
    keys = {e.key for e in evidence_events(EvidenceFacts(4, "current", EXPIRES))}
    assert keys == {"evidence:4:expiring-30d:2027-06-30", "evidence:4:expiring-7d:2027-06-30", "evidence:4:expired"}
    assert evidence_lapses_at(EXPIRES) == datetime(2027, 7, 1, tzinfo=UTC)


# --- concerns ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (start_of(date(2027, 3, 8)) - timedelta(seconds=1), None),
        (start_of(date(2027, 3, 8)), "review-7d"),
        (start_of(date(2027, 3, 15)), "review-due"),
    ],
)
def test_a_live_concern_is_reminded_a_week_before_its_review_and_on_the_day(now: datetime, due: str | None) -> None:
    state = series_state(concern_events(ConcernFacts(3, ConcernStatus.ISSUED, date(2027, 3, 15))), now)
    assert (state.due.name if state.due else None) == due


@pytest.mark.parametrize("status", [ConcernStatus.DRAFT, ConcernStatus.RESCINDED])
def test_a_draft_or_rescinded_concern_has_no_review_reminders(status: ConcernStatus) -> None:
    assert concern_events(ConcernFacts(3, status, date(2027, 3, 15))) == []


# --- re-accreditation ----------------------------------------------------------------------------

STARTED = date(2026, 12, 1)


def _membership(
    status: MembershipStatus = MembershipStatus.ACTIVE, reason: str | None = None, refreshed: date | None = None
) -> ReaccreditationFacts:
    return ReaccreditationFacts(7, status, reason, STARTED, refreshed)


@pytest.mark.parametrize(
    ("now", "requested", "suspend", "next_at"),
    [
        (start_of(date(2027, 11, 1)) - timedelta(seconds=1), False, False, start_of(date(2027, 11, 1))),
        # 11 months after the start: the refresh is requested; due on the anniversary, 30 days' grace.
        (start_of(date(2027, 11, 1)), True, False, start_of(date(2027, 12, 31))),
        (start_of(date(2027, 12, 31)) - timedelta(seconds=1), True, False, start_of(date(2027, 12, 31))),
        (start_of(date(2027, 12, 31)), False, True, start_of(date(2028, 1, 1))),
    ],
)
def test_the_annual_refresh_is_requested_at_11_months_and_missed_30_days_after_the_anniversary(
    now: datetime, requested: bool, suspend: bool, next_at: datetime
) -> None:
    plan = reaccreditation_plan(_membership(), now)
    assert (plan.request is not None, plan.suspend, plan.reinstate) == (requested, suspend, False)
    assert plan.due_on == date(2027, 12, 1)
    assert plan.next_at == next_at
    if plan.request is not None:
        assert plan.request.key == "membership:7:refresh:2027-12-01"


def test_a_complete_refresh_moves_the_last_verification_and_the_next_request() -> None:
    plan = reaccreditation_plan(_membership(refreshed=date(2027, 11, 20)), start_of(date(2027, 12, 31)))
    assert not plan.suspend and plan.request is None
    assert plan.due_on == date(2028, 11, 20)
    assert plan.next_at == start_of(date(2028, 10, 20))


def test_evidence_older_than_the_membership_does_not_count_as_a_later_verification() -> None:
    assert _membership(refreshed=date(2026, 10, 1)).last_verified_on == STARTED


def test_a_membership_suspended_for_its_refresh_is_reinstated_once_the_refresh_comes_in() -> None:
    reason = f"{REACCREDITATION_REASON} 1 December 2027"
    waiting = reaccreditation_plan(_membership(MembershipStatus.SUSPENDED, reason), start_of(date(2028, 1, 10)))
    assert not waiting.reinstate and waiting.next_at == start_of(date(2028, 1, 11))
    refreshed = _membership(MembershipStatus.SUSPENDED, reason, refreshed=date(2028, 1, 12))
    back = reaccreditation_plan(refreshed, start_of(date(2028, 1, 13)))
    assert back.reinstate and back.next_at == start_of(date(2028, 12, 12))


def test_a_suspension_for_another_reason_is_left_alone_but_watched_daily() -> None:
    plan = reaccreditation_plan(_membership(MembershipStatus.SUSPENDED, "compliance: insurance expired"),
                                start_of(date(2028, 1, 10)))  # fmt: skip
    assert (plan.request, plan.suspend, plan.reinstate) == (None, False, False)
    assert plan.next_at == start_of(date(2028, 1, 11))


@pytest.mark.parametrize("status", [MembershipStatus.REMOVED, MembershipStatus.EXPIRED])
def test_an_ended_membership_is_no_longer_watched(status: MembershipStatus) -> None:
    assert reaccreditation_plan(_membership(status), start_of(date(2027, 12, 31))).next_at is None


# --- Ofsted --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting_type", "last", "expected"),
    [
        (SettingType.CHILDRENS_HOME, date(2026, 3, 10), date(2027, 3, 10)),
        (SettingType.FOSTERING_AGENCY_BRANCH, date(2024, 2, 29), date(2027, 2, 28)),
        (SettingType.SUPPORTED_ACCOMMODATION, date(2025, 5, 1), date(2028, 5, 1)),
        (SettingType.SCHOOL, date(2025, 5, 1), date(2028, 5, 1)),
    ],
)
def test_reinspection_is_expected_by_setting_type(setting_type: SettingType, last: date, expected: date) -> None:
    assert reinspection_expected_by(setting_type, last) == expected
    assert reinspection_overdue(setting_type, last, expected) is None
    assert reinspection_overdue(setting_type, last, expected + timedelta(days=1)) == expected


def test_a_setting_never_inspected_is_not_reported_overdue() -> None:
    assert reinspection_overdue(SettingType.CHILDRENS_HOME, None, date(2030, 1, 1)) is None


# --- call-offs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "standstill", "now", "step"),
    [
        (CallOffStatus.PUBLISHED, None, DEADLINE - timedelta(microseconds=1), None),
        (CallOffStatus.PUBLISHED, None, DEADLINE, CallOffStep.CLOSE),
        (CallOffStatus.CLOSED, None, DEADLINE + timedelta(days=1), None),
        (CallOffStatus.AWARDED, DEADLINE + timedelta(days=12), DEADLINE + timedelta(days=12, microseconds=-1), None),
        (CallOffStatus.AWARDED, DEADLINE + timedelta(days=12), DEADLINE + timedelta(days=12), CallOffStep.CONCLUDE),
        (CallOffStatus.AWARDED, None, DEADLINE + timedelta(days=1), CallOffStep.CONCLUDE),
        (CallOffStatus.CONCLUDED, None, DEADLINE + timedelta(days=30), None),
    ],
)
def test_a_call_off_closes_at_its_deadline_and_concludes_when_the_standstill_ends(
    status: CallOffStatus, standstill: datetime | None, now: datetime, step: CallOffStep | None
) -> None:
    assert call_off_step(call_off(status=status, standstill_ends_at=standstill), now) is step


# --- placement and contract ends ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "due", "next_at"),
    [
        (start_of(date(2027, 4, 2)) - timedelta(seconds=1), None, start_of(date(2027, 4, 2))),
        (start_of(date(2027, 4, 2)), "ending-28d", start_of(date(2027, 4, 23))),
        (start_of(date(2027, 4, 23)), "ending-7d", None),
    ],
)
def test_a_planned_placement_end_is_reminded_at_the_28_day_notice_and_a_week_before(
    now: datetime, due: str | None, next_at: datetime | None
) -> None:
    ending = Ending("placement:9", date(2027, 4, 30), live=True)
    state = series_state(ending_events(ending, PLACEMENT_REMINDER_DAYS), now)
    assert (state.due.name if state.due else None) == due
    assert state.next_at == next_at


@pytest.mark.parametrize(
    ("ends_on", "live", "ahead"),
    [(date(2027, 4, 30), True, True), (date(2027, 4, 29), True, False), (None, True, False),
     (date(2027, 5, 30), False, False)],
)  # fmt: skip
def test_reminders_only_while_the_end_is_still_to_come(ends_on: date | None, live: bool, ahead: bool) -> None:
    assert ending_still_ahead(Ending("contract:4", ends_on, live), date(2027, 4, 29)) is ahead


# --- open frameworks ----------------------------------------------------------------------------


def test_an_open_framework_is_reminded_before_its_reopening_deadline_and_told_when_it_is_missed() -> None:
    facts = ReopeningFacts(5, ArrangementStatus.OPEN, date(2030, 1, 31), ())
    events = {e.name: e.at for e in reopening_events(facts)}
    assert events == {
        "reopening-6m": start_of(date(2029, 7, 31)),
        "reopening-3m": start_of(date(2029, 10, 31)),
        "reopening-1m": start_of(date(2029, 12, 31)),
        "reopening-overdue": start_of(date(2030, 2, 1)),
    }
    assert reopening_events(ReopeningFacts(5, ArrangementStatus.EXPIRED, date(2030, 1, 31), ())) == []


def test_the_last_reopening_is_the_latest_window_opened_since_the_first_award() -> None:
    windows = (
        ReopeningWindow(datetime(2026, 6, 1, 9, tzinfo=UTC), datetime(2026, 6, 30, 17, tzinfo=UTC)),
        ReopeningWindow(datetime(2028, 6, 1, 9, tzinfo=UTC), datetime(2028, 6, 30, 17, tzinfo=UTC)),
        ReopeningWindow(datetime(2029, 6, 1, 9, tzinfo=UTC), datetime(2029, 6, 30, 17, tzinfo=UTC)),
    )
    first_award = date(2027, 2, 1)
    assert last_reopened_on(windows, first_award, datetime(2027, 1, 1, tzinfo=UTC)) is None
    assert last_reopened_on(windows, first_award, datetime(2028, 6, 2, tzinfo=UTC)) == date(2028, 6, 1)
    assert last_reopened_on(windows, first_award, datetime(2030, 1, 1, tzinfo=UTC)) == date(2029, 6, 1)


def test_a_covering_renewal_stops_the_reminders_but_not_the_lapse() -> None:
    events = evidence_events(EvidenceFacts(4, "current", EXPIRES, renewed=True))
    assert [e.name for e in events] == ["expiry"]


def test_an_early_renewal_takes_effect_at_the_start_of_its_start_day() -> None:
    facts = EvidenceFacts(5, "current", date(2028, 6, 30), takes_effect_on=date(2027, 7, 1))
    (first, *_) = sorted(evidence_events(facts), key=lambda e: e.at)
    assert (first.name, first.at, first.key) == (
        "takes-effect",
        datetime(2027, 7, 1, tzinfo=UTC),
        "evidence:5:takes-effect:2027-07-01",
    )
    assert series_state(evidence_events(facts), datetime(2027, 6, 30, 23, 59, tzinfo=UTC)).due is None
    assert series_state(evidence_events(facts), datetime(2027, 7, 1, tzinfo=UTC)).due == first
