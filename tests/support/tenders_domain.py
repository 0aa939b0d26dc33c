"""Domain values of tenders for the unit tests: a call-off, a child, criteria, facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dps.accounts.domain import Need
from dps.core.evaluation import CriterionKind, Mark
from dps.tenders.domain.call_offs import (
    CallOff,
    CallOffStatus,
    ChildProfile,
    Criteria,
    PlacementType,
    QualityQuestion,
    Sex,
)
from dps.tenders.domain.offers import (
    OfferFacts,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


DEADLINE = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def child(**overrides: object) -> ChildProfile:
    values: dict[str, object] = {
        "age": 12,
        "sex": Sex.FEMALE,
        "needs": frozenset({Need.AUTISM}),
        "need_level": "complex",
        "home_district": "M5",
        "education_needs": "EHCP, mainstream with support",
        "risks": "goes missing",
        "placement_type": PlacementType.LONG_TERM,
        "siblings": 0,
        "parent_and_child": False,
        "start_date": date(2026, 12, 7),
        "expected_duration_weeks": 52,
        **overrides,
    }
    return ChildProfile(**values)  # type: ignore[arg-type]


def criteria(**overrides: object) -> Criteria:
    values: dict[str, object] = {
        "min_grade": None,
        "setting_types": (),
        "questions": (
            QualityQuestion(1, "How will you meet her needs?", CriterionKind.SCORED, 5, Decimal(60)),
            QualityQuestion(2, "Education plan", CriterionKind.SCORED, 5, Decimal(40)),
        ),
        "quality_weight": Decimal(50),
        "price_weight": Decimal(30),
        "proximity_weight": Decimal(20),
        **overrides,
    }
    return Criteria(**values)  # type: ignore[arg-type]


def call_off(**overrides: object) -> CallOff:
    values: dict[str, object] = {
        "id": 1,
        "arrangement_id": 1,
        "lot_id": 1,
        "authority_id": 1,
        "created_by": 1,
        "title": "Girl, 12",
        "child": child(),
        "criteria": criteria(),
        "deadline": DEADLINE,
        "urgent_reason": None,
        "status": CallOffStatus.DRAFT,
        "status_reason": None,
        "published_at": None,
        "closed_at": None,
        "awarded_offer_id": None,
        "award_reason": None,
        "awarded_at": None,
        "standstill_ends_at": None,
        "concluded_at": None,
        "version": 1,
        **overrides,
    }
    return CallOff(**values)  # type: ignore[arg-type]


def marks(*scores: int) -> dict[int, Mark]:
    return {i: Mark(i, s, None, "seen") for i, s in enumerate(scores, start=1)}


def facts(offer_id: int, fee: int, miles: str, *scores: int, minute: int = 0) -> OfferFacts:
    return OfferFacts(offer_id, fee, Decimal(miles), NOW + timedelta(minutes=minute), marks(*scores))
