"""A setting's Ofsted grade as recorded by compliance: accounts writes its own setting rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dps.accounts import repository
from dps.accounts.domain import OfstedGrade, Setting


@dataclass(frozen=True, slots=True)
class GradeChange:
    before: Setting
    after: Setting  # the same as `before` when no grade was given


async def record_ofsted_grade(setting_id: int, grade: OfstedGrade | None, inspected_on: date | None) -> GradeChange:
    """Lock the setting and, when a grade is given, store it with its inspection date (one version
    step). Runs in the caller's transaction; the caller audits the judgement it records."""
    before = await repository.get_setting(setting_id, for_update=True)
    if grade is None:
        return GradeChange(before, before)
    after = before.with_changes(ofsted_grade=grade, last_inspection_date=inspected_on)
    await repository.update_setting(before, after)
    return GradeChange(before, after)
