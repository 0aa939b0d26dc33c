"""Procurement profiles: the rules of each kind of arrangement, kept as data, not code branches.

An arrangement names one profile (DESIGN.md, "Arrangement rules"). Every number a profile sets
carries the regulation it comes from in `citations`, keyed by the field's name; a profile that
sets a number without citing it fails at import. The functions below read a profile and plain
arguments (dates, a calendar) and never the clock.

Dates and terms. A term runs from `start` to `end` inclusive: `end` is the last day the
arrangement is in force. "N years beginning with day D" ends on the day before D's N-th
anniversary (`period_last_day`); the anniversary of 29 February in a common year is 1 March, so a
year beginning with 29 February 2028 ends on 28 February 2029, as one beginning with 1 March
2028 does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from dps.core.calendar import Nation, UnitedKingdomWorkingDays, WorkingDays
from dps.core.errors import InvalidInput, RuleViolation
from dps.frameworks.codes import FrameworkCode


class ProfileCode(StrEnum):
    PCR2015_DPS = "pcr2015_dps"
    LIGHT_TOUCH = "light_touch"
    PA2023_DYNAMIC_MARKET = "pa2023_dynamic_market"
    PA2023_OPEN_FRAMEWORK = "pa2023_open_framework"
    PA2023_FRAMEWORK = "pa2023_framework"


class JoiningRule(StrEnum):
    """When a supplier may apply to join."""

    ANY_TIME = "any_time"
    REOPENING_WINDOWS = "reopening_windows"
    CLOSED_AFTER_AWARD = "closed_after_award"


class DayCount(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class TermCountedFrom(StrEnum):
    """Where a maximum term starts: the arrangement's start, or the award of its first framework."""

    START = "start"
    FIRST_AWARD = "first_award"


class CalendarScope(StrEnum):
    """Whose bank holidays a working day skips."""

    NATION = "nation"  # the lead authority's nation
    UNITED_KINGDOM = "united_kingdom"  # a bank holiday anywhere in the UK


@dataclass(frozen=True, slots=True)
class Profile:
    """The rules of one kind of arrangement; `None` means the regime sets no such number."""

    code: ProfileCode
    title: str
    regime: str
    joining: JoiningRule
    decision_period: int | None  # default period to decide an application
    decision_period_unit: DayCount
    decision_period_configurable: bool  # the arrangement may set its own period
    decision_extension_to: int | None  # the period may be extended once to this, with a reason
    fixed_end_date: date | None  # no term may run past this day
    max_term_years: int | None
    max_term_counted_from: TermCountedFrom
    first_reopening_within_years: int | None  # counted from the first award
    reopening_every_years: int | None  # counted from the previous reopening
    min_offer_period_days: int | None  # calendar days a call-off stays open for offers
    standstill_working_days: int | None  # after the contract award notice, where a standstill applies
    conditions_locked_when_open: bool  # conditions for membership frozen once open
    every_call_off_invites_all: bool  # a call-off goes to every eligible member of the lot
    supplier_fees_prohibited: bool
    calendar_scope: CalendarScope
    citations: Mapping[str, str] = field(hash=False)  # field name -> the rule it comes from

    def __post_init__(self) -> None:
        known = {f.name for f in fields(Profile)}
        unknown = sorted(set(self.citations) - known)
        if unknown:
            raise ValueError(f"{self.code}: citations name no field: {unknown}")
        uncited = [name for name in CITED_FIELDS if getattr(self, name) is not None and name not in self.citations]
        if uncited:
            raise ValueError(f"{self.code}: every number needs its regulation; uncited: {uncited}")


# The fields that hold a number (or a date) from the regulations: each one set must be cited.
CITED_FIELDS: tuple[str, ...] = (
    "decision_period",
    "decision_extension_to",
    "fixed_end_date",
    "max_term_years",
    "first_reopening_within_years",
    "reopening_every_years",
    "min_offer_period_days",
    "standstill_working_days",
)

_PA2023_WORKING_DAY = (
    "Procurement Act 2023 s.123: a working day is not a Saturday, Sunday, Christmas Day, Good Friday "
    "or a bank holiday under the Banking and Financial Dealings Act 1971 in any part of the UK"
)
_PA2023_STANDSTILL = (
    "Procurement Act 2023 s.51: standstill of 8 working days beginning with the day the contract "
    "award notice is published (s.51 lists the awards exempt from a mandatory standstill)"
)

