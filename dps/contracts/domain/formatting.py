"""How money and dates read in a contract: one function each, so every document agrees."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def money(pence: int) -> str:
    """Integer pence as pounds for a contract, e.g. 123456 -> "£1,234.56", -1234 -> "-£12.34"."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def pence_of(text: str) -> int:
    """The pence a `money` text states, e.g. "£1,234.56" -> 123456 (its exact inverse)."""
    sign = -1 if text.startswith("-") else 1
    pounds, _, rest = text.removeprefix("-").removeprefix("£").replace(",", "").partition(".")
    if not pounds.isdigit() or len(rest) != 2 or not rest.isdigit():
        raise ValueError(f"not an amount written by money(): {text!r}")
    return sign * (int(pounds) * 100 + int(rest))


def percentage(value: Decimal) -> str:
    """A percentage with at most two decimals and no trailing zeros, e.g. Decimal("3.80") -> "3.8%"."""
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return f"{text}%"


def percentage_change(old_pence: int, new_pence: int) -> Decimal:
    """The change from `old_pence` to `new_pence` in percent, to two decimals (half-up)."""
    if old_pence == 0:
        return Decimal(0)
    return (Decimal(new_pence - old_pence) * 100 / Decimal(old_pence)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
