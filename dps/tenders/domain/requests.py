"""What a commissioner asks for when raising or changing a placement request, as domain values
(the JSON API and the portal both build these; the services never see a request Struct)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dps.core.patches import UNCHANGED, Unchanged
from dps.tenders.domain.call_offs import ChildProfile, Criteria


@dataclass(frozen=True, slots=True)
class CallOffDraft:
    """A new placement request: the anonymised child, the criteria and the deadline for offers."""

    arrangement_id: int
    lot_id: int
    title: str
    child: ChildProfile
    criteria: Criteria
    deadline: datetime
    urgent_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CallOffChanges:
    """A change to a draft request; `UNCHANGED` fields stay as they are (None clears urgent_reason)."""

    title: str | Unchanged = UNCHANGED
    child: ChildProfile | Unchanged = UNCHANGED
    criteria: Criteria | Unchanged = UNCHANGED
    deadline: datetime | Unchanged = UNCHANGED
    urgent_reason: str | Unchanged | None = UNCHANGED
