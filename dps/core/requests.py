"""The request-Struct base and the field types shared by every package's request bodies.

One definition of each shape, so a title, a reason or an amount of money is bounded the same
way wherever it is sent. Business rules stay in the domain; these bound only the shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from msgspec import Meta, Struct, UnsetType

from dps.core.patches import UNCHANGED, Unchanged

T = TypeVar("T")
U = TypeVar("U")


class Input(Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of request bodies: unknown fields are a 400, not silently dropped."""


# --- text ------------------------------------------------------------------------------------

Title = Annotated[str, Meta(min_length=1, max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=1000)]
ShortText = Annotated[str, Meta(max_length=2000)]
OnsCode = Annotated[str, Meta(pattern=r"^[ENSW]\d{8}$", examples=["E08000003"])]
Instant = Annotated[datetime, Meta(tz=True, examples=["2027-01-04T09:00:00Z"])]

# --- money (integer pence) ---------------------------------------------------------------------
# The bounds only stop absurd numbers before they reach the domain; each is named by what it holds.
MAX_PENCE = 10**15  # a cover amount or turnover: far above any insurer's limit
MAX_WEEKLY_FEE_PENCE = 100_000_000  # GBP 1m a week: no placement costs that
MAX_BAND_FEE_PENCE = 10_000_000  # GBP 100k a week: the ceiling a price band or rate card may state

Pence = Annotated[int, Meta(ge=0, le=MAX_PENCE, examples=[1_000_000_000])]
WeeklyFeePence = Annotated[int, Meta(ge=0, le=MAX_WEEKLY_FEE_PENCE, description="integer pence")]
OfferFeePence = Annotated[int, Meta(ge=1, le=MAX_WEEKLY_FEE_PENCE, description="integer pence")]
BandFeePence = Annotated[int, Meta(ge=0, le=MAX_BAND_FEE_PENCE, examples=[123457])]


def given(value: T | UnsetType) -> T | Unchanged:
    """A request field as a patch's domain value: absent (msgspec's UNSET) is `UNCHANGED`."""
    return UNCHANGED if isinstance(value, UnsetType) else value


def given_as(value: T | UnsetType, convert: Callable[[T], U]) -> U | Unchanged:
    """`given`, converting a field that was sent (a list of Structs to domain values, say)."""
    return UNCHANGED if isinstance(value, UnsetType) else convert(value)
