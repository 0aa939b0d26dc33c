"""Working days for the nations of the United Kingdom.

Procurement time limits are counted in working days: a DPS under PCR 2015 reg 34 must decide on a
request to participate within 10 working days of receipt (extendable to 15 where justified), and
the Procurement Act 2023 counts its periods the same way (for example the 8-working-day standstill
after a contract award notice, s.51). A working day is any day that is not a Saturday, a Sunday or
a bank holiday (Banking and Financial Dealings Act 1971), and bank holidays differ between England,
Wales, Scotland and Northern Ireland, so the calendar depends on the lead authority's nation.
Holidays come from the `holidays` package with an explicit subdivision: without one it leaves out
holidays that only some nations keep, such as Easter Monday.

Counting convention, the one used by the regulations ("within 10 working days of receipt"):
the day of the event never counts. `add(start, n)` is the n-th working day after `start`, and
`count_between(start, end)` counts working days in the half-open interval (start, end], so
`count_between(s, add(s, n)) == n` for every start and every n >= 0.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

import holidays

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5  # date.weekday(): Monday is 0


class Nation(StrEnum):
    """A part of the UK with its own bank holidays; the value is the ISO 3166-2:GB subdivision."""

    ENGLAND = "ENG"
    WALES = "WLS"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"


class WorkingDays:
    """Working-day arithmetic for one nation: weekends and its bank holidays are not working days."""

    def __init__(self, nation: Nation = Nation.ENGLAND) -> None:
        self.nation = nation
        # One frozen set per calendar year, computed on first use. Two threads may compute the
        # same year at once; both store an equal set, so no lock is needed.
        self._holidays_by_year: dict[int, frozenset[date]] = {}

    def __repr__(self) -> str:
        return f"WorkingDays({self.nation!r})"

    def bank_holidays(self, year: int) -> frozenset[date]:
        """Return the bank holidays of this nation in one year."""
        cached = self._holidays_by_year.get(year)
        if cached is None:
            calendar = holidays.country_holidays("GB", subdiv=self.nation.value, years=year)
            cached = frozenset(calendar.keys())
            self._holidays_by_year[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        """Return whether a day is neither a weekend day nor a bank holiday."""
        return day.weekday() < _SATURDAY and day not in self.bank_holidays(day.year)

    def add(self, start: date, days: int) -> date:
        """Return the `days`-th working day after `start` (`start` itself never counts)."""
        if days < 0:
            raise ValueError(f"days must be zero or more, not {days}")
        current = start
        remaining = days
        while remaining:
            current += _ONE_DAY
            if self.is_working_day(current):
                remaining -= 1
        return current

    def count_between(self, start: date, end: date) -> int:
        """Count working days in (start, end]; negative, mirrored, when end is before start."""
        if end < start:
            return -self.count_between(end, start)
        count = 0
        current = start
        while current < end:
            current += _ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count

    def working_days_left(self, today: date, due: date) -> int:
        """Working days from today until due: 0 when due today, negative once overdue."""
        return self.count_between(today, due)


class UnitedKingdomWorkingDays(WorkingDays):
    """Working days counted across the whole UK: a bank holiday in any of its nations does not count.

    The Procurement Act 2023 (s.123) counts a working day as any day other than a Saturday, a
    Sunday, Christmas Day, Good Friday or a bank holiday under the Banking and Financial Dealings Act
    1971 in any part of the United Kingdom, so under the Act an English authority's deadline also
    skips 2 January (Scotland) and 17 March (Northern Ireland). `nation` stays the lead authority's
    nation, for display; it no longer decides which holidays count.
    """

    def __init__(self, nation: Nation = Nation.ENGLAND) -> None:
        super().__init__(nation)
        self._nations = tuple(WorkingDays(each) for each in Nation)

    def __repr__(self) -> str:
        return f"UnitedKingdomWorkingDays({self.nation!r})"

    def bank_holidays(self, year: int) -> frozenset[date]:
        """Return the bank holidays of every nation of the UK in one year (their union)."""
        cached = self._holidays_by_year.get(year)
        if cached is None:
            cached = frozenset().union(*(calendar.bank_holidays(year) for calendar in self._nations))
            self._holidays_by_year[year] = cached
        return cached
