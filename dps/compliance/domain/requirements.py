"""Due-diligence requirements, the evidence that meets them, and each check's result.

A requirement belongs to one arrangement and is set by the lead authority's officers from a
catalogue (DESIGN.md "Compliance"). Evidence is what a provider attaches: a document with the
figures that matter (cover, dates, a credit score, a current ratio, a turnover). `evaluate`
turns a requirement, the provider's current evidence and (for setting-level requirements) the
setting's Ofsted facts into one result with its reason; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from dps.accounts.domain import FOUR_POINT_GRADES, SA_OUTCOMES, OfstedGrade, SettingType
from dps.compliance.codes import ComplianceCode
from dps.core.errors import RuleViolation


class RequirementKind(StrEnum):
    INSURANCE = "insurance"
    CREDIT_SCORE = "credit_score"
    ACCOUNTS = "accounts"
    OFSTED = "ofsted"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    DBS_POLICY = "dbs_policy"
    DATA_PROTECTION = "data_protection"  # NHS Data Security and Protection Toolkit (DSPT)
    MODERN_SLAVERY = "modern_slavery"
    CUSTOM = "custom"


class InsuranceKind(StrEnum):
    EMPLOYERS_LIABILITY = "employers_liability"
    PUBLIC_LIABILITY = "public_liability"
    PROFESSIONAL_INDEMNITY = "professional_indemnity"
    HISTORICAL_ABUSE = "historical_abuse"


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 - a check outcome, not a password
    FAIL = "fail"
    REVIEW = "review"
    MISSING = "missing"
    EXPIRED = "expired"


class ComplianceStatus(StrEnum):
    COMPLIANT = "compliant"
    EXPIRING = "expiring"
    NON_COMPLIANT = "non_compliant"


# Employers' Liability (Compulsory Insurance) Regulations 1998 reg 3: at least GBP 5m for any one
# occurrence. An arrangement may ask for more (often GBP 10m), never less.
EMPLOYERS_LIABILITY_STATUTORY_MINIMUM_PENCE = 5_000_000_00
# Modern Slavery Act 2015 s.54 and the Modern Slavery Act 2015 (Transparency in Supply Chains)
# Regulations 2015 (SI 2015/1833) reg 2: a statement is due from organisations with a total
# turnover of GBP 36m or more.
MODERN_SLAVERY_TURNOVER_PENCE = 36_000_000_00
# Evidence expiring within this many days makes a membership "expiring" (reminders at 30 and 7).
EXPIRING_WITHIN_DAYS = 30

# Ofsted judgements from best to worst. Supported accommodation is judged on outcomes 1-3
# (Supported Accommodation (England) Regulations 2023), 1 the best; everything else on the
# four-point scale. Ranks compare within a scale only.
GRADE_RANK: dict[OfstedGrade, int] = {
    OfstedGrade.OUTSTANDING: 1,
    OfstedGrade.GOOD: 2,
    OfstedGrade.REQUIRES_IMPROVEMENT: 3,
    OfstedGrade.INADEQUATE: 4,
    OfstedGrade.SA_OUTCOME_1: 1,
    OfstedGrade.SA_OUTCOME_2: 2,
    OfstedGrade.SA_OUTCOME_3: 3,
}
# The worst judgement on each scale: recording it (or a withdrawn registration) is what suspends.
FAILING_GRADES = frozenset({OfstedGrade.INADEQUATE, OfstedGrade.SA_OUTCOME_3})
# The usual gateway, "not Inadequate" (and not the worst supported-accommodation outcome).
DEFAULT_GATEWAY = frozenset(set(OfstedGrade) - FAILING_GRADES)

PROVIDER_LEVEL_KINDS = frozenset(set(RequirementKind) - {RequirementKind.OFSTED})


def grade_at_least(grade: OfstedGrade | None, minimum: OfstedGrade) -> bool:
    """Whether `grade` is as good as `minimum` on the same scale (an ungraded setting is not)."""
    if grade is None:
        return False
    same_scale = (grade in SA_OUTCOMES) == (minimum in SA_OUTCOMES)
    return same_scale and GRADE_RANK[grade] <= GRADE_RANK[minimum]


def grade_scale_of(setting_type: SettingType) -> frozenset[OfstedGrade]:
    return SA_OUTCOMES if setting_type is SettingType.SUPPORTED_ACCOMMODATION else FOUR_POINT_GRADES


@dataclass(frozen=True, slots=True)
class CreditBands:
    """Credit score bands, e.g. 51-100 accept, 21-50 review, 1-20 reject: a score at or above
    `accept_from` passes, at or above `review_from` needs an officer, anything lower fails."""

    accept_from: int
    review_from: int

    def __post_init__(self) -> None:
        if not 1 <= self.review_from <= self.accept_from <= 100:
            raise RuleViolation(
                "credit bands need 1 <= review_from <= accept_from <= 100", code=ComplianceCode.INVALID_CREDIT_BANDS
            )


@dataclass(frozen=True, slots=True)
class Requirement:
    id: int
    arrangement_id: int
    kind: RequirementKind
    title: str
    mandatory: bool
    insurance_kind: InsuranceKind | None = None
    min_cover_pence: int | None = None
    credit_bands: CreditBands | None = None
    min_current_ratio: Decimal | None = None
    accepted_grades: frozenset[OfstedGrade] = DEFAULT_GATEWAY
    suspend_on_failing_grade: bool = True
    turnover_threshold_pence: int = MODERN_SLAVERY_TURNOVER_PENCE
    description: str = ""

    @property
    def per_setting(self) -> bool:
        """Ofsted registration and grade are checked for each setting; the rest for the provider."""
        return self.kind is RequirementKind.OFSTED


# Current ratios are stored as numeric(8, 2): at most two decimals (a third would be rounded away
# silently and could turn a fail at the minimum into a pass) and below a million.
MAX_CURRENT_RATIO = Decimal("999999.99")
CURRENT_RATIO_PLACES = 2


def check_current_ratio(value: Decimal) -> Decimal:
    """A current ratio (current assets / current liabilities) is a finite number from 0 with at
    most two decimals; returns it unchanged."""
    if (
        not value.is_finite()
        or value.is_signed()
        or value > MAX_CURRENT_RATIO
        or value != value.quantize(Decimal(1).scaleb(-CURRENT_RATIO_PLACES))
    ):
        raise RuleViolation(
            f"a current ratio is a number from 0 to {MAX_CURRENT_RATIO} with at most two decimals",
            code=ComplianceCode.INVALID_CURRENT_RATIO,
        )
    return value


def check_requirement(r: Requirement) -> Requirement:
    """The requirement's parameters fit its kind; returns it unchanged."""
    if r.min_current_ratio is not None:
        check_current_ratio(r.min_current_ratio)
    if r.kind is RequirementKind.INSURANCE:
        if r.insurance_kind is None or r.min_cover_pence is None or r.min_cover_pence <= 0:
            raise RuleViolation(
                "an insurance requirement needs the insurance kind and a minimum cover in pence",
                code=ComplianceCode.INSURANCE_TERMS_REQUIRED,
            )
        if (
            r.insurance_kind is InsuranceKind.EMPLOYERS_LIABILITY
            and r.min_cover_pence < EMPLOYERS_LIABILITY_STATUTORY_MINIMUM_PENCE
        ):
            raise RuleViolation(
                "employer's liability cover cannot be asked below the statutory GBP 5m "
                "(Employers' Liability (Compulsory Insurance) Regulations 1998 reg 3)",
                code=ComplianceCode.BELOW_STATUTORY_MINIMUM,
            )
    elif r.kind is RequirementKind.CREDIT_SCORE and r.credit_bands is None:
        raise RuleViolation("a credit score requirement needs its bands", code=ComplianceCode.CREDIT_BANDS_REQUIRED)
    elif r.kind is RequirementKind.ACCOUNTS and (r.min_current_ratio is None or r.min_current_ratio <= 0):
        raise RuleViolation(
            "an accounts requirement needs a minimum current ratio", code=ComplianceCode.CURRENT_RATIO_REQUIRED
        )
    elif r.kind is RequirementKind.OFSTED and not r.accepted_grades:
        raise RuleViolation("the grade gateway must accept at least one grade", code=ComplianceCode.EMPTY_GATEWAY)
    if r.kind is not RequirementKind.INSURANCE and (r.insurance_kind is not None or r.min_cover_pence is not None):
        raise RuleViolation("only insurance requirements take cover terms", code=ComplianceCode.TERMS_NOT_FOR_KIND)
    return r


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a provider attached to a requirement. A provider may hold several pieces per
    requirement at once (the one in force and a renewal starting later): see
    `dps.compliance.domain.timeline` for which one is in force on a day."""

    id: int
    requirement_id: int
    provider_id: int
    document_id: int | None
    issuer: str | None
    starts_on: date | None
    expires_on: date | None
    cover_pence: int | None = None
    insurance_kind: InsuranceKind | None = None
    credit_score: int | None = None
    current_ratio: Decimal | None = None
    turnover_pence: int | None = None
    status: str = "current"  # current | replaced | expired
    submitted_at: datetime | None = None

    def is_expired_on(self, today: date) -> bool:
        """A certificate is good through its expiry date and lapses the day after."""
        return self.expires_on is not None and today > self.expires_on


def check_evidence_dates(starts_on: date | None, expires_on: date | None) -> None:
    if starts_on is not None and expires_on is not None and expires_on < starts_on:
        raise RuleViolation("the expiry date is before the start date", code=ComplianceCode.INVALID_EVIDENCE_DATES)


@dataclass(frozen=True, slots=True)
class SettingFacts:
    """What the Ofsted check needs to know about one setting."""

    setting_id: int
    setting_type: SettingType
    ofsted_urn: str | None
    grade: OfstedGrade | None
    registration_withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class Override:
    """An officer's decision replacing a computed result, with the reason (audited)."""

    requirement_id: int
    provider_id: int
    setting_id: int | None
    outcome: Outcome
    reason: str
    decided_by: int | None
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class CheckResult:
    requirement_id: int
    provider_id: int
    setting_id: int | None
    mandatory: bool
    outcome: Outcome
    reason: str
    evidence_id: int | None = None
    expires_on: date | None = None
    overridden: bool = False
    # A held renewal that takes over without a gap when this evidence expires (timeline).
    renewal_id: int | None = None


