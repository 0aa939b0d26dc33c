"""May this provider's setting be invited to a call-off in a lot at a time? One decision, every reason.

The facts are gathered elsewhere (in bulk); this module decides. A call-off invites every
eligible member of the lot (PCR 2015 reg 34(11): all suppliers admitted to the category), so an
ineligible setting must carry the reasons, never silently drop out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from dps.accounts.domain import AgeRange, Need, OfstedGrade, SettingType
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
    needs: frozenset[Need]


@dataclass(frozen=True, slots=True)
class Criteria:
    """What a call-off (or a search) asks of a setting; empty means "anything"."""

    child_age: int | None = None
    needs: frozenset[str] = frozenset()
    setting_types: frozenset[str] = frozenset()
    min_grade: OfstedGrade | None = None


def decide(
    setting: SettingFactsForCallOff,
    *,
    service_type: str,
    membership_id: int | None,
    membership_status: str | None,
    provider_checks: Collection[CheckResult],
    setting_checks: Collection[CheckResult],
    suspending_concern_ids: Collection[int],
    criteria: Criteria,
) -> SettingEligibility:
    """Every reason `setting` may not be invited; eligible only when there is none."""
    reasons: list[Reason] = []
    if membership_status is None:
        reasons.append(Reason("no_membership", "the provider is not a member of this lot"))
    elif membership_status != "active":
        reasons.append(Reason("membership_not_active", f"the provider's membership is {membership_status}"))
    for check in (*provider_checks, *setting_checks):
        if not check.mandatory or check.outcome is Outcome.PASS:
            continue
        code = "grade_gateway" if check.setting_id is not None else f"compliance_{check.outcome.value}"
        reasons.append(Reason(code, f"requirement {check.requirement_id}: {check.reason}"))
    for concern_id in sorted(suspending_concern_ids):
        reasons.append(Reason("live_concern", f"concern {concern_id} suspends the provider from new call-offs"))
    served = SETTING_TYPES_FOR_SERVICE.get(service_type, frozenset())
    if setting.setting_type not in served:
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
    missing_needs = sorted(set(criteria.needs) - {n.value for n in setting.needs})
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
