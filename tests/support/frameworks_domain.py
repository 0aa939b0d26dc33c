"""Domain values of frameworks for the unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dps.frameworks.domain.arrangements import (
    Arrangement,
    ArrangementStatus,
    ReopeningWindow,
    ServiceType,
)

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


WINDOW = ReopeningWindow(opens_at=AT, closes_at=AT + timedelta(days=14))


def arrangement(status: ArrangementStatus = ArrangementStatus.DRAFT) -> Arrangement:
    return Arrangement(
        id=1,
        reference="NW-FOST-DPS",
        title="North West Fostering DPS",
        service_type=ServiceType.FOSTERING,
        profile_code="pcr2015_dps",
        lead_authority_id=1,
        member_authority_ids=frozenset({2, 3}),
        term_start=date(2026, 4, 1),
        term_end=date(2029, 2, 23),
        status=status,
        quality_threshold=Decimal("60.00"),
        min_evaluators=2,
        decision_period_days=None,
        windows=(WINDOW,),
        extensions=(),
        version=1,
    )
