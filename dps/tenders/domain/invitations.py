"""Who a placement request went to: one row per eligible setting of the lot, invited or not."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Invitation:
    """A setting considered for a call-off: invited, or not with the reasons (ineligibility, a concern),
    and its straight-line distance from the child's home district when its postcode is known."""

    id: int
    call_off_id: int
    setting_id: int
    setting_name: str
    provider_id: int
    membership_id: int | None
    invited: bool
    reasons: tuple[dict[str, str], ...]
    distance_miles: Decimal | None
    preferred_needs_met: tuple[str, ...] = ()
