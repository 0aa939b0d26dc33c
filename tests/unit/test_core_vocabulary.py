"""The shared vocabulary of dps.core: UK days, month arithmetic, long dates, rounding."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dps.core.dates import long_date, months_after, months_before, start_of, uk_date
from dps.core.rounding import divide_half_up


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # clamped to the month's last day
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),  # across the year backwards
        (date(2026, 3, 31), 0, date(2026, 3, 31)),
    ],
)
def test_months_after_keeps_the_day_clamped_to_the_month(day: date, months: int, expected: date) -> None:
    assert months_after(day, months) == expected
    assert months_before(day, -months) == expected


def test_a_uk_day_starts_at_midnight_uk_time_not_utc() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert start_of(date(2026, 7, 1)).astimezone(UTC) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert start_of(date(2026, 1, 1)).astimezone(UTC) == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


def test_long_date_has_no_leading_zero() -> None:
    assert long_date(date(2027, 4, 1)) == "1 April 2027"


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 10, 1), (4, 10, 0), (15, 10, 2), (14999, 10000, 1), (3, 1, 3), (0, 7, 0)],
)
def test_divide_half_up_rounds_a_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert divide_half_up(numerator, denominator) == expected


def test_divide_half_up_needs_a_positive_denominator() -> None:
    with pytest.raises(ValueError):
        divide_half_up(1, 0)
