"""Plain facts other packages hand to generation, and how they become a template's context.

Facts carry raw values (pence, dates, Decimals); the `*_context` functions format them once
(`formatting.money`, `dps.core.dates.long_date`) into the typed contexts of `contexts.py`. A later
package (tenders, pricing) only has to fill a facts dataclass to get a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dps.contracts.codes import ContractCode
from dps.contracts.domain import contexts as c
from dps.contracts.domain.formatting import money, percentage, percentage_change
from dps.core.codes import CommonCode
from dps.core.dates import long_date
from dps.core.errors import RuleViolation

# National contracts for children's placements give 28 days' notice to end a placement unless
# the Individual Placement Agreement says otherwise (standard terms, clause 5 of our wording).
DEFAULT_NOTICE_DAYS = 28
OPEN_ENDED = "open-ended"


@dataclass(frozen=True, slots=True)
class PartyFacts:
    name: str
    address: str = ""
    postcode: str = ""
    company_number: str | None = None


@dataclass(frozen=True, slots=True)
class FeeLineFacts:
    description: str
    weekly_pence: int


@dataclass(frozen=True, slots=True)
class PlacementFacts:
    """Everything an Individual Placement Agreement states about one placement."""

    placement_id: int
    service_type: str
    authority_id: int
    authority: PartyFacts
    provider_id: int
    provider: PartyFacts
    arrangement_reference: str
    arrangement_title: str
    lot_code: str
    lot_title: str
    child_reference: str
    child_age: int
    child_needs: Sequence[str]
    setting_name: str
    setting_urn: str
    setting_postcode: str
    start_date: date
    end_date: date | None
    fee_lines: Sequence[FeeLineFacts]
    notice_days: int = DEFAULT_NOTICE_DAYS
    # The arrangement's lead authority: its template is used when the placing council has none.
    lead_authority_id: int | None = None

    @property
    def weekly_total_pence(self) -> int:
        return sum(line.weekly_pence for line in self.fee_lines)


@dataclass(frozen=True, slots=True)
class FeeVariationFacts:
    """One placement whose weekly fee an uplift (or any agreed change) moves from a date."""

    placement_id: int
    authority_id: int
    authority: PartyFacts
    provider_id: int
    provider: PartyFacts
    child_reference: str
    reason: str
    effective_date: date
    previous_weekly_pence: int
    new_weekly_pence: int
    contract_id: int | None = None  # the placement's Individual Placement Agreement, when on the platform
    contract_reference: str = ""


@dataclass(frozen=True, slots=True)
class MembershipFacts:
    membership_id: int
    service_type: str
    lead_authority_id: int
    lead_authority: PartyFacts
    member_authorities: Sequence[str]
    provider_id: int
    provider: PartyFacts
    arrangement_reference: str
    arrangement_title: str
    procedure: str
    term_start: date
    term_end: date
    lot_code: str
    lot_title: str
    started_on: date


@dataclass(frozen=True, slots=True)
class LotDecisionFacts:
    lot_code: str
    lot_title: str
    admitted: bool
    weighted_total: Decimal
    reasons: str


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    application_id: int
    lead_authority_id: int
    lead_authority: PartyFacts
    provider_id: int
    provider: PartyFacts
    arrangement_reference: str
    arrangement_title: str
    submitted_on: date
    decided_on: date
    decisions: Sequence[LotDecisionFacts] = field(default_factory=tuple)


# --- facts -> contexts -----------------------------------------------------------------------


def party(p: PartyFacts) -> c.PartyContext:
    return c.PartyContext(name=p.name, address=p.address, postcode=p.postcode, company_number=p.company_number or "")


def _service(code: str) -> c.ServiceContext:
    if code not in c.SERVICE_TYPE_LABELS:
        raise RuleViolation(f"unknown service type {code!r}", code=ContractCode.UNKNOWN_SERVICE_TYPE)
    return c.ServiceContext(code=code, label=c.SERVICE_TYPE_LABELS[code])


def check_placement(f: PlacementFacts) -> None:
    """An IPA states a positive weekly fee, a notice period and an end no earlier than its start."""
    if not f.fee_lines:
        raise RuleViolation("a placement agreement needs at least one fee line", code=ContractCode.NO_FEE_LINES)
    if any(line.weekly_pence < 0 for line in f.fee_lines):
        raise RuleViolation("fee lines cannot be negative", code=ContractCode.NEGATIVE_FEE)
    if f.notice_days < 1:
        raise RuleViolation("the notice period is at least one day", code=ContractCode.INVALID_NOTICE_PERIOD)
    if f.end_date is not None and f.end_date < f.start_date:
        raise RuleViolation("the placement ends before it starts", code=ContractCode.INVALID_PLACEMENT_DATES)


def placement_context(f: PlacementFacts, reference: str, issued_on: date) -> c.PlacementContext:
    """The IPA's context for the terms of `f.service_type`."""
    check_placement(f)
    return c.PlacementContext(
        agreement=c.DocumentInfo(reference=reference, date=long_date(issued_on)),
        service=_service(f.service_type),
        authority=party(f.authority),
        provider=party(f.provider),
        arrangement=c.ArrangementContext(reference=f.arrangement_reference, title=f.arrangement_title),
        lot=c.LotContext(code=f.lot_code, title=f.lot_title),
        child=c.ChildContext(reference=f.child_reference, age=f.child_age, needs=", ".join(f.child_needs)),
        setting=c.SettingContext(name=f.setting_name, ofsted_urn=f.setting_urn, postcode=f.setting_postcode),
        placement=c.PlacementTerms(
            start_date=long_date(f.start_date),
            end_date=long_date(f.end_date) if f.end_date else OPEN_ENDED,
            notice_days=f.notice_days,
        ),
        fee_lines=tuple(c.FeeLine(description=x.description, weekly_amount=money(x.weekly_pence)) for x in f.fee_lines),
        weekly_total=money(f.weekly_total_pence),
    )