PCR2015_DPS = Profile(
    code=ProfileCode.PCR2015_DPS,
    title="Dynamic purchasing system (PCR 2015)",
    regime="Public Contracts Regulations 2015",
    joining=JoiningRule.ANY_TIME,
    decision_period=10,
    decision_period_unit=DayCount.WORKING_DAYS,
    decision_period_configurable=False,
    decision_extension_to=15,
    fixed_end_date=date(2029, 2, 23),
    max_term_years=None,  # set by the authority, bounded by fixed_end_date
    max_term_counted_from=TermCountedFrom.START,
    first_reopening_within_years=None,
    reopening_every_years=None,
    min_offer_period_days=10,
    standstill_working_days=None,
    conditions_locked_when_open=False,
    every_call_off_invites_all=True,
    supplier_fees_prohibited=True,
    calendar_scope=CalendarScope.NATION,
    citations=MappingProxyType(
        {
            "joining": "PCR 2015 reg 34: any economic operator may request to participate "
            "throughout the period of validity of the system",
            "decision_period": "PCR 2015 reg 34: requests to participate are evaluated within "
            "10 working days of receipt",
            "decision_extension_to": "PCR 2015 reg 34: the 10 working days may be prolonged to 15 "
            "working days in individual cases where justified",
            "fixed_end_date": "Procurement Act 2023 (Commencement No. 3 and Transitional and Saving "
            "Provisions) Regulations 2024 (SI 2024/716) reg 5(4), as amended: a DPS under PCR 2015 "
            "ends on 23 February 2029",
            "min_offer_period_days": "PCR 2015 reg 34: at least 10 days for tenders from the "
            "invitation, unless a sub-central authority agrees the period with all candidates",
            "standstill_working_days": "PCR 2015 regs 86-87: the standstill is counted in calendar "
            "days and is not required for a contract based on a DPS",
            "every_call_off_invites_all": "PCR 2015 reg 34: every admitted participant (of the "
            "category) is invited to tender for each specific contract",
            "supplier_fees_prohibited": "PCR 2015 reg 34(29): no charges may be billed to economic "
            "operators interested in or party to the system",
            "calendar_scope": "DESIGN.md 'Arrangement rules': weekends and the bank holidays of the "
            "lead authority's nation",
        }
    ),
)

LIGHT_TOUCH = Profile(
    code=ProfileCode.LIGHT_TOUCH,
    title="Flexible purchasing system (light touch regime)",
    regime="Public Contracts Regulations 2015",
    joining=JoiningRule.REOPENING_WINDOWS,
    decision_period=None,  # the consortium sets it per arrangement
    decision_period_unit=DayCount.WORKING_DAYS,
    decision_period_configurable=True,
    decision_extension_to=None,
    fixed_end_date=None,
    max_term_years=None,  # set by the consortium
    max_term_counted_from=TermCountedFrom.START,
    first_reopening_within_years=None,  # windows are published by the consortium
    reopening_every_years=None,
    min_offer_period_days=None,
    standstill_working_days=None,
    conditions_locked_when_open=False,
    every_call_off_invites_all=False,
    supplier_fees_prohibited=False,
    calendar_scope=CalendarScope.NATION,
    citations=MappingProxyType(
        {
            "joining": "PCR 2015 regs 74-76: the authority designs the procedure (here, published "
            "reopening windows), which must be transparent and treat suppliers equally (reg 76)",
            "decision_period_configurable": "PCR 2015 reg 76: the procedure, its periods included, "
            "is the authority's to set",
            "standstill_working_days": "PCR 2015 regs 74-76: call-offs below the threshold have no standstill",
            "calendar_scope": "DESIGN.md 'Arrangement rules': weekends and the bank holidays of the "
            "lead authority's nation",
        }
    ),
)

PA2023_DYNAMIC_MARKET = Profile(
    code=ProfileCode.PA2023_DYNAMIC_MARKET,
    title="Dynamic market (Procurement Act 2023)",
    regime="Procurement Act 2023",
    joining=JoiningRule.ANY_TIME,
    decision_period=30,  # our default for the Act's "reasonable period"; the arrangement may set another
    decision_period_unit=DayCount.CALENDAR_DAYS,
    decision_period_configurable=True,
    decision_extension_to=None,
    fixed_end_date=None,
    max_term_years=None,  # set by the authority
    max_term_counted_from=TermCountedFrom.START,
    first_reopening_within_years=None,
    reopening_every_years=None,
    min_offer_period_days=None,
    standstill_working_days=8,
    conditions_locked_when_open=True,
    every_call_off_invites_all=False,
    supplier_fees_prohibited=False,
    calendar_scope=CalendarScope.UNITED_KINGDOM,
    citations=MappingProxyType(
        {
            "joining": "Procurement Act 2023 ss.34-40: suppliers may apply to join at any time while "
            "the market is open; excluded suppliers are removed",
            "decision_period": "Procurement Act 2023 ss.34-40: applications are decided within a "
            "reasonable period; 30 calendar days is our default (DESIGN.md)",
            "conditions_locked_when_open": "Procurement Act 2023 ss.34-40: conditions for membership "
            "cannot change once the market is open",
            "standstill_working_days": _PA2023_STANDSTILL,
            "calendar_scope": _PA2023_WORKING_DAY,
        }
    ),
)