def _pounds(pence: int) -> str:
    return f"GBP {pence / 100:,.2f}"


def evaluate(
    requirement: Requirement,
    provider_id: int,
    evidence: Evidence | None,
    today: date,
    *,
    setting: SettingFacts | None = None,
    override: Override | None = None,
) -> CheckResult:
    """The result of one requirement for a provider (or one of its settings) on `today`."""
    outcome, reason = _outcome(requirement, evidence, today, setting)
    result = CheckResult(
        requirement_id=requirement.id,
        provider_id=provider_id,
        setting_id=setting.setting_id if setting else None,
        mandatory=requirement.mandatory,
        outcome=outcome,
        reason=reason,
        evidence_id=evidence.id if evidence else None,
        expires_on=evidence.expires_on if evidence else None,
    )
    if override is not None:
        return replace(result, outcome=override.outcome, reason=f"officer override: {override.reason}", overridden=True)
    return result


def _outcome(
    r: Requirement, evidence: Evidence | None, today: date, setting: SettingFacts | None
) -> tuple[Outcome, str]:
    if r.kind is RequirementKind.OFSTED:
        return _ofsted_outcome(r, setting)
    if r.kind is RequirementKind.MODERN_SLAVERY and evidence is not None and evidence.turnover_pence is not None:
        if evidence.turnover_pence < r.turnover_threshold_pence:
            return Outcome.PASS, (
                f"turnover {_pounds(evidence.turnover_pence)} is below {_pounds(r.turnover_threshold_pence)}: "
                "no statement is required (Modern Slavery Act 2015 s.54, SI 2015/1833)"
            )
        if evidence.document_id is None:
            return Outcome.MISSING, (
                f"turnover {_pounds(evidence.turnover_pence)} reaches {_pounds(r.turnover_threshold_pence)}: "
                "a modern slavery statement is required (Modern Slavery Act 2015 s.54)"
            )
    if evidence is None:
        return Outcome.MISSING, "no evidence has been attached"
    if evidence.status == "expired" or evidence.is_expired_on(today):
        return Outcome.EXPIRED, f"the evidence expired on {evidence.expires_on}"
    if evidence.starts_on is not None and evidence.starts_on > today:
        return Outcome.FAIL, f"the evidence only starts on {evidence.starts_on}"
    if r.kind is RequirementKind.INSURANCE:
        return _insurance_outcome(r, evidence)
    if r.kind is RequirementKind.CREDIT_SCORE:
        return _credit_outcome(r, evidence)
    if r.kind is RequirementKind.ACCOUNTS:
        return _accounts_outcome(r, evidence)
    if r.kind is RequirementKind.MODERN_SLAVERY and evidence.turnover_pence is None:
        return Outcome.REVIEW, "declare the turnover so the statement duty can be checked"
    if evidence.document_id is None:
        return Outcome.MISSING, "no document has been attached"
    return Outcome.PASS, "a current document is on file"


