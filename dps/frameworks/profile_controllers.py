"""HTTP route listing the procurement profiles: the numbers each kind of arrangement runs on."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from msgspec import Struct

from dps.core.http import signed_in
from dps.frameworks.profiles import PROFILES, Profile


class ProfileOut(Struct, kw_only=True):
    """One procurement profile; null numbers are those its regime does not set. `citations` names,
    per field, the regulation the number comes from."""

    code: str
    title: str
    regime: str
    joining: str
    decision_period: int | None
    decision_period_unit: str
    decision_period_configurable: bool
    decision_extension_to: int | None
    min_offer_period_days: int | None
    standstill_working_days: int | None
    fixed_end_date: date | None
    max_term_years: int | None
    max_term_counted_from: str
    first_reopening_within_years: int | None
    reopening_every_years: int | None
    conditions_locked_when_open: bool
    every_call_off_invites_all: bool
    supplier_fees_prohibited: bool
    citations: dict[str, str]

    @classmethod
    def of(cls, p: Profile) -> ProfileOut:
        return cls(
            code=p.code.value,
            title=p.title,
            regime=p.regime,
            joining=p.joining.value,
            decision_period=p.decision_period,
            decision_period_unit=p.decision_period_unit.value,
            decision_period_configurable=p.decision_period_configurable,
            decision_extension_to=p.decision_extension_to,
            min_offer_period_days=p.min_offer_period_days,
            standstill_working_days=p.standstill_working_days,
            fixed_end_date=p.fixed_end_date,
            max_term_years=p.max_term_years,
            max_term_counted_from=p.max_term_counted_from.value,
            first_reopening_within_years=p.first_reopening_within_years,
            reopening_every_years=p.reopening_every_years,
            conditions_locked_when_open=p.conditions_locked_when_open,
            every_call_off_invites_all=p.every_call_off_invites_all,
            supplier_fees_prohibited=p.supplier_fees_prohibited,
            citations=dict(p.citations),
        )


class ProfileList(Struct, kw_only=True):
    items: list[ProfileOut]


class ProfileController(Controller):
    path = "/api/v1/profiles"
    guards = [signed_in]
    tags = ["Arrangements"]

    @get("/", operation_id="ListProfiles")
    async def list_(self) -> ProfileList:
        """The procurement profiles an arrangement may follow, with their numbers (decision period,
        its extension, minimum offer period, standstill, term limits, reopening clock) and the
        regulation each number comes from (`citations`)."""
        return ProfileList(items=[ProfileOut.of(p) for p in PROFILES.values()])