PA2023_OPEN_FRAMEWORK = Profile(
    code=ProfileCode.PA2023_OPEN_FRAMEWORK,
    title="Open framework (Procurement Act 2023)",
    regime="Procurement Act 2023",
    joining=JoiningRule.REOPENING_WINDOWS,
    decision_period=None,  # set per arrangement
    decision_period_unit=DayCount.WORKING_DAYS,
    decision_period_configurable=True,
    decision_extension_to=None,
    fixed_end_date=None,
    max_term_years=8,
    max_term_counted_from=TermCountedFrom.FIRST_AWARD,
    first_reopening_within_years=3,
    reopening_every_years=5,
    min_offer_period_days=None,
    standstill_working_days=8,
    conditions_locked_when_open=False,
    every_call_off_invites_all=False,
    supplier_fees_prohibited=False,
    calendar_scope=CalendarScope.UNITED_KINGDOM,
    citations=MappingProxyType(
        {
            "joining": "Procurement Act 2023 s.49: suppliers join when the scheme is reopened",
            "max_term_years": "Procurement Act 2023 s.49: an open framework ends no later than 8 years "
            "beginning with the day the first framework is awarded",
            "first_reopening_within_years": "Procurement Act 2023 s.49: reopened at least once within "
            "3 years of the first award",
            "reopening_every_years": "Procurement Act 2023 s.49: then reopened at least every 5 years",
            "standstill_working_days": _PA2023_STANDSTILL,
            "calendar_scope": _PA2023_WORKING_DAY,
        }
    ),
)

PA2023_FRAMEWORK = Profile(
    code=ProfileCode.PA2023_FRAMEWORK,
    title="Framework (Procurement Act 2023)",
    regime="Procurement Act 2023",
    joining=JoiningRule.CLOSED_AFTER_AWARD,
    decision_period=None,  # no applications once awarded
    decision_period_unit=DayCount.WORKING_DAYS,
    decision_period_configurable=False,
    decision_extension_to=None,
    fixed_end_date=None,
    max_term_years=4,
    max_term_counted_from=TermCountedFrom.START,
    first_reopening_within_years=None,
    reopening_every_years=None,
    min_offer_period_days=None,
    standstill_working_days=8,
    conditions_locked_when_open=False,
    every_call_off_invites_all=False,
    supplier_fees_prohibited=False,
    calendar_scope=CalendarScope.UNITED_KINGDOM,
    citations=MappingProxyType(
        {
            "joining": "Procurement Act 2023 ss.45-47: the framework's suppliers are those awarded it",
            "max_term_years": "Procurement Act 2023 ss.45-47: a framework's term is at most 4 years",
            "standstill_working_days": _PA2023_STANDSTILL,
            "calendar_scope": _PA2023_WORKING_DAY,
        }
    ),
)

PROFILES: Mapping[ProfileCode, Profile] = MappingProxyType(
    {
        profile.code: profile
        for profile in (
            PCR2015_DPS,
            LIGHT_TOUCH,
            PA2023_DYNAMIC_MARKET,
            PA2023_OPEN_FRAMEWORK,
            PA2023_FRAMEWORK,
        )
    }
)


def get_profile(code: ProfileCode | str) -> Profile:
    """Return the profile with this code."""
    try:
        return PROFILES[ProfileCode(code)]
    except ValueError:
        raise InvalidInput(f"there is no procurement profile '{code}'", code=FrameworkCode.UNKNOWN_PROFILE) from None


# --- dates -------------------------------------------------------------------------------------


