"""Setting rows shared by the compliance repository modules (a provider's settings as settings and search read them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dps.accounts.domain import AgeRange, OfstedGrade, SettingType
from dps.compliance.domain.eligibility import SettingFactsForCallOff

# Plain dict lookups: calling an Enum class per value costs more than the rest of a row (the
# eligibility of a 2,000-member lot reads 10,000 settings).
_SETTING_TYPES = {t.value: t for t in SettingType}
_GRADES = {g.value: g for g in OfstedGrade}


def _setting_facts(row: dict[str, Any]) -> SettingFactsForCallOff:
    grade = row["ofsted_grade"]
    return SettingFactsForCallOff(
        setting_id=row["id"],
        provider_id=row["provider"],
        setting_type=_SETTING_TYPES[row["setting_type"]],
        grade=_GRADES[grade] if grade else None,
        ages=AgeRange(row["min_age"], row["max_age"]),
        needs=frozenset(row["needs"]),  # the values of `Need` (a CHECK-free column written by accounts)
    )


@dataclass(frozen=True, slots=True)
class SettingRow:
    facts: SettingFactsForCallOff
    name: str
    ofsted_urn: str | None
    postcode: str


_SETTING_COLUMNS = (
    "s.id, s.provider, s.name, s.setting_type, s.ofsted_urn, s.ofsted_grade, s.postcode, s.min_age, s.max_age, s.needs"
)


def _setting_row(row: dict[str, Any]) -> SettingRow:
    return SettingRow(_setting_facts(row), row["name"], row["ofsted_urn"], row["postcode"])
