"""Money: integer pence, Decimal percentages, and the one rounding rule.

Every fee, uplift and pro-rata amount in dps is rounded by `round_pence` and nothing else:
half up to the whole penny (0.5p becomes 1p), the rule consortia publish in their price
schedules. Amounts are never negative here, so "half up" and "half away from zero" agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from dps.core.errors import RuleViolation

HUNDRED = Decimal(100)
ONE_PENNY = Decimal(1)


def round_pence(amount: Decimal) -> int:
    """An exact amount of pence rounded half up to a whole penny (the one rounding rule)."""
    return int(amount.quantize(ONE_PENNY, rounding=ROUND_HALF_UP))


def percent_of(pence: int, percentage: Decimal) -> int:
    """`percentage` % of `pence`, rounded once: 3.8% of 123,457p is 4,691p (4,691.366)."""
    return round_pence(Decimal(pence) * percentage / HUNDRED)


def uplifted(pence: int, percentage: Decimal) -> int:
    """`pence` raised by `percentage` %, rounded once on the total (not on the increase alone)."""
    return round_pence(Decimal(pence) * (HUNDRED + percentage) / HUNDRED)


def check_pence(value: int, field: str) -> None:
    """Weekly fees and prices are whole pence, zero or more."""
    if value < 0:
        raise RuleViolation(f"{field} cannot be negative", code="negative_amount", field=field)
