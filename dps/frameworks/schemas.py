"""Request and response bodies of the frameworks API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from dps.accounts.domain import MAX_AGE_SERVED, User
from dps.core.auth import Role
from dps.core.requests import Input, Instant, OnsCode, Reason, Title, given, given_as
from dps.frameworks.domain import arrangements as d
from dps.frameworks.domain import submissions as sub
from dps.frameworks.domain.applications import Membership, MembershipStatus
from dps.frameworks.profiles import ProfileCode

Reference = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$", examples=["NW-CHILD-DPS-2026"])]
LotCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$", examples=["LOT-1"])]
# msgspec cannot bound a Decimal; the service checks 0-100 (`check_quality_threshold`).
Threshold = Annotated[Decimal, Meta(examples=["60.00"])]
MinEvaluators = Annotated[int, Meta(ge=1, le=10)]
DecisionDays = Annotated[int, Meta(ge=1, le=365)]
Age = Annotated[int, Meta(ge=0, le=MAX_AGE_SERVED)]
NeedLevel = Annotated[str, Meta(min_length=1, max_length=40)]
# Days before a reopening window opens that members and officers are reminded.
ReminderDays = Annotated[int, Meta(ge=1, le=365)]


# --- arrangements ----------------------------------------------------------------------------


class WindowIn(Input, kw_only=True):
    opens_at: Instant
    closes_at: Instant

    def to_domain(self) -> d.ReopeningWindow:
        return d.ReopeningWindow(opens_at=self.opens_at, closes_at=self.closes_at)


class ArrangementIn(Input, kw_only=True):
    reference: Reference
    title: Title
    service_type: d.ServiceType
    profile_code: ProfileCode
    lead_authority_id: int | None = None  # officers: their own council (the default); admins must name it
    member_authority_ids: Annotated[list[int], Meta(max_length=100)] = msgspec.field(default_factory=list)
    term_start: date
    term_end: date
    quality_threshold: Threshold = d.DEFAULT_QUALITY_THRESHOLD
    min_evaluators: MinEvaluators = d.DEFAULT_MIN_EVALUATORS
    decision_period_days: DecisionDays | None = None
    windows: Annotated[list[WindowIn], Meta(max_length=50)] = msgspec.field(default_factory=list)
    window_reminder_days: ReminderDays = d.DEFAULT_WINDOW_REMINDER_DAYS

    def to_domain(self) -> sub.ArrangementDraft:
        return sub.ArrangementDraft(
            reference=self.reference,
            title=self.title,
            service_type=self.service_type,
            profile_code=self.profile_code,
            lead_authority_id=self.lead_authority_id,
            member_authority_ids=tuple(self.member_authority_ids),
            term_start=self.term_start,
            term_end=self.term_end,
            quality_threshold=self.quality_threshold,
            min_evaluators=self.min_evaluators,
            decision_period_days=self.decision_period_days,
            windows=_windows(self.windows),
            window_reminder_days=self.window_reminder_days,
        )


class ArrangementPatch(Input, kw_only=True):
    title: Title | UnsetType = UNSET
    term_end: date | UnsetType = UNSET
    extension_reason: Reason | UnsetType = UNSET  # required to move term_end once published
    windows: Annotated[list[WindowIn], Meta(max_length=50)] | UnsetType = UNSET
    quality_threshold: Threshold | UnsetType = UNSET
    min_evaluators: MinEvaluators | UnsetType = UNSET
    member_authority_ids: Annotated[list[int], Meta(max_length=100)] | UnsetType = UNSET
    window_reminder_days: ReminderDays | UnsetType = UNSET

    def to_domain(self) -> sub.ArrangementChanges:
        return sub.ArrangementChanges(
            title=given(self.title),
            term_end=given(self.term_end),
            extension_reason=given(self.extension_reason),
            windows=given_as(self.windows, _windows),
            quality_threshold=given(self.quality_threshold),
            min_evaluators=given(self.min_evaluators),
            member_authority_ids=given_as(self.member_authority_ids, tuple),
            window_reminder_days=given(self.window_reminder_days),
        )


class WindowOut(Struct, kw_only=True):
    opens_at: datetime
    closes_at: datetime


class ExtensionOut(Struct, kw_only=True):
    previous_end: date
    new_end: date
    reason: str
    at: datetime


class WaiverOut(Struct, kw_only=True):
    check: d.PublishingCheck
    reason: str
    at: datetime


class WaiverIn(Input, kw_only=True):
    check: d.PublishingCheck
    reason: Reason


class QuestionnaireVersionIn(Input, kw_only=True):
    reason: Reason  # why the questions, weights or pass marks change; announced to members


class ArrangementOut(Struct, kw_only=True):
    id: int
    reference: str
    title: str
    service_type: d.ServiceType
    profile_code: str
    lead_authority_id: int
    member_authority_ids: list[int]
    term_start: date
    term_end: date
    status: d.ArrangementStatus
    quality_threshold: Decimal
    min_evaluators: int
    decision_period_days: int | None
    windows: list[WindowOut]
    extensions: list[ExtensionOut]
    version: int
    questionnaire_version: int = 1  # applications submitted now are made under this version
    waivers: list[WaiverOut] = msgspec.field(default_factory=list)
    window_reminder_days: int = d.DEFAULT_WINDOW_REMINDER_DAYS

    @classmethod
    def of(cls, a: d.Arrangement) -> ArrangementOut:
        return cls(
            id=a.id,
            reference=a.reference,
            title=a.title,
            service_type=a.service_type,
            profile_code=a.profile_code,
            lead_authority_id=a.lead_authority_id,
            member_authority_ids=sorted(a.member_authority_ids),
            term_start=a.term_start,
            term_end=a.term_end,
            status=a.status,
            quality_threshold=a.quality_threshold,
            min_evaluators=a.min_evaluators,
            decision_period_days=a.decision_period_days,
            windows=[WindowOut(opens_at=w.opens_at, closes_at=w.closes_at) for w in a.windows],
            extensions=[
                ExtensionOut(previous_end=e.previous_end, new_end=e.new_end, reason=e.reason, at=e.at)
                for e in a.extensions
            ],
            version=a.version,
            questionnaire_version=a.questionnaire_version,
            waivers=[WaiverOut(check=w.check, reason=w.reason, at=w.at) for w in a.waivers],
            window_reminder_days=a.window_reminder_days,
        )


class ArrangementPage(Struct, kw_only=True):
    items: list[ArrangementOut]
    next_cursor: str | None


# --- lots ------------------------------------------------------------------------------------


class AgeBandIn(Input, kw_only=True):
    label: Annotated[str, Meta(min_length=1, max_length=40)]
    min_age: Age
    max_age: Age


class LotIn(Input, kw_only=True):
    code: LotCode
    title: Title
    description: Annotated[str, Meta(max_length=5000)] = ""
    age_bands: Annotated[list[AgeBandIn], Meta(max_length=20)] = msgspec.field(default_factory=list)
    need_levels: Annotated[list[NeedLevel], Meta(max_length=20)] = msgspec.field(default_factory=list)
    areas: Annotated[list[OnsCode], Meta(max_length=100)] = msgspec.field(default_factory=list)
    quality_threshold: Threshold | None = None  # this lot's pass mark; null: the arrangement's

    def to_domain(self) -> sub.LotDraft:
        return sub.LotDraft(
            code=self.code,
            title=self.title,
            description=self.description,
            age_bands=_age_bands(self.age_bands),
            need_levels=tuple(self.need_levels),
            areas=tuple(self.areas),
            quality_threshold=self.quality_threshold,
        )


class LotPatch(Input, kw_only=True):
    title: Title | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    age_bands: Annotated[list[AgeBandIn], Meta(max_length=20)] | UnsetType = UNSET
    need_levels: Annotated[list[NeedLevel], Meta(max_length=20)] | UnsetType = UNSET
    areas: Annotated[list[OnsCode], Meta(max_length=100)] | UnsetType = UNSET
    quality_threshold: Threshold | UnsetType | None = UNSET

    def to_domain(self) -> sub.LotChanges:
        return sub.LotChanges(
            title=given(self.title),
            description=given(self.description),
            age_bands=given_as(self.age_bands, _age_bands),
            need_levels=given_as(self.need_levels, tuple),
            areas=given_as(self.areas, tuple),
            quality_threshold=given(self.quality_threshold),
        )


def _windows(items: list[WindowIn]) -> tuple[d.ReopeningWindow, ...]:
    return tuple(w.to_domain() for w in items)


def _age_bands(items: list[AgeBandIn]) -> tuple[d.AgeBand, ...]:
    return tuple(d.AgeBand(label=b.label.strip(), min_age=b.min_age, max_age=b.max_age) for b in items)


class AgeBandOut(Struct, kw_only=True):
    label: str
    min_age: int
    max_age: int


class LotOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    code: str
    title: str
    description: str
    age_bands: list[AgeBandOut]
    need_levels: list[str]
    areas: list[str]
    quality_threshold: Decimal | None = None  # null: the arrangement's pass mark applies
    withdrawn_at: datetime | None = None  # withdrawn lots are kept but no longer offered
    withdrawn_reason: str | None = None

    @classmethod
    def of(cls, lot: d.Lot) -> LotOut:
        return cls(
            id=lot.id,
            arrangement_id=lot.arrangement_id,
            code=lot.code,
            title=lot.title,
            description=lot.description,
            age_bands=[AgeBandOut(label=b.label, min_age=b.min_age, max_age=b.max_age) for b in lot.age_bands],
            need_levels=list(lot.need_levels),
            areas=list(lot.areas),
            quality_threshold=lot.quality_threshold,
            withdrawn_at=lot.withdrawn_at,
            withdrawn_reason=lot.withdrawn_reason,
        )


class LotPage(Struct, kw_only=True):
    items: list[LotOut]
    next_cursor: str | None


# --- memberships -----------------------------------------------------------------------------


class MembershipOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    lot_id: int
    provider_id: int
    application_id: int | None
    status: MembershipStatus
    started_on: date
    status_reason: str | None
    version: int

    @classmethod
    def of(cls, m: Membership) -> MembershipOut:
        return cls(
            id=m.id,
            arrangement_id=m.arrangement_id,
            lot_id=m.lot_id,
            provider_id=m.provider_id,
            application_id=m.application_id,
            status=m.status,
            started_on=m.started_on,
            status_reason=m.status_reason,
            version=m.version,
        )


class MembershipPage(Struct, kw_only=True):
    items: list[MembershipOut]
    next_cursor: str | None


class ReasonIn(Input, kw_only=True):
    reason: Reason


class EvaluatorOut(Struct, kw_only=True):
    user_id: int
    full_name: str
    email: str
    role: Role
    authority_id: int | None

    @classmethod
    def of(cls, u: User) -> EvaluatorOut:
        return cls(user_id=u.id, full_name=u.full_name, email=u.email, role=u.role, authority_id=u.authority_id)


class EvaluatorList(Struct, kw_only=True):
    items: list[EvaluatorOut]