def anniversary(day: date, years: int) -> date:
    """The same day and month `years` later; 29 February falls on 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return date(day.year + years, 3, 1)


def period_last_day(first_day: date, years: int) -> date:
    """The last day of the period of `years` years beginning with `first_day`."""
    return anniversary(first_day, years) - timedelta(days=1)


# --- decisions on applications -----------------------------------------------------------------


def decision_due(
    profile: Profile, submitted_on: date, calendar: WorkingDays, period_override: int | None = None
) -> date:
    """The day a decision on an application submitted on `submitted_on` falls due."""
    period = profile.decision_period
    if period_override is not None:
        if not profile.decision_period_configurable:
            raise RuleViolation(
                f"the decision period of a {profile.title} is set by law and cannot be configured",
                code=FrameworkCode.DECISION_PERIOD_NOT_CONFIGURABLE,
            )
        if period_override < 1:
            raise RuleViolation("a decision period is at least one day", code=FrameworkCode.DECISION_PERIOD_INVALID)
        period = period_override
    if period is None:
        raise RuleViolation(
            f"a {profile.title} has no decision period; configure one for the arrangement",
            code=FrameworkCode.DECISION_PERIOD_NOT_CONFIGURED,
        )
    if profile.decision_period_unit is DayCount.CALENDAR_DAYS:
        return submitted_on + timedelta(days=period)
    # The day of receipt never counts ("within 10 working days following their receipt").
    return calendar.add(submitted_on, period)


def extended_decision_due(profile: Profile, submitted_on: date, calendar: WorkingDays, reason: str) -> date:
    """The extended due date (PCR 2015 reg 34: 15 working days); the caller records the reason and
    refuses a second extension."""
    if profile.decision_extension_to is None:
        raise RuleViolation(
            f"the decision period of a {profile.title} cannot be extended", code=FrameworkCode.EXTENSION_NOT_ALLOWED
        )
    if not reason.strip():
        raise RuleViolation("say why the decision needs more time", code=FrameworkCode.EXTENSION_REASON_REQUIRED)
    if profile.decision_period_unit is DayCount.CALENDAR_DAYS:
        return submitted_on + timedelta(days=profile.decision_extension_to)
    return calendar.add(submitted_on, profile.decision_extension_to)


# --- terms and reopening -----------------------------------------------------------------------


def term_end_allowed(profile: Profile, start: date, end: date, first_award: date | None = None) -> None:
    """Refuse a term (start to end, both inclusive) that runs past what the profile allows."""
    if end < start:
        raise RuleViolation("the term must not end before it starts", code=FrameworkCode.TERM_ENDS_BEFORE_START)
    if profile.fixed_end_date is not None and end > profile.fixed_end_date:
        raise RuleViolation(
            f"a {profile.title} cannot run past {profile.fixed_end_date.isoformat()}",
            code=FrameworkCode.TERM_TOO_LONG,
            latest_end=profile.fixed_end_date.isoformat(),
        )
    if profile.max_term_years is not None:
        counted_from = start
        if profile.max_term_counted_from is TermCountedFrom.FIRST_AWARD and first_award is not None:
            counted_from = first_award
        latest_end = period_last_day(counted_from, profile.max_term_years)
        if end > latest_end:
            raise RuleViolation(
                f"a {profile.title} lasts at most {profile.max_term_years} years: "
                f"the last day may be {latest_end.isoformat()}",
                code=FrameworkCode.TERM_TOO_LONG,
                latest_end=latest_end.isoformat(),
            )


def reopening_deadlines(profile: Profile, first_award: date, last_reopened: date | None) -> date | None:
    """The last day by which the next reopening must happen, or None when the profile sets no
    deadline or the scheme ends first."""
    if profile.first_reopening_within_years is None or profile.reopening_every_years is None:
        return None
    if last_reopened is None:
        deadline = period_last_day(first_award, profile.first_reopening_within_years)
    else:
        if last_reopened < first_award:
            raise RuleViolation(
                "a reopening cannot come before the first award", code=FrameworkCode.REOPENING_BEFORE_FIRST_AWARD
            )
        deadline = period_last_day(last_reopened, profile.reopening_every_years)
    if profile.max_term_years is not None and deadline > period_last_day(first_award, profile.max_term_years):
        return None  # the scheme has ended by then; no further reopening is owed
    return deadline


# --- calendars ---------------------------------------------------------------------------------


def calendar_for(profile: Profile, nation: Nation) -> WorkingDays:
    """The working-day calendar a profile counts with, for a lead authority in `nation`."""
    return _calendar(profile.calendar_scope, nation)


@cache
def _calendar(scope: CalendarScope, nation: Nation) -> WorkingDays:
    # One instance per (scope, nation) so each keeps its per-year holiday cache.
    if scope is CalendarScope.UNITED_KINGDOM:
        return UnitedKingdomWorkingDays(nation)
    return WorkingDays(nation)
