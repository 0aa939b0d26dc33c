"""The ONE eligibility function: may a provider's setting be invited to a call-off in a lot at a time?

Call-offs (dps.tenders) and the regional search use this; nothing else re-implements it. It
gathers the facts in bulk (a fixed number of queries whatever the lot's size) and asks the pure
decision in `dps.compliance.domain.eligibility` about each setting.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from dps.accounts.domain import OfstedGrade
from dps.compliance import facts as compliance_facts
from dps.compliance import repository
from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.eligibility import Criteria, Reason, SettingEligibility, decide, provider_reasons
from dps.core.errors import InvalidInput
from dps.frameworks import public as frameworks

__all__ = ["Reason", "SettingEligibility", "eligibility_for_lot"]


async def eligibility_for_lot(
    lot_id: int,
    at: datetime,
    *,
    child_age: int | None = None,
    needs: Collection[str] = (),
    setting_types: Collection[str] = (),
    min_grade: str | None = None,
) -> list[SettingEligibility]:
    """Every setting of every provider holding a membership (any status) in the lot, with
    whether it may be invited at `at` and every reason when not: membership not active,
    compliance not met (missing/expired/failed mandatory requirement), live concern that
    suspends from call-offs, grade gateway, setting type, ages, needs."""
    return await _eligibility(
        lot_id, at, child_age=child_age, needs=needs, setting_types=setting_types, min_grade=min_grade
    )


async def _eligibility(
    lot_id: int,
    at: datetime,
    *,
    child_age: int | None,
    needs: Collection[str],
    setting_types: Collection[str],
    min_grade: str | None,
    only_settings: Collection[int] | None = None,
) -> list[SettingEligibility]:
    try:
        grade = OfstedGrade(min_grade) if min_grade is not None else None
    except ValueError as error:
        raise InvalidInput(f"{min_grade!r} is not an Ofsted grade", code=ComplianceCode.INVALID_GRADE) from error
    lot = await repository.lot_context(lot_id)
    memberships = await frameworks.list_membership_rows(lot_id=lot_id)
    # One place per provider and lot; the newest row wins if history holds more than one.
    by_provider = {m.provider_id: m for m in memberships}
    facts = await compliance_facts.gather([lot.arrangement_id], list(by_provider))
    concerns = await repository.live_concerns_of_providers(list(by_provider))
    suspending: dict[int, list[int]] = {}
    for concern in concerns:
        if concern.suspends(lot.arrangement_id):
            suspending.setdefault(concern.provider_id, []).append(concern.id)
    criteria = Criteria(
        child_age=child_age, needs=frozenset(needs), setting_types=frozenset(setting_types), min_grade=grade
    )
    today = at.date()
    wanted = set(only_settings) if only_settings is not None else None
    results: list[SettingEligibility] = []
    for provider_id, membership in sorted(by_provider.items()):
        for_provider = provider_reasons(
            membership_status=membership.status.value,
            provider_checks=facts.provider_results(lot.arrangement_id, provider_id, today),
            suspending_concern_ids=suspending.get(provider_id, ()),
        )
        for setting in facts.settings.get(provider_id, []):
            if wanted is not None and setting.facts.setting_id not in wanted:
                continue
            results.append(
                decide(
                    setting.facts,
                    service_type=lot.service_type,
                    membership_id=membership.id,
                    for_provider=for_provider,
                    setting_checks=facts.setting_results(lot.arrangement_id, setting, today),
                    criteria=criteria,
                )
            )
    return results
