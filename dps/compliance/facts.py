"""Gathering the facts checks need, in bulk: requirements, held evidence, overrides, settings.

A handful of queries for any number of providers (never one query per provider); the decisions
stay in `dps.compliance.domain`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from dps.compliance import repository
from dps.compliance.domain.eligibility import SETTING_TYPES_FOR_SERVICE
from dps.compliance.domain.requirements import (
    CheckResult,
    ComplianceSummary,
    Evidence,
    Override,
    Requirement,
    SettingFacts,
    evaluate,
    summarise,
)
from dps.compliance.domain.timeline import check_on_day, group_held
from dps.compliance.repository import SettingRow


@dataclass(frozen=True, slots=True)
class ComplianceFacts:
    requirements: dict[int, list[Requirement]]  # by arrangement
    evidence: dict[tuple[int, int], list[Evidence]]  # (requirement, provider) -> held pieces (timeline)
    overrides: dict[tuple[int, int, int | None], Override]
    settings: dict[int, list[SettingRow]]  # by provider
    withdrawn: set[int]  # settings whose registration is withdrawn
    per_setting: dict[int, list[Requirement]] = field(default_factory=dict)  # by arrangement

    def __post_init__(self) -> None:
        for arrangement_id, requirements in self.requirements.items():
            self.per_setting[arrangement_id] = [r for r in requirements if r.per_setting]

    def provider_results(self, arrangement_id: int, provider_id: int, today: date) -> list[CheckResult]:
        """Provider-level checks (insurance, finance, policies...) for one arrangement, each from the
        piece of evidence in force on `today` (the timeline)."""
        return [
            check_on_day(
                r,
                provider_id,
                self.evidence.get((r.id, provider_id), ()),
                today,
                override=self.overrides.get((r.id, provider_id, None)),
            )
            for r in self.requirements.get(arrangement_id, [])
            if not r.per_setting
        ]

    def setting_results(self, arrangement_id: int, setting: SettingRow, today: date) -> list[CheckResult]:
        """Per-setting checks (Ofsted registration and the grade gateway)."""
        facts = SettingFacts(
            setting_id=setting.facts.setting_id,
            setting_type=setting.facts.setting_type,
            ofsted_urn=setting.ofsted_urn,
            grade=setting.facts.grade,
            registration_withdrawn=setting.facts.setting_id in self.withdrawn,
        )
        provider_id = setting.facts.provider_id
        return [
            evaluate(
                r,
                provider_id,
                None,
                today,
                setting=facts,
                override=self.overrides.get((r.id, provider_id, setting.facts.setting_id)),
            )
            for r in self.per_setting.get(arrangement_id, ())
        ]

    def relied_on_settings(self, provider_id: int, service_type: str) -> list[SettingRow]:
        """The provider's settings of the kind the arrangement buys: a membership relies on them."""
        served = SETTING_TYPES_FOR_SERVICE.get(service_type, frozenset())
        return [s for s in self.settings.get(provider_id, []) if s.facts.setting_type in served]

    def membership_summary(
        self, arrangement_id: int, service_type: str, provider_id: int, today: date
    ) -> ComplianceSummary:
        """Compliant, expiring within 30 days, or non-compliant, with every check behind it."""
        results = self.provider_results(arrangement_id, provider_id, today)
        for setting in self.relied_on_settings(provider_id, service_type):
            results += self.setting_results(arrangement_id, setting, today)
        return summarise(results, today)


async def gather(arrangement_ids: Collection[int], provider_ids: Collection[int]) -> ComplianceFacts:
    """Everything the checks of these providers in these arrangements need: five queries."""
    requirements = await repository.list_requirements(arrangement_ids)
    by_arrangement: dict[int, list[Requirement]] = defaultdict(list)
    for r in requirements:
        by_arrangement[r.arrangement_id].append(r)
    requirement_ids = [r.id for r in requirements]
    evidence = group_held(await repository.live_evidence(requirement_ids, provider_ids))
    overrides = await repository.overrides_for(requirement_ids, provider_ids)
    settings: dict[int, list[SettingRow]] = defaultdict(list)
    for row in await repository.settings_of_providers(provider_ids):
        settings[row.facts.provider_id].append(row)
    withdrawn = await repository.withdrawn_settings([s.facts.setting_id for rows in settings.values() for s in rows])
    return ComplianceFacts(dict(by_arrangement), evidence, overrides, dict(settings), withdrawn)