def _insurance_outcome(r: Requirement, e: Evidence) -> tuple[Outcome, str]:
    assert r.min_cover_pence is not None and r.insurance_kind is not None  # check_requirement
    if e.insurance_kind is not None and e.insurance_kind is not r.insurance_kind:
        return Outcome.FAIL, f"the certificate is for {e.insurance_kind.value}, not {r.insurance_kind.value}"
    if e.cover_pence is None:
        return Outcome.REVIEW, "the certificate's limit of indemnity has not been recorded"
    if e.cover_pence < r.min_cover_pence:
        return Outcome.FAIL, f"cover {_pounds(e.cover_pence)} is below the minimum {_pounds(r.min_cover_pence)}"
    return Outcome.PASS, f"cover {_pounds(e.cover_pence)} meets the minimum {_pounds(r.min_cover_pence)}"


def _credit_outcome(r: Requirement, e: Evidence) -> tuple[Outcome, str]:
    bands = r.credit_bands
    assert bands is not None  # check_requirement
    if e.credit_score is None:
        return Outcome.MISSING, "no credit score has been recorded"
    if e.credit_score >= bands.accept_from:
        return Outcome.PASS, f"credit score {e.credit_score} is in the accept band ({bands.accept_from}+)"
    if e.credit_score >= bands.review_from:
        return Outcome.REVIEW, (
            f"credit score {e.credit_score} is in the review band ({bands.review_from}-{bands.accept_from - 1})"
        )
    return Outcome.FAIL, f"credit score {e.credit_score} is in the reject band (below {bands.review_from})"


