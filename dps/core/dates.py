"""UK time and dates, written once for every package.

Procurement periods, reminders and documents speak of days in the UK, not in UTC: a request
received at 00:30 BST on a Monday was received on the Monday (day counts start from it, PCR 2015
reg 34(15); Procurement Act 2023 s.51 counts the standstill the same way), and a reminder "on"
a day goes out at 00:00 UK time that day. Instants stay UTC-aware everywhere; only these
functions turn them into UK days and back.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


def uk_date(at: datetime) -> date:
    """The day an instant falls on in the UK: a request received at 00:30 BST on a Monday was
    received on the Monday, although it is still Sunday in UTC. Day counts start from this day."""
    return at.astimezone(UK_TIME).date()


def start_of(day: date) -> datetime:
    """00:00 in the UK on `day`, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=UK_TIME)


def months_after(day: date, months: int) -> date:
    """The same day of the month `months` later (earlier when negative), clamped to the month's
    last day (31 August plus 6 months is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped (31 August less 6 months is 28 or 29
    February): `months_after` counted back."""
    return months_after(day, -months)


def long_date(day: date) -> str:
    """A date as written in English letters and legal documents, e.g. "1 April 2027" (no leading zero)."""
    return f"{day.day} {day:%B %Y}"
