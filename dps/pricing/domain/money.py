"""Money: integer pence, Decimal percentages, and the one rounding rule.

Every fee, uplift and pro-rata amount in dps is rounded by `round_pence` and nothing else:
half up to the whole penny (0.5p becomes 1p), the rule consortia publish in their price
schedules. Amounts are never negative here, so "half up" and "half away from zero" agree.
"""

from __future__ import annotations

from decimal import Decimal

from dps.core.errors import RuleViolation

HUNDRED = Decimal(100)


def round_half_up(numerator: int, denominator: int = 1) -> int:
    """The exact amount `numerator / denominator` pence rounded half up to a whole penny: THE
    rounding rule of dps. Integer arithmetic, so it is exact and fast (no float, no context)."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    return (2 * numerator + denominator) // (2 * denominator)


def round_pence(amount: Decimal) -> int:
    """An exact Decimal amount of pence rounded by `round_half_up`."""
    numerator, denominator = amount.as_integer_ratio()
    return round_half_up(numerator, denominator)


def percent_of(pence: int, percentage: Decimal) -> int:
    """`percentage` % of `pence`, rounded once: 3.8% of 123,457p is 4,691p (4,691.366)."""
    numerator, denominator = percentage.as_integer_ratio()
    return round_half_up(pence * numerator, 100 * denominator)


def uplifted(pence: int, percentage: Decimal) -> int:
    """`pence` raised by `percentage` %, rounded once on the total (not on the increase alone)."""
    numerator, denominator = percentage.as_integer_ratio()
    return round_half_up(pence * (100 * denominator + numerator), 100 * denominator)


def check_pence(value: int, field: str) -> None:
    """Weekly fees and prices are whole pence, zero or more."""
    if value < 0:
        raise RuleViolation(f"{field} cannot be negative", code="negative_amount", field=field)