def _accounts_outcome(r: Requirement, e: Evidence) -> tuple[Outcome, str]:
    assert r.min_current_ratio is not None  # check_requirement
    if e.current_ratio is None:
        return Outcome.REVIEW, "the accounts' current ratio has not been recorded"
    if e.current_ratio < r.min_current_ratio:
        return Outcome.FAIL, f"current ratio {e.current_ratio} is below {r.min_current_ratio}"
    return Outcome.PASS, f"current ratio {e.current_ratio} meets {r.min_current_ratio}"


def _ofsted_outcome(r: Requirement, setting: SettingFacts | None) -> tuple[Outcome, str]:
    if setting is None:
        return Outcome.MISSING, "the Ofsted check is made for each setting"
    return _gateway(r.accepted_grades, setting.grade, setting.registration_withdrawn, bool(setting.ofsted_urn))


@lru_cache(maxsize=1024)
def _gateway(
    accepted: frozenset[OfstedGrade], grade: OfstedGrade | None, withdrawn: bool, registered: bool
) -> tuple[Outcome, str]:
    """The gateway's answer depends on these four facts only, so a lot's 10,000 settings share a
    handful of answers (cached: the eligibility check evaluates every setting)."""
    if not registered:
        return Outcome.MISSING, "the setting has no Ofsted registration (URN)"
    if withdrawn:
        return Outcome.FAIL, "the setting's Ofsted registration has been withdrawn"
    if grade is None:
        return Outcome.REVIEW, "the setting has not been graded yet"
    if grade not in accepted:
        return Outcome.FAIL, f"grade {grade.value} does not pass the gateway"
    return Outcome.PASS, f"grade {grade.value} passes the gateway"


@dataclass(frozen=True, slots=True)
class ComplianceSummary:
    status: ComplianceStatus
    results: tuple[CheckResult, ...]

    @property
    def failing(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.mandatory and r.outcome is not Outcome.PASS)


def summarise(results: Collection[CheckResult], today: date) -> ComplianceSummary:
    """Non-compliant when any mandatory check is not a pass (a `review` waits for an officer);
    expiring when a passing piece of evidence lapses within 30 days with no renewal held that
    covers its expiry; else compliant."""
    ordered = tuple(results)
    if any(r.mandatory and r.outcome is not Outcome.PASS for r in ordered):
        return ComplianceSummary(ComplianceStatus.NON_COMPLIANT, ordered)
    horizon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    if any(
        r.outcome is Outcome.PASS and r.expires_on is not None and r.expires_on <= horizon and r.renewal_id is None
        for r in ordered
    ):
        return ComplianceSummary(ComplianceStatus.EXPIRING, ordered)
    return ComplianceSummary(ComplianceStatus.COMPLIANT, ordered)
