"""Rounding, written once: one rule for exact fractions (scores, miles) and one for whole pence.

Both round halves up, as people round by hand and as published price schedules and worked
examples do, never to even as Python's `round()` does. DESIGN.md "Money": money is integer pence
everywhere and rounded in one named function.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import floor


def round_half_up(value: Decimal | Fraction, places: str = "0.01") -> Decimal:
    """Round exactly to `places` (a power of ten: "0.01", "0.1", "1"), halves away from zero.

    This is the one rounding function for scores. Halves go up (59.995 -> 60.00, 2.5 -> 3) as
    people round by hand and as a published worked example would, not to even as Python's
    `round()` does. The value is converted to a `Fraction` first, so no intermediate step is
    rounded by a `decimal` context's precision and the result is exact to the last place.
    """
    try:
        quantum = Decimal(places)
    except InvalidOperation:
        quantum = Decimal("NaN")
    sign, digits, exponent = quantum.as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int):
        # a programming error, not a user's: the places are constants in the callers
        raise ValueError(f"places must be a power of ten such as '0.01', not {places!r}")
    steps = Fraction(value) / Fraction(quantum)
    whole = floor(abs(steps) + Fraction(1, 2))
    return Decimal(-whole if steps < 0 else whole).scaleb(exponent)


def divide_half_up(numerator: int, denominator: int = 1) -> int:
    """The exact quotient `numerator / denominator` rounded half up to a whole number: the rounding
    rule for pence (0.5p becomes 1p). Integer arithmetic, so it is exact and fast (no float, no
    decimal context)."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    return (2 * numerator + denominator) // (2 * denominator)
