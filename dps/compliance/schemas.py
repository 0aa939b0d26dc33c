"""Request and response bodies of the compliance API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from dps.accounts.domain import MAX_AGE_SERVED, Need, OfstedGrade, SettingType
from dps.compliance.domain import concerns as c
from dps.compliance.domain import requirements as r
from dps.compliance.domain import submissions as sub
from dps.compliance.domain import visits as v
from dps.compliance.domain.eligibility import SettingEligibility
from dps.compliance.domain.extraction import ExtractionKind, InsuranceProposal, OfstedProposal, SourceLine
from dps.core.requests import Input, Pence, ShortText, Title

Text = Annotated[str, Meta(min_length=1, max_length=10_000)]
# Cover and turnover in whole pence, up to GBP 10 trillion: far beyond any policy or company, and
# inside the BigInt columns that hold them (larger numbers are a 400, not a database error).
Score = Annotated[int, Meta(ge=0, le=100)]
Band = Annotated[int, Meta(ge=1, le=100)]
Ratio = Annotated[Decimal, Meta(examples=["1.20"])]
Age = Annotated[int, Meta(ge=0, le=MAX_AGE_SERVED)]


# --- requirements ----------------------------------------------------------------------------


class CreditBandsIn(Input, kw_only=True):
    accept_from: Band
    review_from: Band


class RequirementIn(Input, kw_only=True):
    kind: r.RequirementKind
    title: Title
    description: ShortText = ""
    mandatory: bool = True
    insurance_kind: r.InsuranceKind | None = None
    min_cover_pence: Pence | None = None
    credit_bands: CreditBandsIn | None = None
    min_current_ratio: Ratio | None = None
    accepted_grades: list[OfstedGrade] | None = None  # default: not Inadequate (nor SA outcome 3)
    suspend_on_failing_grade: bool = True
    turnover_threshold_pence: Pence = r.MODERN_SLAVERY_TURNOVER_PENCE

    def to_domain(self) -> sub.RequirementDraft:
        bands = self.credit_bands
        return sub.RequirementDraft(
            kind=self.kind,
            title=self.title.strip(),
            description=self.description,
            mandatory=self.mandatory,
            insurance_kind=self.insurance_kind,
            min_cover_pence=self.min_cover_pence,
            credit_bands=r.CreditBands(accept_from=bands.accept_from, review_from=bands.review_from) if bands else None,
            min_current_ratio=self.min_current_ratio,
            accepted_grades=frozenset(self.accepted_grades) if self.accepted_grades is not None else None,
            suspend_on_failing_grade=self.suspend_on_failing_grade,
            turnover_threshold_pence=self.turnover_threshold_pence,
        )


class RequirementOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    kind: r.RequirementKind
    title: str
    description: str
    mandatory: bool
    per_setting: bool
    insurance_kind: r.InsuranceKind | None
    min_cover_pence: int | None
    credit_bands: CreditBandsIn | None
    min_current_ratio: Decimal | None
    accepted_grades: list[OfstedGrade]
    suspend_on_failing_grade: bool
    turnover_threshold_pence: int

    @classmethod
    def of(cls, x: r.Requirement) -> RequirementOut:
        bands = x.credit_bands
        return cls(
            id=x.id,
            arrangement_id=x.arrangement_id,
            kind=x.kind,
            title=x.title,
            description=x.description,
            mandatory=x.mandatory,
            per_setting=x.per_setting,
            insurance_kind=x.insurance_kind,
            min_cover_pence=x.min_cover_pence,
            credit_bands=CreditBandsIn(accept_from=bands.accept_from, review_from=bands.review_from) if bands else None,
            min_current_ratio=x.min_current_ratio,
            accepted_grades=sorted(x.accepted_grades),
            suspend_on_failing_grade=x.suspend_on_failing_grade,
            turnover_threshold_pence=x.turnover_threshold_pence,
        )


class RequirementList(Struct, kw_only=True):
    items: list[RequirementOut]


# --- evidence --------------------------------------------------------------------------------


class EvidenceIn(Input, kw_only=True):
    requirement_id: int
    document_id: int | None = None
    issuer: Annotated[str, Meta(max_length=200)] | None = None
    starts_on: date | None = None
    expires_on: date | None = None
    cover_pence: Pence | None = None
    insurance_kind: r.InsuranceKind | None = None
    credit_score: Score | None = None
    current_ratio: Ratio | None = None
    turnover_pence: Pence | None = None

    def to_domain(self) -> sub.EvidenceSubmission:
        return sub.EvidenceSubmission(**{f: getattr(self, f) for f in self.__struct_fields__})


class EvidenceOut(Struct, kw_only=True):
    id: int
    requirement_id: int
    provider_id: int
    document_id: int | None
    issuer: str | None
    starts_on: date | None
    expires_on: date | None
    cover_pence: int | None
    insurance_kind: r.InsuranceKind | None
    credit_score: int | None
    current_ratio: Decimal | None
    turnover_pence: int | None
    status: str
    submitted_at: datetime | None

    @classmethod
    def of(cls, e: r.Evidence) -> EvidenceOut:
        return cls(**{f: getattr(e, f) for f in cls.__struct_fields__})


class EvidencePage(Struct, kw_only=True):
    items: list[EvidenceOut]
    next_cursor: str | None


class ExtractionIn(Input, kw_only=True):
    document_id: int
    kind: ExtractionKind


class SourceOut(Struct, kw_only=True):
    """Where a proposed value was read, so a person can check it: the page (from 1) and the line."""

    page: int
    line: str

    @classmethod
    def of(cls, source: SourceLine | None) -> SourceOut | None:
        return None if source is None else cls(page=source.page, line=source.text)


class CoverOut(Struct, kw_only=True):
    insurance_kind: r.InsuranceKind
    limit_pence: int | None
    source: SourceOut | None = None  # the line naming the class of cover
    limit_source: SourceOut | None = None  # the line the limit was read from


class ExtractionOut(Struct, kw_only=True):
    """Values read from the PDF for an officer (or the provider) to confirm; never applied as is."""

    document_id: int
    kind: ExtractionKind
    pages: int
    found: bool
    message: str
    covers: list[CoverOut] | None = None
    starts_on: date | None = None
    expires_on: date | None = None
    insurer: str | None = None
    urn: str | None = None
    inspection_date: date | None = None
    overall_effectiveness: OfstedGrade | None = None
    interim_inspection: bool | None = None  # an interim inspection gives no overall grade
    # For each proposed value (by field name), the page and line it was read from.
    sources: dict[str, SourceOut] = {}

    @classmethod
    def of(cls, document_id: int, pages: int, proposal: InsuranceProposal | OfstedProposal) -> ExtractionOut:
        found = proposal.found_anything
        message = "values found; check them against the document" if found else "nothing found in the PDF's text"
        sources = {name: SourceOut(page=x.page, line=x.text) for name, x in proposal.sources.items()}
        if isinstance(proposal, InsuranceProposal):
            return cls(
                document_id=document_id,
                kind=ExtractionKind.INSURANCE_CERTIFICATE,
                pages=pages,
                found=found,
                message=message,
                covers=[
                    CoverOut(
                        insurance_kind=x.insurance_kind,
                        limit_pence=x.limit_pence,
                        source=SourceOut.of(x.source),
                        limit_source=SourceOut.of(x.limit_source),
                    )
                    for x in proposal.covers
                ],
                starts_on=proposal.starts_on,
                expires_on=proposal.expires_on,
                insurer=proposal.insurer,
                sources=sources,
            )
        return cls(
            document_id=document_id,
            kind=ExtractionKind.OFSTED_REPORT,
            pages=pages,
            found=found,
            message=message,
            urn=proposal.urn,
            inspection_date=proposal.inspection_date,
            overall_effectiveness=proposal.overall_effectiveness,
            interim_inspection=proposal.interim_inspection,
            sources=sources,
        )


# --- checks ----------------------------------------------------------------------------------


class CheckOut(Struct, kw_only=True):
    requirement_id: int
    setting_id: int | None
    mandatory: bool
    outcome: r.Outcome
    reason: str
    evidence_id: int | None
    expires_on: date | None
    overridden: bool
    # The renewal held that takes over without a gap when this evidence expires (no reminders,
    # no suspension); None when there is none or it leaves a gap.
    renewal_id: int | None

    @classmethod
    def of(cls, x: r.CheckResult) -> CheckOut:
        return cls(**{f: getattr(x, f) for f in cls.__struct_fields__})


class MembershipComplianceOut(Struct, kw_only=True):
    membership_id: int
    arrangement_id: int
    lot_id: int
    provider_id: int
    membership_status: str
    compliance_status: r.ComplianceStatus
    checks: list[CheckOut]


class OverrideIn(Input, kw_only=True):
    requirement_id: int
    provider_id: int
    setting_id: int | None = None
    outcome: r.Outcome
    reason: Annotated[str, Meta(min_length=1, max_length=2_000)]

    def to_domain(self) -> sub.OverrideDecision:
        return sub.OverrideDecision(
            requirement_id=self.requirement_id,
            provider_id=self.provider_id,
            setting_id=self.setting_id,
            outcome=self.outcome,
            reason=self.reason.strip(),
        )


# --- Ofsted ----------------------------------------------------------------------------------


class OfstedJudgementIn(Input, kw_only=True):
    grade: OfstedGrade | None = None
    inspection_date: date | None = None
    registration_withdrawn: bool = False

    def to_domain(self) -> sub.OfstedJudgement:
        return sub.OfstedJudgement(self.grade, self.inspection_date, self.registration_withdrawn)


class OfstedJudgementOut(Struct, kw_only=True):
    setting_id: int
    grade: OfstedGrade | None
    inspection_date: date | None
    registration_withdrawn: bool
    suspended_membership_ids: list[int]
    concern_ids: list[int]


# --- concerns --------------------------------------------------------------------------------


class ConcernIn(Input, kw_only=True):
    provider_id: int
    setting_id: int | None = None
    category: c.ConcernCategory
    arrangement_ids: Annotated[list[int], Meta(min_length=1, max_length=50)]
    summary: Text
    actions_taken: ShortText = ""
    review_on: date | None = None
    suspends_call_offs: bool = False
    issue: bool = False  # issue at once instead of saving a draft

    def to_domain(self) -> sub.ConcernReport:
        return sub.ConcernReport(
            provider_id=self.provider_id,
            setting_id=self.setting_id,
            category=self.category,
            arrangement_ids=tuple(self.arrangement_ids),
            summary=self.summary.strip(),
            actions_taken=self.actions_taken.strip(),
            review_on=self.review_on,
            suspends_call_offs=self.suspends_call_offs,
            issue=self.issue,
        )


class ConcernResponseIn(Input, kw_only=True):
    response: Text


class RescindIn(Input, kw_only=True):
    reason: Text


class ConcernOut(Struct, kw_only=True):
    id: int
    issuing_authority_id: int
    provider_id: int
    setting_id: int | None
    category: c.ConcernCategory
    arrangement_ids: list[int]
    summary: str
    actions_taken: str
    review_on: date | None
    suspends_call_offs: bool
    status: c.ConcernStatus
    response: str | None
    issued_at: datetime | None
    responded_at: datetime | None
    rescinded_at: datetime | None
    rescind_reason: str | None
    version: int

    @classmethod
    def of(cls, x: c.Concern) -> ConcernOut:
        values: dict[str, Any] = {f: getattr(x, f) for f in cls.__struct_fields__ if f != "arrangement_ids"}
        return cls(**values, arrangement_ids=sorted(x.arrangement_ids))


class ConcernPage(Struct, kw_only=True):
    items: list[ConcernOut]
    next_cursor: str | None


# --- quality visits --------------------------------------------------------------------------


class ChecklistItem(Input, kw_only=True):
    item: Title
    verified: bool
    note: ShortText = ""


class OutcomeMeasure(Input, kw_only=True):
    measure: Title
    value: Annotated[str, Meta(max_length=200)]


class FindingIn(Input, kw_only=True):
    finding: Text
    owner: Title
    due_on: date


class VisitIn(Input, kw_only=True):
    """One form. A: the provider's own description (`description`); B: the contracts officer's
    verification visit (`checklist`, `notes`); C: a practitioner's visit (`atmosphere`,
    `staff_and_children`, `childrens_views`, `complaints_route`); D: outcome measures (`outcomes`)."""

    form: c.VisitForm
    visited_on: date
    summary: ShortText = ""
    description: ShortText | None = None
    checklist: list[ChecklistItem] | None = None
    notes: ShortText | None = None
    atmosphere: ShortText | None = None
    staff_and_children: ShortText | None = None
    childrens_views: ShortText | None = None
    complaints_route: ShortText | None = None
    outcomes: list[OutcomeMeasure] | None = None
    findings: Annotated[list[FindingIn], Meta(max_length=50)] = msgspec.field(default_factory=list)

    def to_domain(self) -> v.VisitReport:
        answers = {f: getattr(self, f) for f in v.FORM_FIELD_NAMES if getattr(self, f) is not None}
        return v.VisitReport(
            form=self.form,
            visited_on=self.visited_on,
            summary=self.summary,
            answers=msgspec.to_builtins(answers),
            findings=tuple(v.Finding(f.finding.strip(), f.owner.strip(), f.due_on) for f in self.findings),
        )


class ActionItemOut(Struct, kw_only=True):
    id: int
    visit_id: int
    finding: str
    owner: str
    due_on: date
    status: c.ActionStatus
    version: int

    @classmethod
    def of(cls, a: v.ActionItem) -> ActionItemOut:
        return cls(**{f: getattr(a, f) for f in cls.__struct_fields__})


class VisitOut(Struct, kw_only=True):
    id: int
    setting_id: int
    provider_id: int
    form: c.VisitForm
    visited_on: date
    authority_id: int | None
    recorded_by: int
    summary: str
    details: dict[str, Any]
    recorded_at: datetime
    actions: list[ActionItemOut]

    @classmethod
    def of(cls, visit: v.Visit, actions: list[v.ActionItem]) -> VisitOut:
        values = {f: getattr(visit, f) for f in cls.__struct_fields__ if f != "actions"}
        return cls(**values, actions=[ActionItemOut.of(a) for a in actions if a.visit_id == visit.id])


class VisitList(Struct, kw_only=True):
    items: list[VisitOut]


class ActionStatusIn(Input, kw_only=True):
    status: c.ActionStatus


# --- eligibility and search ------------------------------------------------------------------


class ReasonOut(Struct, kw_only=True):
    code: str
    detail: str


class EligibilityOut(Struct, kw_only=True):
    setting_id: int
    provider_id: int
    membership_id: int | None
    eligible: bool
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, e: SettingEligibility) -> EligibilityOut:
        return cls(
            setting_id=e.setting_id,
            provider_id=e.provider_id,
            membership_id=e.membership_id,
            eligible=e.eligible,
            reasons=[ReasonOut(code=x.code, detail=x.detail) for x in e.reasons],
        )


class EligibilityList(Struct, kw_only=True):
    items: list[EligibilityOut]


class SearchResultOut(Struct, kw_only=True):
    setting_id: int
    provider_id: int
    name: str
    setting_type: SettingType
    ofsted_grade: OfstedGrade | None
    postcode: str
    min_age: int
    max_age: int
    needs: list[Need]
    distance_miles: float | None
    eligible: bool | None  # None when no lot was given
    reasons: list[ReasonOut]


class SearchResults(Struct, kw_only=True):
    items: list[SearchResultOut]
