"""What a fee variation agreed, read back from the variation itself.

The document the provider signed is the agreement: the placement it varies and the day are in its
subject (`placement:{id}:fee:{day}`), the new weekly fee is the amount its rendered context states.
When the council countersigns (activates) it, that fee becomes the placement's (`dps.tenders`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dps.contracts.domain.formatting import pence_of


@dataclass(frozen=True, slots=True)
class FeeVariationTerms:
    placement_id: int
    from_day: date
    weekly_fee_pence: int


def fee_variation_terms(subject_key: str, context: dict[str, Any]) -> FeeVariationTerms:
    """The placement, day and new weekly fee of a generated fee variation."""
    kind, placement_id, marker, day = subject_key.split(":")
    if kind != "placement" or marker != "fee":
        raise ValueError(f"not a fee variation's subject: {subject_key!r}")
    return FeeVariationTerms(int(placement_id), date.fromisoformat(day), pence_of(context["new_weekly_fee"]))
