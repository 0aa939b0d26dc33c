"""Procurement profiles: each regime's numbers, as data, and the dates they produce.

Expected dates are worked out by hand in the comments beside them, from the bank holidays that
tests/unit/test_calendar.py pins (Christmas 2026, Easter 2027) and those pinned below.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import holidays
import pytest

from dps.core.calendar import Nation, UnitedKingdomWorkingDays, WorkingDays
from dps.core.errors import InvalidInput, RuleViolation
from dps.frameworks.profiles import (
    CITED_FIELDS,
    LIGHT_TOUCH,
    PA2023_DYNAMIC_MARKET,
    PA2023_FRAMEWORK,
    PA2023_OPEN_FRAMEWORK,
    PCR2015_DPS,
    PROFILES,
    CalendarScope,
    DayCount,
    JoiningRule,
    Profile,
    ProfileCode,
    anniversary,
    calendar_for,
    decision_due,
    extended_decision_due,
    get_profile,
    period_last_day,
    reopening_deadlines,
    term_end_allowed,
)

UK_TIME = WorkingDays(Nation.ENGLAND)
UK = UnitedKingdomWorkingDays()


def _id(value: object) -> str:
    return value.code.value if isinstance(value, Profile) else str(value)


# --- the registry ------------------------------------------------------------------------------


def test_there_is_one_profile_for_each_code_and_get_profile_finds_it_by_text() -> None:
    assert set(PROFILES) == set(ProfileCode)
    for code, profile in PROFILES.items():
        assert profile.code is code
        assert get_profile(code.value) is profile


def test_an_unknown_profile_code_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        get_profile("pcr2006_dps")
    assert error.value.code == "unknown_profile"


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=_id)
def test_every_number_a_profile_sets_names_its_regulation(profile: Profile) -> None:
    # given a profile / then each number or date it sets has a non-empty citation
    for name in CITED_FIELDS:
        if getattr(profile, name) is not None:
            assert profile.citations.get(name, "").strip(), f"{profile.code}.{name} is not cited"
    assert profile.citations["joining"].strip()
    assert profile.citations["calendar_scope"].strip()


def test_a_profile_with_an_uncited_number_cannot_be_built() -> None:
    uncited = {k: v for k, v in PA2023_FRAMEWORK.citations.items() if k != "max_term_years"}
    with pytest.raises(ValueError, match="max_term_years"):
        replace(PA2023_FRAMEWORK, citations=uncited)


def test_a_citation_must_name_a_field() -> None:
    with pytest.raises(ValueError, match="max_term"):
        replace(PA2023_FRAMEWORK, citations={**PA2023_FRAMEWORK.citations, "max_term": "s.47"})


def test_profiles_are_immutable() -> None:
    with pytest.raises(AttributeError):
        PCR2015_DPS.decision_period = 20  # type: ignore[misc]
    with pytest.raises(TypeError):
        PCR2015_DPS.citations["decision_period"] = "made up"  # type: ignore[index]


@pytest.mark.parametrize(
    ("profile", "joining"),
    [
        (PCR2015_DPS, JoiningRule.ANY_TIME),
        (LIGHT_TOUCH, JoiningRule.REOPENING_WINDOWS),
        (PA2023_DYNAMIC_MARKET, JoiningRule.ANY_TIME),
        (PA2023_OPEN_FRAMEWORK, JoiningRule.REOPENING_WINDOWS),
        (PA2023_FRAMEWORK, JoiningRule.CLOSED_AFTER_AWARD),
    ],
    ids=_id,
)
def test_who_may_join_when(profile: Profile, joining: JoiningRule) -> None:
    assert profile.joining is joining


@pytest.mark.parametrize(
    ("profile", "standstill"),
    [
        (PA2023_DYNAMIC_MARKET, 8),
        (PA2023_OPEN_FRAMEWORK, 8),
        (PA2023_FRAMEWORK, 8),
        (LIGHT_TOUCH, None),
        (PCR2015_DPS, None),
    ],
    ids=_id,
)
def test_standstill_is_eight_working_days_under_the_act_and_none_for_light_touch(
    profile: Profile, standstill: int | None
) -> None:
    assert profile.standstill_working_days == standstill


def test_pcr2015_dps_rules() -> None:
    assert PCR2015_DPS.decision_period == 10
    assert PCR2015_DPS.decision_period_unit is DayCount.WORKING_DAYS
    assert PCR2015_DPS.decision_extension_to == 15
    assert PCR2015_DPS.every_call_off_invites_all
    assert PCR2015_DPS.supplier_fees_prohibited
    assert PCR2015_DPS.min_offer_period_days == 10
    assert PCR2015_DPS.fixed_end_date == date(2029, 2, 23)


def test_only_the_dynamic_market_locks_its_conditions_once_open() -> None:
    locked = {p.code for p in PROFILES.values() if p.conditions_locked_when_open}
    assert locked == {ProfileCode.PA2023_DYNAMIC_MARKET}


def test_dynamic_market_decides_within_a_configurable_thirty_calendar_days_by_default() -> None:
    assert PA2023_DYNAMIC_MARKET.decision_period == 30
    assert PA2023_DYNAMIC_MARKET.decision_period_unit is DayCount.CALENDAR_DAYS
    assert PA2023_DYNAMIC_MARKET.decision_period_configurable


@pytest.mark.parametrize(
    ("profile", "scope"),
    [
        (PCR2015_DPS, CalendarScope.NATION),
        (LIGHT_TOUCH, CalendarScope.NATION),
        (PA2023_DYNAMIC_MARKET, CalendarScope.UNITED_KINGDOM),
        (PA2023_OPEN_FRAMEWORK, CalendarScope.UNITED_KINGDOM),
        (PA2023_FRAMEWORK, CalendarScope.UNITED_KINGDOM),
    ],
    ids=_id,
)
def test_act_profiles_count_working_days_across_the_uk(profile: Profile, scope: CalendarScope) -> None:
    assert profile.calendar_scope is scope


# --- decision deadlines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # Fri 18 Dec 2026: 21,22,23,24 Dec (4), skip 25 Dec-28 Dec, 29,30,31 Dec (7), skip 1 Jan,
        # 4,5,6 Jan (10)
        (date(2026, 12, 18), date(2027, 1, 6)),
        # Wed 16 Dec 2026: 17,18,21,22,23,24 Dec (6), 29,30,31 Dec (9), Mon 4 Jan 2027 (10)
        (date(2026, 12, 16), date(2027, 1, 4)),
        # Fri 19 Mar 2027: 22-25 Mar (4), skip Good Friday 26 and Easter Monday 29, 30,31 Mar,
        # 1,2 Apr (8), 5,6 Apr (10)
        (date(2027, 3, 19), date(2027, 4, 6)),
        # Thu 25 Mar 2027: 30,31 Mar, 1,2 Apr (4), 5-9 Apr (9), Mon 12 Apr (10)
        (date(2027, 3, 25), date(2027, 4, 12)),
    ],
)
def test_a_dps_decision_is_due_ten_working_days_after_submission_in_england(submitted: date, due: date) -> None:
    # given an application to a PCR 2015 DPS led by an English authority
    calendar = calendar_for(PCR2015_DPS, Nation.ENGLAND)

    # when the decision deadline is computed / then it is the 10th working day after submission
    assert decision_due(PCR2015_DPS, submitted, calendar) == due


def test_a_dps_in_scotland_counts_easter_monday_as_a_working_day() -> None:
    # Fri 19 Mar 2027: 22-25 Mar (4), skip Good Friday, Mon 29 Mar (5), 30,31 Mar, 1,2 Apr (9), 5 Apr (10)
    calendar = calendar_for(PCR2015_DPS, Nation.SCOTLAND)
    assert decision_due(PCR2015_DPS, date(2027, 3, 19), calendar) == date(2027, 4, 5)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # Fri 18 Dec 2026 to the 10th working day, 6 Jan 2027, then 7, 8, 11, 12, 13 Jan (15)
        (date(2026, 12, 18), date(2027, 1, 13)),
        # Fri 19 Mar 2027 to the 10th, 6 Apr, then 7, 8, 9, 12, 13 Apr (15)
        (date(2027, 3, 19), date(2027, 4, 13)),
    ],
)
def test_a_dps_decision_may_be_extended_to_fifteen_working_days_with_a_reason(submitted: date, due: date) -> None:
    assert extended_decision_due(PCR2015_DPS, submitted, UK_TIME, "references still awaited") == due


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_an_extension_without_a_reason_is_refused(reason: str) -> None:
    with pytest.raises(RuleViolation) as error:
        extended_decision_due(PCR2015_DPS, date(2026, 12, 18), UK_TIME, reason)
    assert error.value.code == "extension_reason_required"


@pytest.mark.parametrize(
    "profile", [LIGHT_TOUCH, PA2023_DYNAMIC_MARKET, PA2023_OPEN_FRAMEWORK, PA2023_FRAMEWORK], ids=_id
)
def test_only_the_dps_may_extend_its_decision_period(profile: Profile) -> None:
    with pytest.raises(RuleViolation) as error:
        extended_decision_due(profile, date(2026, 12, 18), UK_TIME, "a good reason")
    assert error.value.code == "extension_not_allowed"


@pytest.mark.parametrize(
    ("override", "due"),
    [
        (None, date(2026, 12, 31)),  # the default 30 calendar days from 1 Dec 2026
        (20, date(2026, 12, 21)),  # a configured period, holidays and weekends included
    ],
)
def test_a_dynamic_market_counts_its_reasonable_period_in_calendar_days(override: int | None, due: date) -> None:
    calendar = calendar_for(PA2023_DYNAMIC_MARKET, Nation.ENGLAND)
    assert decision_due(PA2023_DYNAMIC_MARKET, date(2026, 12, 1), calendar, override) == due


def test_a_light_touch_system_uses_its_configured_working_days() -> None:
    # given a flexible purchasing system that decides in 15 working days (see the extension test)
    assert decision_due(LIGHT_TOUCH, date(2026, 12, 18), UK_TIME, period_override=15) == date(2027, 1, 13)


@pytest.mark.parametrize("profile", [LIGHT_TOUCH, PA2023_OPEN_FRAMEWORK, PA2023_FRAMEWORK], ids=_id)
def test_a_profile_without_a_period_needs_one_configured(profile: Profile) -> None:
    with pytest.raises(RuleViolation) as error:
        decision_due(profile, date(2026, 12, 18), UK_TIME)
    assert error.value.code == "decision_period_not_configured"


@pytest.mark.parametrize("profile", [PCR2015_DPS, PA2023_FRAMEWORK], ids=_id)
def test_a_period_set_by_law_cannot_be_overridden(profile: Profile) -> None:
    with pytest.raises(RuleViolation) as error:
        decision_due(profile, date(2026, 12, 18), UK_TIME, period_override=20)
    assert error.value.code == "decision_period_not_configurable"


@pytest.mark.parametrize("override", [0, -5])
def test_a_configured_period_is_at_least_one_day(override: int) -> None:
    with pytest.raises(RuleViolation) as error:
        decision_due(LIGHT_TOUCH, date(2026, 12, 18), UK_TIME, period_override=override)
    assert error.value.code == "decision_period_invalid"


# --- terms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 4, 1), 4, date(2030, 4, 1)),
        (date(2028, 2, 29), 4, date(2032, 2, 29)),  # leap year to leap year
        (date(2028, 2, 29), 1, date(2029, 3, 1)),  # no 29 February in 2029
        (date(2028, 2, 29), 3, date(2031, 3, 1)),
        (date(2028, 2, 28), 1, date(2029, 2, 28)),
    ],
)
def test_anniversary(day: date, years: int, expected: date) -> None:
    assert anniversary(day, years) == expected


@pytest.mark.parametrize(
    ("first_day", "years", "last_day"),
    [
        (date(2026, 4, 1), 4, date(2030, 3, 31)),
        (date(2026, 1, 1), 1, date(2026, 12, 31)),
        (date(2028, 2, 28), 1, date(2029, 2, 27)),  # 366 days: includes 29 Feb 2028
        (date(2028, 2, 29), 1, date(2029, 2, 28)),  # 366 days: includes 29 Feb 2028
        (date(2028, 3, 1), 1, date(2029, 2, 28)),  # 365 days
        (date(2027, 3, 1), 1, date(2028, 2, 29)),  # 366 days: ends on the leap day
    ],
)
def test_period_last_day(first_day: date, years: int, last_day: date) -> None:
    assert period_last_day(first_day, years) == last_day


@pytest.mark.parametrize(
    ("end", "allowed"),
    [
        (date(2029, 2, 22), True),
        (date(2029, 2, 23), True),  # the last day PCR 2015 DPSs may run
        (date(2029, 2, 24), False),
    ],
)
def test_a_pcr2015_dps_cannot_run_past_23_february_2029(end: date, allowed: bool) -> None:
    _assert_term(PCR2015_DPS, date(2024, 10, 1), end, None, allowed)


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (date(2026, 4, 1), date(2030, 3, 31), True),  # exactly 4 years
        (date(2026, 4, 1), date(2030, 4, 1), False),  # one day more
        (date(2028, 2, 29), date(2032, 2, 28), True),  # 4 years from a leap day
        (date(2028, 2, 29), date(2032, 2, 29), False),
        (date(2027, 3, 1), date(2031, 2, 28), True),
        (date(2027, 3, 1), date(2031, 3, 1), False),
    ],
)
def test_a_pa2023_framework_lasts_at_most_four_years(start: date, end: date, allowed: bool) -> None:
    _assert_term(PA2023_FRAMEWORK, start, end, None, allowed)


@pytest.mark.parametrize(
    ("start", "first_award", "end", "allowed"),
    [
        # counted from the first award
        (date(2026, 1, 5), date(2026, 6, 1), date(2034, 5, 31), True),
        (date(2026, 1, 5), date(2026, 6, 1), date(2034, 6, 1), False),
        # before any award, counted from the start
        (date(2026, 1, 5), None, date(2034, 1, 4), True),
        (date(2026, 1, 5), None, date(2034, 1, 5), False),
    ],
)
def test_an_open_framework_ends_eight_years_after_its_first_award(
    start: date, first_award: date | None, end: date, allowed: bool
) -> None:
    _assert_term(PA2023_OPEN_FRAMEWORK, start, end, first_award, allowed)


@pytest.mark.parametrize("profile", [LIGHT_TOUCH, PA2023_DYNAMIC_MARKET], ids=_id)
def test_a_configured_term_has_no_maximum_from_the_profile(profile: Profile) -> None:
    term_end_allowed(profile, date(2026, 1, 1), date(2040, 12, 31))


def test_a_term_cannot_end_before_it_starts() -> None:
    with pytest.raises(RuleViolation) as error:
        term_end_allowed(PA2023_FRAMEWORK, date(2026, 4, 1), date(2026, 3, 31))
    assert error.value.code == "term_ends_before_start"


def _assert_term(profile: Profile, start: date, end: date, first_award: date | None, allowed: bool) -> None:
    if allowed:
        term_end_allowed(profile, start, end, first_award)
        return
    with pytest.raises(RuleViolation) as error:
        term_end_allowed(profile, start, end, first_award)
    assert error.value.code == "term_too_long"


# --- reopening ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_award", "last_reopened", "deadline"),
    [
        # first reopening within 3 years of the first award
        (date(2026, 6, 1), None, date(2029, 5, 31)),
        (date(2028, 2, 29), None, date(2031, 2, 28)),
        # then within 5 years of the previous reopening
        (date(2026, 6, 1), date(2029, 1, 15), date(2034, 1, 14)),
        # the scheme's last day (31 May 2034) can still be the deadline ...
        (date(2026, 6, 1), date(2029, 6, 1), date(2034, 5, 31)),
        # ... but a deadline after the scheme has ended is owed no longer
        (date(2026, 6, 1), date(2029, 6, 2), None),
    ],
)
def test_open_framework_reopening_deadlines(
    first_award: date, last_reopened: date | None, deadline: date | None
) -> None:
    assert reopening_deadlines(PA2023_OPEN_FRAMEWORK, first_award, last_reopened) == deadline


@pytest.mark.parametrize("profile", [PCR2015_DPS, LIGHT_TOUCH, PA2023_DYNAMIC_MARKET, PA2023_FRAMEWORK], ids=_id)
def test_other_profiles_owe_no_reopening(profile: Profile) -> None:
    assert reopening_deadlines(profile, date(2026, 6, 1), None) is None


def test_a_reopening_cannot_precede_the_first_award() -> None:
    with pytest.raises(RuleViolation) as error:
        reopening_deadlines(PA2023_OPEN_FRAMEWORK, date(2026, 6, 1), date(2026, 5, 31))
    assert error.value.code == "reopening_before_first_award"


# --- UK-wide working days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        (Nation.SCOTLAND, date(2026, 1, 2), "New Year Holiday"),
        (Nation.SCOTLAND, date(2027, 1, 4), "New Year Holiday (observed)"),
        (Nation.NORTHERN_IRELAND, date(2026, 3, 17), "Saint Patrick's Day"),
        (Nation.NORTHERN_IRELAND, date(2027, 3, 17), "Saint Patrick's Day"),
        (Nation.NORTHERN_IRELAND, date(2027, 7, 12), "Battle of the Boyne"),
        (Nation.SCOTLAND, date(2027, 8, 2), "Summer Bank Holiday"),
    ],
)
def test_the_holidays_package_agrees_with_the_dates_these_tests_rely_on(nation: Nation, day: date, name: str) -> None:
    assert holidays.country_holidays("GB", subdiv=nation.value, years=day.year).get(day) == name


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 1, 2), "Scotland: 2 January"),
        (date(2026, 3, 17), "Northern Ireland: St Patrick's Day"),
        (date(2027, 3, 26), "everywhere: Good Friday"),
        (date(2027, 3, 29), "England, Wales, Northern Ireland: Easter Monday"),
        (date(2027, 7, 12), "Northern Ireland: Battle of the Boyne"),
        (date(2027, 8, 2), "Scotland: summer bank holiday"),
        (date(2027, 8, 30), "England, Wales, Northern Ireland: summer bank holiday"),
        (date(2026, 12, 25), "everywhere: Christmas Day"),
    ],
)
def test_a_bank_holiday_in_any_nation_is_not_a_uk_wide_working_day(day: date, why: str) -> None:
    assert day.weekday() < 5, why
    assert not UK.is_working_day(day), why


@pytest.mark.parametrize("day", [date(2026, 1, 5), date(2026, 3, 16), date(2026, 3, 18), date(2027, 7, 13)])
def test_an_ordinary_weekday_is_a_uk_wide_working_day(day: date) -> None:
    assert UK.is_working_day(day)


def test_uk_wide_bank_holidays_are_the_union_of_the_four_nations() -> None:
    union = frozenset().union(*(WorkingDays(nation).bank_holidays(2027) for nation in Nation))
    assert UK.bank_holidays(2027) == union
    assert UK.bank_holidays(2027) > UK_TIME.bank_holidays(2027)


@pytest.mark.parametrize(
    ("submitted", "england", "uk_wide"),
    [
        # Wed 16 Dec 2026: the 10th English working day is Mon 4 Jan 2027, a Scottish holiday
        # (2 January falls on a Saturday), so across the UK it is Tue 5 Jan
        (date(2026, 12, 16), date(2027, 1, 4), date(2027, 1, 5)),
        # Fri 18 Dec 2026: 6 Jan in England; 4 Jan is skipped UK-wide, so 7 Jan
        (date(2026, 12, 18), date(2027, 1, 6), date(2027, 1, 7)),
        # Fri 12 Mar 2027: England 15-19, 22-25, 30 Mar (10); UK-wide also skips St Patrick's Day,
        # Wed 17 Mar, so 31 Mar
        (date(2027, 3, 12), date(2027, 3, 30), date(2027, 3, 31)),
        # Fri 19 Mar 2027: no holiday beyond England's in the period, so the same day
        (date(2027, 3, 19), date(2027, 4, 6), date(2027, 4, 6)),
    ],
)
def test_ten_working_days_under_the_act_skip_every_nations_holidays(
    submitted: date, england: date, uk_wide: date
) -> None:
    # given an English lead authority
    assert UK_TIME.add(submitted, 10) == england
    # when the profile counts under the Procurement Act 2023 / then the UK-wide calendar applies
    calendar = calendar_for(PA2023_OPEN_FRAMEWORK, Nation.ENGLAND)
    assert isinstance(calendar, UnitedKingdomWorkingDays)
    assert decision_due(PA2023_OPEN_FRAMEWORK, submitted, calendar, period_override=10) == uk_wide
    assert calendar.count_between(submitted, uk_wide) == 10


def test_eight_working_day_standstill_over_christmas_under_the_act() -> None:
    # Thu 17 Dec 2026: 18,21,22,23,24 Dec (5), 29,30,31 Dec (8)
    calendar = calendar_for(PA2023_FRAMEWORK, Nation.ENGLAND)
    assert calendar.add(date(2026, 12, 17), PA2023_FRAMEWORK.standstill_working_days or 0) == date(2026, 12, 31)


def test_calendar_for_a_nation_profile_is_that_nations_calendar() -> None:
    calendar = calendar_for(PCR2015_DPS, Nation.SCOTLAND)
    assert type(calendar) is WorkingDays
    assert calendar.nation is Nation.SCOTLAND
    assert calendar_for(PCR2015_DPS, Nation.SCOTLAND) is calendar  # one instance keeps its cache


def test_the_uk_wide_calendar_keeps_the_lead_nation_and_the_public_api() -> None:
    calendar = UnitedKingdomWorkingDays(Nation.WALES)
    assert calendar.nation is Nation.WALES
    assert repr(calendar) == "UnitedKingdomWorkingDays(<Nation.WALES: 'WLS'>)"
    assert calendar.working_days_left(date(2026, 1, 1), date(2026, 1, 5)) == 1  # 2 Jan skipped
    assert calendar.count_between(date(2025, 12, 31), date(2026, 1, 5)) == 1
