"""Working days: weekends and each nation's bank holidays do not count, the start day never does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from dps.core.calendar import Nation, WorkingDays
from dps.core.dates import uk_date

UK_TIME = WorkingDays(Nation.ENGLAND)


def test_default_nation_is_england() -> None:
    assert WorkingDays().nation is Nation.ENGLAND


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        (Nation.ENGLAND, date(2026, 12, 25), "Christmas Day"),
        (Nation.ENGLAND, date(2026, 12, 28), "Boxing Day (observed)"),
        (Nation.ENGLAND, date(2027, 3, 26), "Good Friday"),
        (Nation.ENGLAND, date(2027, 3, 29), "Easter Monday"),
        (Nation.SCOTLAND, date(2026, 1, 2), "New Year Holiday"),
    ],
)
def test_the_holidays_package_agrees_with_the_dates_these_tests_rely_on(nation: Nation, day: date, name: str) -> None:
    # The tests below hard-code these dates; if a package upgrade ever disagrees, fail here first.
    assert holidays.country_holidays("GB", subdiv=nation.value, years=day.year).get(day) == name


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thursday
        (date(2026, 12, 25), False),  # Friday, Christmas Day
        (date(2026, 12, 26), False),  # Saturday, Boxing Day
        (date(2026, 12, 27), False),  # Sunday
        (date(2026, 12, 28), False),  # Monday, substitute for Boxing Day
        (date(2026, 12, 29), True),  # Tuesday
        (date(2027, 1, 1), False),  # Friday, New Year's Day
        (date(2027, 3, 25), True),  # Thursday before Easter
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 30), True),  # Tuesday after Easter
    ],
)
def test_is_working_day_in_england(day: date, working: bool) -> None:
    assert UK_TIME.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # across Christmas 2026: Fri 25 Dec, Sat 26, Sun 27 and the substitute Mon 28 are skipped
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        # across New Year: Fri 1 Jan 2027 and the weekend are skipped
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        # across Easter 2027: Good Friday 26 Mar to Easter Monday 29 Mar are skipped
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 24), 2, date(2027, 3, 30)),
        # over an ordinary weekend
        (date(2026, 11, 6), 1, date(2026, 11, 9)),  # Friday -> Monday
        (date(2026, 11, 7), 1, date(2026, 11, 9)),  # Saturday -> Monday
        (date(2026, 11, 8), 1, date(2026, 11, 9)),  # Sunday -> Monday
        (date(2026, 11, 6), 5, date(2026, 11, 13)),  # Friday -> next Friday
        # zero days is the start itself, even when the start is not a working day
        (date(2026, 11, 4), 0, date(2026, 11, 4)),
        (date(2026, 11, 7), 0, date(2026, 11, 7)),
    ],
)
def test_add_returns_the_nth_working_day_after_start(start: date, days: int, expected: date) -> None:
    assert UK_TIME.add(start, days) == expected


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # an ordinary fortnight: two weekends, no holiday
        (date(2026, 11, 6), date(2026, 11, 20)),
        # submitted on the Friday before Christmas: 25 and 28 Dec and 1 Jan push it into January
        (date(2026, 12, 18), date(2027, 1, 6)),
        # submitted on the Friday before Easter week: Good Friday and Easter Monday cost two days
        (date(2027, 3, 19), date(2027, 4, 6)),
    ],
)
def test_ten_working_day_decision_deadline_for_an_application_submitted_on_a_friday(submitted: date, due: date) -> None:
    # given an application submitted on a Friday under a PCR 2015 DPS (10 working days to decide)
    assert submitted.weekday() == 4

    # when the decision deadline is computed
    deadline = UK_TIME.add(submitted, 10)

    # then it is the 10th working day: the day before has one day left, the day itself none
    assert deadline == due
    assert UK_TIME.count_between(submitted, deadline) == 10
    assert UK_TIME.working_days_left(UK_TIME.add(submitted, 9), deadline) == 1
    assert UK_TIME.working_days_left(deadline, deadline) == 0
    assert UK_TIME.working_days_left(UK_TIME.add(deadline, 1), deadline) == -1


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (date(2026, 11, 6), date(2026, 11, 9), 1),  # Friday, due Monday
        (date(2026, 11, 7), date(2026, 11, 9), 1),  # Saturday, due Monday
        (date(2026, 11, 9), date(2026, 11, 9), 0),  # due today
        (date(2026, 11, 10), date(2026, 11, 9), -1),  # one working day overdue
        (date(2026, 11, 16), date(2026, 11, 9), -5),  # a working week overdue
        (date(2026, 12, 24), date(2026, 12, 29), 1),  # the Christmas break costs nothing
    ],
)
def test_working_days_left(today: date, due: date, left: int) -> None:
    assert UK_TIME.working_days_left(today, due) == left


def test_wales_and_england_keep_easter_monday_but_scotland_does_not() -> None:
    # given Easter Monday 2027
    easter_monday = date(2027, 3, 29)

    # then it is a bank holiday in England and Wales, and a working day in Scotland
    assert not WorkingDays(Nation.ENGLAND).is_working_day(easter_monday)
    assert not WorkingDays(Nation.WALES).is_working_day(easter_monday)
    assert WorkingDays(Nation.SCOTLAND).is_working_day(easter_monday)
    # so a Scottish deadline from the Thursday before lands a day earlier
    assert WorkingDays(Nation.SCOTLAND).add(date(2027, 3, 25), 1) == easter_monday


def test_scotland_keeps_the_second_of_january() -> None:
    # given Friday 2 January 2026, a bank holiday only in Scotland
    second_of_january = date(2026, 1, 2)
    assert WorkingDays(Nation.ENGLAND).is_working_day(second_of_january)
    assert WorkingDays(Nation.WALES).is_working_day(second_of_january)
    assert not WorkingDays(Nation.SCOTLAND).is_working_day(second_of_january)
    assert WorkingDays(Nation.SCOTLAND).add(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert WorkingDays(Nation.ENGLAND).add(date(2025, 12, 31), 1) == second_of_january


def test_northern_ireland_keeps_saint_patricks_day() -> None:
    st_patricks_day = date(2026, 3, 17)  # a Tuesday
    assert not WorkingDays(Nation.NORTHERN_IRELAND).is_working_day(st_patricks_day)
    assert WorkingDays(Nation.ENGLAND).is_working_day(st_patricks_day)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@pytest.mark.parametrize("nation", list(Nation))
@pytest.mark.parametrize(
    "start", _days(date(2026, 12, 14), date(2027, 1, 8)) + _days(date(2027, 3, 20), date(2027, 4, 3))
)
def test_count_between_undoes_add(nation: Nation, start: date) -> None:
    # given any start, weekend and holiday starts included / then counting back gives n
    calendar = WorkingDays(nation)
    for days in range(16):
        end = calendar.add(start, days)
        assert calendar.count_between(start, end) == days
        assert calendar.count_between(end, start) == -days
        assert days == 0 or calendar.is_working_day(end)


def test_count_between_a_day_and_itself_is_zero() -> None:
    assert UK_TIME.count_between(date(2026, 12, 25), date(2026, 12, 25)) == 0


def test_count_between_counts_the_end_but_not_the_start() -> None:
    # Monday to Friday of one week: Tuesday to Friday count, Monday does not
    assert UK_TIME.count_between(date(2026, 11, 9), date(2026, 11, 13)) == 4


def test_add_refuses_a_negative_number_of_days() -> None:
    with pytest.raises(ValueError, match="days"):
        UK_TIME.add(date(2026, 11, 9), -1)


def test_bank_holidays_of_a_year() -> None:
    bank_holidays = UK_TIME.bank_holidays(2027)
    assert date(2027, 3, 29) in bank_holidays
    assert len(bank_holidays) == 10  # the usual eight, plus Monday and Tuesday for a weekend Christmas


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        (datetime(2027, 6, 6, 22, 59, 59, tzinfo=UTC), date(2027, 6, 6)),  # 23:59:59 BST Sunday
        (datetime(2027, 6, 6, 23, 0, 0, tzinfo=UTC), date(2027, 6, 7)),  # 00:00 BST Monday
        (datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC), date(2026, 11, 23)),  # GMT: UTC's day
        (datetime(2026, 11, 24, 0, 0, 0, tzinfo=UTC), date(2026, 11, 24)),
    ],
)
def test_a_day_of_receipt_is_the_day_in_the_uk(instant: datetime, day: date) -> None:
    assert uk_date(instant) == day
