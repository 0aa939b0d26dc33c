"""May this provider's setting be invited to a call-off in a lot at a time? One decision, every reason.

The facts are gathered elsewhere (in bulk); this module decides. A call-off invites every
eligible member of the lot (PCR 2015 reg 34(11): all suppliers admitted to the category), so an
ineligible setting must carry the reasons, never silently drop out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from dps.accounts.domain import AgeRange, OfstedGrade, SettingType
from dps.compliance.domain.requirements import CheckResult, Outcome, grade_at_least


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class SettingEligibility:
    setting_id: int
    provider_id: int
    membership_id: int | None
    eligible: bool
    reasons: tuple[Reason, ...]  # empty when eligible


_PASS = Outcome.PASS  # looked up once: enum attribute access is slow in a 10,000-setting loop

# Which settings serve which arrangement (DESIGN.md: one arrangement covers one service type).
SETTING_TYPES_FOR_SERVICE: dict[str, frozenset[SettingType]] = {
    "fostering": frozenset({SettingType.FOSTERING_AGENCY_BRANCH}),
    "residential": frozenset({SettingType.CHILDRENS_HOME}),
    "supported_accommodation": frozenset({SettingType.SUPPORTED_ACCOMMODATION}),
    "send": frozenset({SettingType.SCHOOL}),
}


@dataclass(frozen=True, slots=True)
class SettingFactsForCallOff:
    setting_id: int
    provider_id: int
    setting_type: SettingType
    grade: OfstedGrade | None
    ages: AgeRange
    needs: frozenset[str]  # values of `Need`


@dataclass(frozen=True, slots=True)
class Criteria:
    """What a call-off (or a search) asks of a setting; empty means "anything"."""

    child_age: int | None = None
    needs: frozenset[str] = frozenset()
    setting_types: frozenset[str] = frozenset()
    min_grade: OfstedGrade | None = None


def provider_reasons(
    *,
    membership_status: str | None,
    provider_checks: Collection[CheckResult],
    suspending_concern_ids: Collection[int],
) -> tuple[Reason, ...]:
    """What keeps every setting of a provider out: its membership, its provider-level checks and
    live concerns that suspend it from call-offs (computed once per provider)."""
    reasons: list[Reason] = []
    if membership_status is None:
        reasons.append(Reason("no_membership", "the provider is not a member of this lot"))
    elif membership_status != "active":
        reasons.append(Reason("membership_not_active", f"the provider's membership is {membership_status}"))
    for check in provider_checks:
        if check.mandatory and check.outcome is not _PASS:
            reasons.append(
                Reason(f"compliance_{check.outcome.value}", f"requirement {check.requirement_id}: {check.reason}")
            )
    for concern_id in sorted(suspending_concern_ids):
        reasons.append(Reason("live_concern", f"concern {concern_id} suspends the provider from new call-offs"))
    return tuple(reasons)


def decide(
    setting: SettingFactsForCallOff,
    *,
    service_type: str,
    membership_id: int | None,
    for_provider: tuple[Reason, ...],
    setting_checks: Collection[CheckResult],
    criteria: Criteria,
) -> SettingEligibility:
    """Every reason `setting` may not be invited (the provider's, then its own); eligible only
    when there is none."""
    reasons = list(for_provider)
    for check in setting_checks:
        if check.mandatory and check.outcome is not _PASS:
            reasons.append(Reason("grade_gateway", f"requirement {check.requirement_id}: {check.reason}"))
    if setting.setting_type not in SETTING_TYPES_FOR_SERVICE.get(service_type, ()):
        reasons.append(
            Reason("setting_type", f"a {setting.setting_type.value} does not serve {service_type} arrangements")
        )
    if criteria.setting_types and setting.setting_type.value not in criteria.setting_types:
        reasons.append(Reason("setting_type", f"a {setting.setting_type.value} was not asked for"))
    if criteria.child_age is not None and not setting.ages.covers(criteria.child_age):
        reasons.append(
            Reason(
                "age",
                f"the setting takes ages {setting.ages.min_age}-{setting.ages.max_age}, not {criteria.child_age}",
            )
        )
    if criteria.needs:
        missing_needs = sorted(criteria.needs - setting.needs)
        if missing_needs:
            reasons.append(Reason("needs", f"the setting does not meet: {', '.join(missing_needs)}"))
    if criteria.min_grade is not None and not grade_at_least(setting.grade, criteria.min_grade):
        graded = setting.grade.value if setting.grade else "ungraded"
        reasons.append(Reason("grade", f"{graded} is below {criteria.min_grade.value}"))
    return SettingEligibility(
        setting_id=setting.setting_id,
        provider_id=setting.provider_id,
        membership_id=membership_id,
        eligible=not reasons,
        reasons=tuple(reasons),
    )
