"""What officers, councils and providers send to compliance, as domain values: a requirement to
add, a piece of evidence, an override of a check, a concern and an Ofsted judgement. The JSON API
and the portal build these; the services never see a request Struct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dps.accounts.domain import OfstedGrade
from dps.compliance.domain.concerns import ConcernCategory
from dps.compliance.domain.requirements import CreditBands, InsuranceKind, Outcome, RequirementKind


@dataclass(frozen=True, slots=True)
class RequirementDraft:
    """A requirement from the catalogue, before it is added to an arrangement."""

    kind: RequirementKind
    title: str
    description: str
    mandatory: bool
    insurance_kind: InsuranceKind | None
    min_cover_pence: int | None
    credit_bands: CreditBands | None
    min_current_ratio: Decimal | None
    accepted_grades: frozenset[OfstedGrade] | None  # None: the default gateway
    suspend_on_failing_grade: bool
    turnover_threshold_pence: int


@dataclass(frozen=True, slots=True)
class EvidenceSubmission:
    """A provider's piece of evidence for one requirement (the figures it states, its dates)."""

    requirement_id: int
    document_id: int | None = None
    issuer: str | None = None
    starts_on: date | None = None
    expires_on: date | None = None
    cover_pence: int | None = None
    insurance_kind: InsuranceKind | None = None
    credit_score: int | None = None
    current_ratio: Decimal | None = None
    turnover_pence: int | None = None


@dataclass(frozen=True, slots=True)
class OverrideDecision:
    """An officer's replacement of one check's result for a provider (or one of its settings)."""

    requirement_id: int
    provider_id: int
    setting_id: int | None
    outcome: Outcome
    reason: str


@dataclass(frozen=True, slots=True)
class ConcernReport:
    """A council's concern about a provider (or one setting), saved as a draft or issued at once."""

    provider_id: int
    setting_id: int | None
    category: ConcernCategory
    arrangement_ids: tuple[int, ...]
    summary: str
    actions_taken: str = ""
    review_on: date | None = None
    suspends_call_offs: bool = False
    issue: bool = False


@dataclass(frozen=True, slots=True)
class OfstedJudgement:
    """A setting's new Ofsted grade, or its registration withdrawn."""

    grade: OfstedGrade | None = None
    inspection_date: date | None = None
    registration_withdrawn: bool = False