def check_fee_variation(f: FeeVariationFacts) -> None:
    if f.previous_weekly_pence < 0 or f.new_weekly_pence < 0:
        raise RuleViolation("weekly fees cannot be negative", code=ContractCode.NEGATIVE_FEE)
    if f.previous_weekly_pence == f.new_weekly_pence:
        raise RuleViolation("the fee does not change; there is nothing to vary", code=ContractCode.NO_FEE_CHANGE)


def fee_variation_context(f: FeeVariationFacts, reference: str, issued_on: date) -> c.FeeVariationContext:
    check_fee_variation(f)
    return c.FeeVariationContext(
        variation=c.DocumentInfo(reference=reference, date=long_date(issued_on)),
        contract_reference=f.contract_reference,
        authority=party(f.authority),
        provider=party(f.provider),
        child_reference=f.child_reference,
        reason=f.reason,
        effective_date=long_date(f.effective_date),
        previous_weekly_fee=money(f.previous_weekly_pence),
        new_weekly_fee=money(f.new_weekly_pence),
        weekly_change=money(f.new_weekly_pence - f.previous_weekly_pence),
        change_percentage=percentage(percentage_change(f.previous_weekly_pence, f.new_weekly_pence)),
    )


def membership_context(f: MembershipFacts, reference: str, issued_on: date) -> c.MembershipAgreementContext:
    return c.MembershipAgreementContext(
        agreement=c.DocumentInfo(reference=reference, date=long_date(issued_on)),
        service=_service(f.service_type),
        lead_authority=party(f.lead_authority),
        member_authorities=tuple(f.member_authorities),
        provider=party(f.provider),
        arrangement=c.ArrangementContext(reference=f.arrangement_reference, title=f.arrangement_title),
        term=c.TermContext(procedure=f.procedure, start_date=long_date(f.term_start), end_date=long_date(f.term_end)),
        lot=c.LotContext(code=f.lot_code, title=f.lot_title),
        membership=c.MembershipContext(number=str(f.membership_id), started_on=long_date(f.started_on)),
    )


def decision_context(f: DecisionFacts, reference: str, issued_on: date) -> c.DecisionLetterContext:
    if not f.decisions:
        raise RuleViolation("the application has no lot decisions yet", code=CommonCode.NOT_DECIDED)
    return c.DecisionLetterContext(
        letter=c.DocumentInfo(reference=reference, date=long_date(issued_on)),
        lead_authority=party(f.lead_authority),
        provider=party(f.provider),
        arrangement=c.ArrangementContext(reference=f.arrangement_reference, title=f.arrangement_title),
        application=c.ApplicationContext(number=str(f.application_id), submitted_on=long_date(f.submitted_on)),
        decisions=tuple(
            c.LotDecisionLine(
                lot_code=d.lot_code,
                lot_title=d.lot_title,
                outcome="Admitted" if d.admitted else "Not admitted",
                score=percentage(d.weighted_total),
                reasons=d.reasons,
            )
            for d in f.decisions
        ),
        decided_on=long_date(f.decided_on),
    )
