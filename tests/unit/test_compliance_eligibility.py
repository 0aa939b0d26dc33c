"""The eligibility decision and the concern life cycle, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from dps.accounts.domain import AgeRange, OfstedGrade, SettingType
from dps.compliance.domain.concerns import (
    Concern,
    ConcernCategory,
    ConcernStatus,
    VisitForm,
    check_action_due,
)
from dps.compliance.domain.eligibility import (
    Criteria,
    Reason,
    SettingFactsForCallOff,
    decide,
    provider_reasons,
)
from dps.compliance.domain.requirements import CheckResult, Outcome
from dps.core.errors import IllegalTransition, RuleViolation

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
HOME = SettingFactsForCallOff(
    setting_id=9,
    provider_id=3,
    setting_type=SettingType.CHILDRENS_HOME,
    grade=OfstedGrade.GOOD,
    ages=AgeRange(8, 17),
    needs=frozenset({"autism", "adhd"}),
)


def check(outcome: Outcome, *, setting_id: int | None = None, mandatory: bool = True) -> CheckResult:
    return CheckResult(1, 3, setting_id, mandatory, outcome, f"it is {outcome.value}")


def codes(
    *,
    status: str | None = "active",
    provider_checks: tuple[CheckResult, ...] = (),
    setting_checks: tuple[CheckResult, ...] = (),
    concerns: tuple[int, ...] = (),
    criteria: Criteria = Criteria(),
    setting: SettingFactsForCallOff = HOME,
    service_type: str = "residential",
) -> list[str]:
    verdict = decide(
        setting,
        service_type=service_type,
        membership_id=5 if status else None,
        for_provider=provider_reasons(
            membership_status=status, provider_checks=provider_checks, suspending_concern_ids=concerns
        ),
        setting_checks=setting_checks,
        criteria=criteria,
    )
    assert verdict.eligible is (not verdict.reasons)
    return [r.code for r in verdict.reasons]


def test_an_active_compliant_member_with_a_matching_setting_is_eligible() -> None:
    assert codes(provider_checks=(check(Outcome.PASS),), setting_checks=(check(Outcome.PASS, setting_id=9),)) == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [(None, ["no_membership"]), ("suspended", ["membership_not_active"]), ("removed", ["membership_not_active"])],
)
def test_membership_must_be_active(status: str | None, expected: list[str]) -> None:
    assert codes(status=status) == expected


@pytest.mark.parametrize("outcome", [Outcome.FAIL, Outcome.REVIEW, Outcome.MISSING, Outcome.EXPIRED])
def test_every_mandatory_check_must_pass(outcome: Outcome) -> None:
    assert codes(provider_checks=(check(outcome),)) == [f"compliance_{outcome.value}"]
    assert codes(provider_checks=(check(outcome, mandatory=False),)) == []  # optional ones do not bar


def test_a_failed_grade_gateway_bars_only_that_setting() -> None:
    assert codes(setting_checks=(check(Outcome.FAIL, setting_id=9),)) == ["grade_gateway"]


def test_a_live_suspending_concern_bars_every_setting_of_the_provider() -> None:
    verdict = decide(
        HOME,
        service_type="residential",
        membership_id=5,
        for_provider=provider_reasons(membership_status="active", provider_checks=(), suspending_concern_ids=(12, 4)),
        setting_checks=(),
        criteria=Criteria(),
    )
    assert verdict.reasons == (
        Reason("live_concern", "concern 4 suspends the provider from new call-offs"),
        Reason("live_concern", "concern 12 suspends the provider from new call-offs"),
    )


@pytest.mark.parametrize(
    ("service_type", "setting_type", "ok"),
    [
        ("residential", SettingType.CHILDRENS_HOME, True),
        ("residential", SettingType.SCHOOL, False),
        ("fostering", SettingType.FOSTERING_AGENCY_BRANCH, True),
        ("supported_accommodation", SettingType.SUPPORTED_ACCOMMODATION, True),
        ("send", SettingType.SCHOOL, True),
        ("send", SettingType.CHILDRENS_HOME, False),
    ],
)
def test_the_setting_must_serve_the_arrangements_service(
    service_type: str, setting_type: SettingType, ok: bool
) -> None:
    result = codes(setting=replace(HOME, setting_type=setting_type), service_type=service_type)
    assert result == ([] if ok else ["setting_type"])


@pytest.mark.parametrize(("age", "ok"), [(7, False), (8, True), (17, True), (18, False)])
def test_the_childs_age_at_the_edges_of_the_settings_range(age: int, ok: bool) -> None:
    assert codes(criteria=Criteria(child_age=age)) == ([] if ok else ["age"])


def test_every_need_must_be_met_and_every_reason_is_given() -> None:
    verdict = decide(
        HOME,
        service_type="residential",
        membership_id=5,
        for_provider=provider_reasons(membership_status="suspended", provider_checks=(), suspending_concern_ids=()),
        setting_checks=(),
        criteria=Criteria(
            child_age=18,
            needs=frozenset({"autism", "self_harm", "complex_health"}),
            setting_types=frozenset({"supported_accommodation"}),
            min_grade=OfstedGrade.OUTSTANDING,
        ),
    )
    assert not verdict.eligible
    assert verdict.reasons == (
        Reason("membership_not_active", "the provider's membership is suspended"),
        Reason("setting_type", "a childrens_home was not asked for"),
        Reason("age", "the setting takes ages 8-17, not 18"),
        Reason("needs", "the setting does not meet: complex_health, self_harm"),
        Reason("grade", "good is below outstanding"),
    )


# --- concerns --------------------------------------------------------------------------------


def draft(**overrides: object) -> Concern:
    base = Concern(
        id=1,
        issuing_authority_id=2,
        provider_id=3,
        setting_id=None,
        category=ConcernCategory.SAFEGUARDING,
        arrangement_ids=frozenset({7}),
        summary="Allegation",
        actions_taken="",
        review_on=date(2027, 1, 15),
        suspends_call_offs=True,
        status=ConcernStatus.DRAFT,
        response=None,
        issued_at=None,
        responded_at=None,
        rescinded_at=None,
        rescind_reason=None,
        created_by=4,
        version=1,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def test_a_concern_suspends_only_while_live_and_only_in_its_arrangements() -> None:
    concern = draft()
    assert not concern.suspends(7)  # a draft suspends nothing
    issued = concern.issue(AT)
    assert (issued.status, issued.issued_at, issued.version) == (ConcernStatus.ISSUED, AT, 2)
    assert issued.suspends(7)
    assert not issued.suspends(8)
    assert not replace(issued, suspends_call_offs=False).suspends(7)
    responded = issued.respond("We have acted", AT)
    assert responded.suspends(7)
    assert responded.respond("More detail", AT).response == "More detail"
    rescinded = responded.rescind("Rectified", AT)
    assert (rescinded.status, rescinded.rescind_reason) == (ConcernStatus.RESCINDED, "Rectified")
    assert not rescinded.suspends(7)


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (ConcernStatus.DRAFT, "respond"),
        (ConcernStatus.DRAFT, "rescind"),
        (ConcernStatus.ISSUED, "issue"),
        (ConcernStatus.RESCINDED, "respond"),
        (ConcernStatus.RESCINDED, "rescind"),
    ],
)
def test_illegal_concern_steps(status: ConcernStatus, step: str) -> None:
    concern = draft(status=status)
    with pytest.raises(IllegalTransition):
        if step == "issue":
            concern.issue(AT)
        elif step == "respond":
            concern.respond("answer", AT)
        else:
            concern.rescind("reason", AT)


def test_a_concern_needs_an_arrangement_and_reasons() -> None:
    with pytest.raises(RuleViolation) as refused:
        draft(arrangement_ids=frozenset()).issue(AT)
    assert refused.value.code == "arrangements_required"
    with pytest.raises(RuleViolation) as refused:
        draft(status=ConcernStatus.ISSUED).rescind("  ", AT)
    assert refused.value.code == "reason_required"


def test_an_action_cannot_fall_due_before_its_visit() -> None:
    check_action_due(date(2026, 11, 10), date(2026, 11, 10))
    with pytest.raises(RuleViolation):
        check_action_due(date(2026, 11, 9), date(2026, 11, 10))
    assert [f.value for f in VisitForm] == ["A", "B", "C", "D"]
