"""Money: integer pence, Decimal percentages, and the one rounding rule.

Every fee, uplift and pro-rata amount in dps is rounded by `round_pence` and nothing else:
half up to the whole penny (0.5p becomes 1p), the rule consortia publish in their price
schedules. Amounts are never negative here, so "half up" and "half away from zero" agree.
"""

from __future__ import annotations

from decimal import Decimal

from dps.core.errors import RuleViolation
from dps.core.rounding import divide_half_up
from dps.pricing.codes import PricingCode

HUNDRED = Decimal(100)


def round_pence(amount: Decimal) -> int:
    """An exact Decimal amount of pence rounded by `divide_half_up`."""
    numerator, denominator = amount.as_integer_ratio()
    return divide_half_up(numerator, denominator)


def percent_of(pence: int, percentage: Decimal) -> int:
    """`percentage` % of `pence`, rounded once: 3.8% of 123,457p is 4,691p (4,691.366)."""
    numerator, denominator = percentage.as_integer_ratio()
    return divide_half_up(pence * numerator, 100 * denominator)


def uplifted(pence: int, percentage: Decimal) -> int:
    """`pence` raised by `percentage` %, rounded once on the total (not on the increase alone)."""
    numerator, denominator = percentage.as_integer_ratio()
    return divide_half_up(pence * (100 * denominator + numerator), 100 * denominator)


def check_pence(value: int, field: str) -> None:
    """Weekly fees and prices are whole pence, zero or more."""
    if value < 0:
        raise RuleViolation(f"{field} cannot be negative", code=PricingCode.NEGATIVE_AMOUNT, field=field)
