"""Compliance checks at their boundaries: cover, expiry, credit bands, turnover, grade gateways."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dps.accounts.domain import OfstedGrade, SettingType
from dps.compliance.domain.requirements import (
    DEFAULT_GATEWAY,
    ComplianceStatus,
    CreditBands,
    Evidence,
    InsuranceKind,
    Outcome,
    Override,
    Requirement,
    RequirementKind,
    SettingFacts,
    check_requirement,
    evaluate,
    grade_at_least,
    summarise,
)
from dps.core.errors import RuleViolation

TODAY = date(2026, 11, 23)
TEN_MILLION = 10_000_000_00


def insurance(min_cover: int = TEN_MILLION, kind: InsuranceKind = InsuranceKind.EMPLOYERS_LIABILITY) -> Requirement:
    return Requirement(
        id=1,
        arrangement_id=1,
        kind=RequirementKind.INSURANCE,
        title="Employer's liability",
        mandatory=True,
        insurance_kind=kind,
        min_cover_pence=min_cover,
    )


def evidence(**overrides: object) -> Evidence:
    base = Evidence(
        id=7,
        requirement_id=1,
        provider_id=3,
        document_id=11,
        issuer="Zurich",
        starts_on=date(2026, 4, 1),
        expires_on=date(2027, 3, 31),
        cover_pence=TEN_MILLION,
        insurance_kind=InsuranceKind.EMPLOYERS_LIABILITY,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


# --- insurance cover -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cover", "expected"),
    [
        (TEN_MILLION - 1, Outcome.FAIL),  # one penny under the minimum
        (TEN_MILLION, Outcome.PASS),  # exactly the minimum
        (TEN_MILLION + 1, Outcome.PASS),
        (None, Outcome.REVIEW),  # limit not recorded: an officer must look
    ],
)
def test_cover_is_measured_against_the_minimum_to_the_penny(cover: int | None, expected: Outcome) -> None:
    result = evaluate(insurance(), 3, evidence(cover_pence=cover), TODAY)
    assert result.outcome is expected
    if expected is Outcome.FAIL:
        assert result.reason == "cover GBP 9,999,999.99 is below the minimum GBP 10,000,000.00"


def test_a_certificate_for_another_class_of_cover_fails() -> None:
    result = evaluate(insurance(), 3, evidence(insurance_kind=InsuranceKind.PUBLIC_LIABILITY), TODAY)
    assert result.outcome is Outcome.FAIL
    assert "public_liability" in result.reason


def test_no_evidence_is_missing() -> None:
    result = evaluate(insurance(), 3, None, TODAY)
    assert (result.outcome, result.reason) == (Outcome.MISSING, "no evidence has been attached")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 3, 30), Outcome.PASS),
        (date(2027, 3, 31), Outcome.PASS),  # good through its expiry date
        (date(2027, 4, 1), Outcome.EXPIRED),  # lapses the day after
    ],
)
def test_evidence_expires_the_day_after_its_expiry_date(today: date, expected: Outcome) -> None:
    assert evaluate(insurance(), 3, evidence(), today).outcome is expected


def test_evidence_marked_expired_by_the_scheduler_stays_expired() -> None:
    assert evaluate(insurance(), 3, evidence(status="expired"), TODAY).outcome is Outcome.EXPIRED


def test_evidence_that_has_not_started_yet_fails() -> None:
    result = evaluate(insurance(), 3, evidence(starts_on=date(2026, 12, 1)), TODAY)
    assert result.outcome is Outcome.FAIL
    assert result.reason == "the evidence only starts on 2026-12-01"


def test_employers_liability_cannot_be_asked_below_the_statutory_five_million() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_requirement(insurance(min_cover=5_000_000_00 - 1))
    assert refused.value.code == "below_statutory_minimum"
    assert check_requirement(insurance(min_cover=5_000_000_00)).min_cover_pence == 5_000_000_00
    # Public liability has no statutory floor.
    assert check_requirement(insurance(min_cover=1_000_000_00, kind=InsuranceKind.PUBLIC_LIABILITY))


# --- financial standing ----------------------------------------------------------------------


def credit() -> Requirement:
    return Requirement(
        id=2,
        arrangement_id=1,
        kind=RequirementKind.CREDIT_SCORE,
        title="Credit score",
        mandatory=True,
        credit_bands=CreditBands(accept_from=51, review_from=21),
    )


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, Outcome.PASS),
        (51, Outcome.PASS),  # bottom of the accept band
        (50, Outcome.REVIEW),  # top of the review band
        (21, Outcome.REVIEW),  # bottom of the review band
        (20, Outcome.FAIL),  # top of the reject band
        (1, Outcome.FAIL),
    ],
)
def test_credit_score_bands_accept_review_reject(score: int, expected: Outcome) -> None:
    e = evidence(requirement_id=2, credit_score=score, expires_on=None, cover_pence=None, insurance_kind=None)
    assert evaluate(credit(), 3, e, TODAY).outcome is expected


def test_credit_bands_must_be_ordered() -> None:
    with pytest.raises(RuleViolation) as refused:
        CreditBands(accept_from=20, review_from=51)
    assert refused.value.code == "invalid_credit_bands"


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(Decimal("1.19"), Outcome.FAIL), (Decimal("1.20"), Outcome.PASS), (None, Outcome.REVIEW)],
)
def test_accounts_current_ratio(ratio: Decimal | None, expected: Outcome) -> None:
    requirement = Requirement(
        id=3,
        arrangement_id=1,
        kind=RequirementKind.ACCOUNTS,
        title="Two years' accounts",
        mandatory=True,
        min_current_ratio=Decimal("1.20"),
    )
    e = evidence(requirement_id=3, current_ratio=ratio, cover_pence=None, insurance_kind=None)
    assert evaluate(requirement, 3, e, TODAY).outcome is expected


# --- modern slavery statement ----------------------------------------------------------------


def slavery() -> Requirement:
    return Requirement(id=4, arrangement_id=1, kind=RequirementKind.MODERN_SLAVERY, title="MSA s.54", mandatory=True)


@pytest.mark.parametrize(
    ("turnover", "document", "expected"),
    [
        (36_000_000_00 - 1, None, Outcome.PASS),  # under GBP 36m: no statement is due
        (36_000_000_00, None, Outcome.MISSING),  # exactly GBP 36m: the duty applies (SI 2015/1833 reg 2)
        (36_000_000_00, 12, Outcome.PASS),
        (80_000_000_00, None, Outcome.MISSING),
    ],
)
def test_modern_slavery_statement_is_due_from_36m_turnover(
    turnover: int, document: int | None, expected: Outcome
) -> None:
    e = evidence(requirement_id=4, document_id=document, turnover_pence=turnover, cover_pence=None, expires_on=None)
    assert evaluate(slavery(), 3, e, TODAY).outcome is expected


def test_a_statement_without_a_declared_turnover_needs_review() -> None:
    e = evidence(requirement_id=4, turnover_pence=None, cover_pence=None, expires_on=None)
    assert evaluate(slavery(), 3, e, TODAY).outcome is Outcome.REVIEW


def test_a_policy_needs_its_document() -> None:
    policy = Requirement(
        id=5, arrangement_id=1, kind=RequirementKind.SAFEGUARDING_POLICY, title="Safeguarding", mandatory=True
    )
    assert evaluate(policy, 3, evidence(requirement_id=5, cover_pence=None), TODAY).outcome is Outcome.PASS
    assert evaluate(policy, 3, evidence(requirement_id=5, document_id=None), TODAY).outcome is Outcome.MISSING


# --- Ofsted gateway --------------------------------------------------------------------------


def ofsted(accepted: frozenset[OfstedGrade] = DEFAULT_GATEWAY) -> Requirement:
    return Requirement(
        id=6, arrangement_id=1, kind=RequirementKind.OFSTED, title="Ofsted", mandatory=True, accepted_grades=accepted
    )


def setting(grade: OfstedGrade | None, setting_type: SettingType = SettingType.CHILDRENS_HOME) -> SettingFacts:
    return SettingFacts(setting_id=9, setting_type=setting_type, ofsted_urn="SC123456", grade=grade)


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        (OfstedGrade.OUTSTANDING, Outcome.PASS),
        (OfstedGrade.GOOD, Outcome.PASS),
        (OfstedGrade.REQUIRES_IMPROVEMENT, Outcome.PASS),
        (OfstedGrade.INADEQUATE, Outcome.FAIL),
        (OfstedGrade.SA_OUTCOME_1, Outcome.PASS),
        (OfstedGrade.SA_OUTCOME_2, Outcome.PASS),
        (OfstedGrade.SA_OUTCOME_3, Outcome.FAIL),
        (None, Outcome.REVIEW),
    ],
)
def test_the_not_inadequate_gateway(grade: OfstedGrade | None, expected: Outcome) -> None:
    result = evaluate(ofsted(), 3, None, TODAY, setting=setting(grade))
    assert result.outcome is expected
    assert result.setting_id == 9


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        (OfstedGrade.OUTSTANDING, Outcome.PASS),
        (OfstedGrade.GOOD, Outcome.PASS),
        (OfstedGrade.REQUIRES_IMPROVEMENT, Outcome.FAIL),
        (OfstedGrade.INADEQUATE, Outcome.FAIL),
    ],
)
def test_a_good_or_better_gateway(grade: OfstedGrade, expected: Outcome) -> None:
    gateway = frozenset({OfstedGrade.OUTSTANDING, OfstedGrade.GOOD})
    assert evaluate(ofsted(gateway), 3, None, TODAY, setting=setting(grade)).outcome is expected


def test_a_withdrawn_registration_fails_whatever_the_grade() -> None:
    facts = replace(setting(OfstedGrade.GOOD), registration_withdrawn=True)
    result = evaluate(ofsted(), 3, None, TODAY, setting=facts)
    assert (result.outcome, result.reason) == (Outcome.FAIL, "the setting's Ofsted registration has been withdrawn")


def test_a_setting_without_a_urn_is_missing_its_registration() -> None:
    facts = replace(setting(OfstedGrade.GOOD), ofsted_urn=None)
    assert evaluate(ofsted(), 3, None, TODAY, setting=facts).outcome is Outcome.MISSING


@pytest.mark.parametrize(
    ("grade", "minimum", "expected"),
    [
        (OfstedGrade.GOOD, OfstedGrade.GOOD, True),
        (OfstedGrade.REQUIRES_IMPROVEMENT, OfstedGrade.GOOD, False),
        (OfstedGrade.SA_OUTCOME_1, OfstedGrade.SA_OUTCOME_2, True),
        (OfstedGrade.SA_OUTCOME_3, OfstedGrade.SA_OUTCOME_2, False),
        (OfstedGrade.SA_OUTCOME_1, OfstedGrade.GOOD, False),  # different scales never compare
        (None, OfstedGrade.INADEQUATE, False),
    ],
)
def test_grade_at_least(grade: OfstedGrade | None, minimum: OfstedGrade, expected: bool) -> None:
    assert grade_at_least(grade, minimum) is expected


# --- overrides, summaries, reminders ---------------------------------------------------------


def test_an_officer_override_replaces_the_result_and_says_so() -> None:
    at = datetime(2026, 11, 23, tzinfo=UTC)
    override = Override(1, 3, None, Outcome.PASS, "broker letter confirms renewal", 5, at)
    result = evaluate(insurance(), 3, evidence(cover_pence=TEN_MILLION - 1), TODAY, override=override)
    assert result.outcome is Outcome.PASS
    assert result.overridden
    assert result.reason == "officer override: broker letter confirms renewal"


@pytest.mark.parametrize(
    ("expires_on", "expected"),
    [
        (date(2026, 12, 23), ComplianceStatus.EXPIRING),  # exactly 30 days away
        (date(2026, 12, 24), ComplianceStatus.COMPLIANT),  # 31 days away
    ],
)
def test_membership_is_expiring_within_30_days(expires_on: date, expected: ComplianceStatus) -> None:
    result = evaluate(insurance(), 3, evidence(expires_on=expires_on), TODAY)
    assert summarise([result], TODAY).status is expected


def test_any_failing_mandatory_check_makes_the_membership_non_compliant() -> None:
    ok = evaluate(insurance(), 3, evidence(), TODAY)
    missing = evaluate(replace(insurance(), id=2), 3, None, TODAY)
    optional_missing = evaluate(replace(insurance(), id=3, mandatory=False), 3, None, TODAY)
    assert summarise([ok, optional_missing], TODAY).status is ComplianceStatus.COMPLIANT
    summary = summarise([ok, missing, optional_missing], TODAY)
    assert summary.status is ComplianceStatus.NON_COMPLIANT
    assert [r.requirement_id for r in summary.failing] == [2]
